"""The breach register (UK GDPR Art 33(5): every breach documented, its facts, effects and the action
taken) and each breach's printed report; both exports are audited. Read through restrict(), so each
reader sees the breaches of their own schools (the DPO: all, trust-wide events too)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet

from watchkeeper.audit.services import record
from watchkeeper.breaches import clock
from watchkeeper.breaches.models import Breach
from watchkeeper.breaches.services.common import DECIDE, REGISTER, VIEW, audit, state, stopped_at
from watchkeeper.core.actors import Actor
from watchkeeper.core.dates import uk_datetime
from watchkeeper.core.permissions import holds_any, restrict
from watchkeeper.estate.models import School

HEADINGS = [
    "Reference",
    "School",
    "Aware at",
    "What happened",
    "People affected (approx.)",
    "Records affected (approx.)",
    "Categories",
    "Images of children",
    "Risk",
    "ICO decision",
    "ICO told",
    "People affected told",
    "72-hour clock",
]
WIDTHS = (20, 22, 20, 50, 15, 15, 30, 13, 18, 22, 17, 18, 17)  # mm: 277 of A4 landscape


def row(breach: Breach, now: datetime) -> list[str]:
    first = breach.ico_phases.order_by("phase").first()
    return [
        breach.reference,
        breach.school.name if breach.school else "Trust-wide",
        uk_datetime(breach.aware_at),
        breach.what_happened,
        "" if breach.people_affected is None else str(breach.people_affected),
        "" if breach.records_affected is None else str(breach.records_affected),
        breach.categories_words(),
        "Yes" if breach.children_images else "No",
        breach.get_risk_display() if breach.risk else "Not yet assessed",
        breach.get_ico_decision_display() if breach.ico_decision else "Awaiting the DPO",
        uk_datetime(first.sent_at) if first else "",
        breach.get_individuals_decision_display() if breach.individuals_decision else "",
        state(breach, now).words,
    ]


def visible(user: Actor, action: str, school: School | None = None) -> QuerySet[Breach]:
    found = restrict(Breach.objects.select_related("school", "reported_by"), user, action)
    return found if school is None else found.filter(school=school)


def export_register(user: Actor, *, school: School | None, form: str, now: datetime) -> list[list[str]]:
    """The register's rows for a CSV or PDF, the export audited (who took a copy of what)."""
    breaches = list(visible(user, REGISTER, school).prefetch_related("ico_phases"))
    with transaction.atomic():
        record(
            "breaches.register_exported",
            actor=user,
            school=school,
            details={"form": form, "rows": len(breaches)},
        )
    return [row(breach, now) for breach in breaches]


def printed_report(user: Actor, breach: Breach) -> None:
    """A breach's report is printed: audited, like every copy of what the register holds."""
    with transaction.atomic():
        audit("report_printed", user, breach)


def open_breaches(user: Actor, now: datetime) -> list[tuple[Breach, clock.ClockState]]:
    """Breaches whose 72-hour clock still runs, for the dashboard and the inbox, nearest deadline first."""
    found = visible(user, VIEW).filter(ico_decision__in=["", "notify"]).prefetch_related("ico_phases")
    rows = [(b, state(b, now)) for b in found if stopped_at(b) is None]
    return sorted(rows, key=lambda pair: pair[0].aware_at)


def awaiting_dpo(user: Actor, now: datetime) -> list[tuple[Breach, str]]:
    """What waits on the DPO beyond the ICO clock: high-risk breaches whose people are not yet told or
    excepted (Art 34: without undue delay)."""
    if not holds_any(user, DECIDE):
        return []
    found = (
        visible(user, DECIDE)
        .filter(risk="high", individuals_decision="")
        .exclude(ico_decision="not_a_breach")
    )
    return [(b, "Decide whether to tell the people affected (Art 34)") for b in found]
