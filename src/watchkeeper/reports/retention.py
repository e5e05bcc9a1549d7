"""Retention of the registers themselves (13.1 by analogy; UK GDPR Art 5(1)(e)): a record about a breach,
a complaint, a request or a misuse alert is personal data too, and is kept only as long as the schedule
says, counted from when the matter closed. The schedule is a setting (`WATCHKEEPER_REGISTER_RETENTION`,
years per register) with the defaults below; `apply_schedule` is the job's service.

Registers applied here: breaches, complaints, subject access requests, disclosure requests and FOI
requests; the public forms' own records by the public app's rule (`public/retention.py`: days and hours,
not years), in the same job. Misuse alerts found to be no concern are deleted by the misuse app after its
own period (days, set under Misuse settings; `misuse.services.purge_no_concern`). design/reports.md says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Model, ProtectedError, Q, QuerySet
from django.utils import timezone

from watchkeeper.breaches.models import Breach
from watchkeeper.complaints.models import Complaint
from watchkeeper.complaints.models import Status as ComplaintStatus
from watchkeeper.core.actors import Actor
from watchkeeper.core.clauses import enforces
from watchkeeper.disclosures.models import DisclosureRequest, FOIRequest
from watchkeeper.public import retention as public_retention
from watchkeeper.reports.deletion import delete_register_record
from watchkeeper.subjectaccess.models import LIVE_STATUSES, SubjectAccessRequest

# Years after closure. Six years: the limitation period for a claim (Limitation Act 1980 s2), as the
# IRMS schools toolkit advises for complaints and breaches; one year for a request answered without dispute;
# the public forms' records are kept days, not years: public/retention.py.
DEFAULT_YEARS: dict[str, float] = {
    "breach": 6,
    "complaint": 6,
    "sar": 1,
    "disclosure": 6,
    "foi": 1,
}
LABELS = {
    "breach": "Breach records (15.1; UK GDPR Art 33(5))",
    "complaint": "Data-protection complaints (17.1; DPA 2018 s164A)",
    "sar": "Subject access requests (10.1)",
    "disclosure": "Disclosure requests from the police and others (11.1–11.6)",
    "foi": "Freedom of Information requests (11.7)",
}
MISUSE_LABEL = "Misuse alerts found to be no concern (16)"
# The public forms' records, in words (Art 30 entry, the schedule page); applied by public/retention.py.
PUBLIC_FORMS = (
    "Public-form requests whose e-mail address was never confirmed: 7 days (the request stays as its case); "
    "the digest of a sender's network address: the rate limit's hour; a public complaint once entered in "
    "the complaints register: the same hour"
)


def schedule() -> dict[str, float]:
    """The defaults, with any register the setting names replaced (only the registers named above)."""
    return {**DEFAULT_YEARS, **_known(getattr(settings, "WATCHKEEPER_REGISTER_RETENTION", {}))}


def _known(setting: dict[str, float]) -> dict[str, float]:
    # "misuse" and "public_form" were once entries here: their own apps' rules govern them now.
    return {register: years for register, years in setting.items() if register in DEFAULT_YEARS}


def rows(years: dict[str, float], misuse_days: int) -> list[tuple[str, str, str]]:
    """The schedule as the record-of-processing page lists it: register, period, who applies it."""
    found = [
        (LABELS[k], f"{v:g} year{'' if v == 1 else 's'}", "Yes" if k in APPLIED else "Not applied yet")
        for k, v in years.items()
    ]
    applied_by = "Yes, by the misuse app's nightly job (Misuse settings)"
    return [*found, (MISUSE_LABEL, f"{misuse_days} days after the outcome", applied_by)]


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
    outcome.deleted.update(public_retention.apply(actor, now))
    return outcome


def _delete(actor: Actor, register: str, obj: Model, years: float) -> bool:
    why = f"Kept {years:g} years after closing, as the register retention schedule says"
    try:
        delete_register_record(actor, register, obj, getattr(obj, "school", None), why)
    except ProtectedError:
        return False
    return True
