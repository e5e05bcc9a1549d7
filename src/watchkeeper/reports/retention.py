"""Retention of the registers themselves (13.1 by analogy; UK GDPR Art 5(1)(e)): a record about a breach,
a complaint, a request or a misuse alert is personal data too, and is kept only as long as the schedule
says, counted from when the matter closed. The schedule is a setting (`WATCHKEEPER_REGISTER_RETENTION`,
years per register) with the defaults below; `apply_schedule` is the job's service.

Registers applied here: breaches, complaints, subject access requests, disclosure requests and FOI
requests. Misuse alerts found to be "no concern" are deleted by the misuse app's own daily job after the
DPO's set period (Misuse settings), which the schedule therefore shows in place of a year count here; public-
form submissions have an entry for their app (issue 18 §3) to apply when it exists; design/reports.md says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Model, ProtectedError, Q, QuerySet
from django.utils import timezone

from watchkeeper.audit.services import record
from watchkeeper.breaches.models import Breach
from watchkeeper.complaints.models import Complaint
from watchkeeper.complaints.models import Status as ComplaintStatus
from watchkeeper.core.actors import Actor
from watchkeeper.core.clauses import enforces
from watchkeeper.disclosures.models import DisclosureRequest, FOIRequest
from watchkeeper.subjectaccess.models import LIVE_STATUSES, SubjectAccessRequest

# Years after closure. Six years: the limitation period for a claim (Limitation Act 1980 s2), as the
# IRMS schools toolkit advises for complaints and breaches; one year for a request answered without dispute;
# a misuse alert found to be "no concern" as long as the DPO set (90 days by default: schedule() reads the
# setting); an unconfirmed public form submission only as long as it takes to confirm it.
DEFAULT_YEARS: dict[str, float] = {
    "breach": 6,
    "complaint": 6,
    "sar": 1,
    "disclosure": 6,
    "foi": 1,
    "misuse": 0.25,
    "public_form": 0.1,
}
LABELS = {
    "breach": "Breach records (15.1; UK GDPR Art 33(5))",
    "complaint": "Data-protection complaints (17.1; DPA 2018 s164A)",
    "sar": "Subject access requests (10.1)",
    "disclosure": "Disclosure requests from the police and others (11.1–11.6)",
    "foi": "Freedom of Information requests (11.7)",
    "misuse": "Misuse alerts found to be no concern (16) — deleted by the misuse app's daily job after the "
    "DPO's set period (Misuse settings)",
    "public_form": "Public-form submissions never confirmed — applied by the public forms",
}


def schedule() -> dict[str, float]:
    """The defaults, with any register the setting names replaced; misuse alerts as the DPO set their
    "no concern" period (the one misuse_purge applies), in years to two places."""
    from watchkeeper.misuse.services import settings_of

    years = {**DEFAULT_YEARS, **getattr(settings, "WATCHKEEPER_REGISTER_RETENTION", {})}
    years["misuse"] = round(settings_of().no_concern_keep_days / 365, 2)
    return years


def cutoff(today: date, years: float) -> date:
    """The day before which a closed record is due: `years` back from today, whole years by the calendar
    (29 February falls back to the 28th), a fraction of a year in days (a pure function)."""
    whole = int(years)
    try:
        back = today.replace(year=today.year - whole)
    except ValueError:
        back = today.replace(year=today.year - whole, day=28)
    return back - timedelta(days=round((years - whole) * 365))


def _due(register: str, before: date, today: date) -> QuerySet[Model]:
    """Closed records whose closing day is before `before`. Open ones are never due."""
    found: dict[str, Callable[[], QuerySet[Model]]] = {
        "breach": lambda: Breach.objects.filter(decided_at__date__lt=before),
        "complaint": lambda: Complaint.objects.filter(status=ComplaintStatus.CLOSED, outcome_on__lt=before),
        "sar": lambda: SubjectAccessRequest.objects.exclude(status__in=LIVE_STATUSES).filter(
            Q(closed_at__date__lt=before) | Q(closed_at=None, responded_on__lt=before)
        ),
        "disclosure": lambda: DisclosureRequest.objects.filter(decided_at__date__lt=before).exclude(
            keep_until__gte=today  # the requester's copy is still kept (13.2): its record stays too
        ),
        "foi": lambda: FOIRequest.objects.filter(decided_at__date__lt=before),
    }
    return found[register]()  # type: ignore[return-value]


APPLIED = ("breach", "complaint", "sar", "disclosure", "foi")
# Registers whose own app applies the schedule (misuse: the daily misuse_purge job, 16).
APPLIED_BY_THEIR_APP = ("misuse",)


@dataclass
class Outcome:
    deleted: dict[str, int]
    kept: dict[str, int]  # due, but something still points at it (footage held, a copy in the log)


@enforces("13.1", "18.1")
def apply_schedule(actor: Actor, now: datetime) -> Outcome:
    """Delete every closed register record older than its register's period. Each deletion is audited in
    its own transaction; a record another still needs (PROTECT) is kept and counted."""
    today, years = timezone.localdate(now), schedule()
    outcome = Outcome({}, {})
    for register in APPLIED:
        for obj in _due(register, cutoff(today, years[register]), today):
            done = _delete(actor, register, obj, years[register])
            bucket = outcome.deleted if done else outcome.kept
            bucket[register] = bucket.get(register, 0) + 1
    return outcome


def _delete(actor: Actor, register: str, obj: Model, years: float) -> bool:
    school = getattr(obj, "school", None)
    try:
        with transaction.atomic():
            record(
                "reports.register_record_deleted",
                actor=actor,
                school=school,
                obj=obj,
                reason=f"Kept {years:g} years after closing, as the register retention schedule says",
                details={"register": register, "id": obj.pk},
            )
            obj.delete()
    except ProtectedError:
        return False
    return True
