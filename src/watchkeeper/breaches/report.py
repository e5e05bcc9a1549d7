"""A breach's printed report (PDF, core/pdf.py): everything Art 33(5) asks the trust to document — the
facts, the effects, the remedial action — and every decision and notification, with the 72-hour clock."""

from __future__ import annotations

from datetime import datetime

from watchkeeper.breaches import clock
from watchkeeper.breaches.models import Breach
from watchkeeper.breaches.services.common import state
from watchkeeper.core.dates import uk_datetime
from watchkeeper.core.pdf import letter_pdf


def when(moment: datetime | None) -> str:
    return uk_datetime(moment, "not known")


def _approx(number: int | None) -> str:
    return "not known" if number is None else f"about {number}"


def _facts(breach: Breach, now: datetime) -> list[str]:
    cameras = ", ".join(c.name for c in breach.cameras.all()) or "none named"
    return [
        f"School: {breach.school.name if breach.school else 'Trust-wide'}. "
        f"Kind: {breach.get_kind_display()}.",
        f"What happened: {breach.what_happened}",
        f"When it happened: {when(breach.happened_at)}. "
        f"The trust first became aware: {when(breach.aware_at)}. "
        f"72 hours end: {when(clock.deadline(breach.aware_at))} ({state(breach, now).words}).",
        f"Cameras: {cameras}. Footage, packages or copies: {breach.involved or 'none named'}.",
        f"People affected: {_approx(breach.people_affected)}; "
        f"records affected: {_approx(breach.records_affected)}. "
        f"Categories of data: {breach.categories_words() or 'not yet given'}. Images of children: "
        f"{'yes' if breach.children_images else 'no'}.",
    ]


def _decisions(breach: Breach) -> list[str]:
    lines = []
    if breach.risk:
        lines.append(
            f"Risk assessment ({when(breach.assessed_at)}): likelihood {breach.get_likelihood_display()}, "
            f"severity {breach.get_severity_display()} — {breach.get_risk_display()}. {breach.risk_notes}"
        )
    if breach.ico_decision:
        lines.append(
            f"ICO decision ({when(breach.decided_at)}): {breach.get_ico_decision_display()}. "
            f"{breach.ico_reasons}".strip()
        )
    for phase in breach.ico_phases.all():
        late = f" Reasons for the delay: {phase.late_reasons}" if phase.late_reasons else ""
        lines.append(
            f"ICO notification, phase {phase.phase} ({when(phase.sent_at)}; "
            f"ref {phase.ico_reference or '—'}): {phase.nature} DPO: {phase.dpo_contact}. "
            f"Likely consequences: {phase.consequences or 'to follow'}. "
            f"Measures: {phase.measures or 'to follow'}.{late}"
        )
    if breach.individuals_decision:
        told = (
            f" Told: {breach.get_individuals_recipients_display()}. {breach.individuals_notice}"
            if breach.individuals_notice
            else ""
        )
        lines.append(
            f"People affected (Art 34, {when(breach.individuals_at)}): "
            f"{breach.get_individuals_decision_display()}."
            f"{told} {breach.individuals_reasons}".strip()
        )
    for other in breach.other_notifications.all():
        lines.append(
            f"Also told: {other.get_party_display()} on {when(other.notified_at)} "
            f"{other.reference} {other.notes}".strip()
        )
    return lines or ["No decision recorded yet: the DPO decides."]


def breach_pdf(breach: Breach, now: datetime) -> bytes:
    """The report of one breach, printed at `now`."""
    links = [f"Evidence: {link.label} {link.url}".strip() for link in breach.links.all()]
    return letter_pdf(
        f"Breach report {breach.reference} (CCTV policy 15.1; UK GDPR Art 33(5))",
        [*_facts(breach, now), *_decisions(breach), *links, f"Printed {when(now)}."],
        letterhead="Personal data breach record — confidential",
        dated=now,
    )
