"""The reports' service functions: the pages, the command line and the job call these, each with the actor
and `now`. Reports change nothing, so they are not audited; applying the register retention schedule is
(retention.py)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Max
from django.utils import timezone

from watchkeeper.core.actors import Actor
from watchkeeper.core.dates import uk_date
from watchkeeper.core.pdf import sections_pdf
from watchkeeper.core.permissions import holds_any, require
from watchkeeper.estate.models import Camera, School, Trust
from watchkeeper.misuse import services as misuse
from watchkeeper.reports import annual, evidence, retention
from watchkeeper.reports.processing import processing_entry


def annual_report(actor: Actor, *, school: School | None, year: int, public: bool, now: datetime) -> bytes:
    """One school's report (reports.view there), or the trust's (reports.view trust-wide)."""
    require(actor, "reports.view", school.pk if school else None)
    schools = School.objects.filter(pk=school.pk) if school else School.objects.all()
    title = school.name if school else _trust_name()
    # Misuse alerts (16) are counted only among those the reader handles: never for a Headteacher, and
    # never one about the reader.
    alerts = misuse.visible(actor) if holds_any(actor, misuse.VIEW) else None
    return annual.render(annual.gather(schools, year, title, now, alerts), year, public, now)


def compliance_report(actor: Actor, now: datetime) -> bytes:
    require(actor, "reports.evidence", None)
    today = timezone.localdate(now)
    sections: list[tuple[str, list[str], list[list[str]]]] = []
    for row in evidence.rows(today):
        enforced = row.enforced_by or ["Not enforced in code."]
        lines = row.evidence or ["No live evidence is collected for this clause."]
        sections.append(
            (f"{row.entry.id} {row.entry.title}", [*lines, "Enforced by: " + "; ".join(enforced)], [])
        )
    subtitle = (
        f"{_trust_name()}. Every clause of the CCTV policy and every numbered requirement of the regulatory "
        f"reference, with the live evidence on {uk_date(today)} and where the software enforces it."
    )
    return sections_pdf("CCTV compliance evidence report", subtitle, sections)


def record_of_processing(actor: Actor) -> list[tuple[str, str]]:
    require(actor, "reports.processing", None)
    longest = Camera.objects.aggregate(days=Max("retention_days"))["days"] or 0
    purposes = {p for camera in Camera.objects.only("purposes") for p in camera.purposes}
    return processing_entry(
        _trust_name(),
        list(School.objects.order_by("name").values_list("name", flat=True)),
        purposes,
        longest,
        retention.schedule(),
        misuse.settings_of().no_concern_keep_days,
    )


def register_schedule(actor: Actor) -> list[tuple[str, str, str]]:
    """How long each register is kept, and what deletes it (the misuse app keeps its own period)."""
    require(actor, "reports.processing", None)
    return retention.rows(retention.schedule(), misuse.settings_of().no_concern_keep_days)


def apply_register_retention(actor: Actor, now: datetime) -> retention.Outcome:
    require(actor, "reports.processing", None)
    return retention.apply_schedule(actor, now)


def _trust_name() -> str:
    trust = Trust.objects.order_by("pk").first()
    return trust.name if trust else "The trust"
