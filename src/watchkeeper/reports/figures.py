"""What the dashboard and the annual report count, straight from the registers. Each function takes the
schools (already restricted to the reader) and a period, and runs a handful of aggregate queries: the
dashboard stays cheap however long the registers grow."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from watchkeeper.breaches.models import Breach
from watchkeeper.complaints.models import Complaint
from watchkeeper.complaints.models import Status as ComplaintStatus
from watchkeeper.disclosures.clock import foi_deadline
from watchkeeper.disclosures.models import DisclosureRequest, FOIRequest
from watchkeeper.estate.models import Camera, CameraStatus
from watchkeeper.evidence.models import Download
from watchkeeper.misuse.models import Alert as MisuseAlert
from watchkeeper.recording.models import Gap, Segment
from watchkeeper.reports.timeliness import Tally, tally
from watchkeeper.subjectaccess.models import SubjectAccessRequest
from watchkeeper.viewing.models import ViewingAuthorisation


def sar_timeliness(school_ids: Iterable[int], since: date, until: date, today: date) -> Tally:
    cases = SubjectAccessRequest.objects.filter(
        school_id__in=school_ids, received_on__gte=since, received_on__lte=until
    ).prefetch_related("clarifications")
    return tally(((c.deadline(c.responded_on or today), c.responded_on) for c in cases), today)


def foi_timeliness(school_ids: Iterable[int], since: date, until: date, today: date) -> Tally:
    # The school-day clock without closures is the earlier one: a closure only moves the deadline later,
    # so this never hides lateness; the FOI page itself shows the exact date.
    cases = FOIRequest.objects.filter(
        school_id__in=school_ids, received_on__gte=since, received_on__lte=until
    )
    return tally(
        ((foi_deadline(c.received_on).due, c.decided_at.date() if c.decided_at else None) for c in cases),
        today,
    )


def complaint_timeliness(school_ids: Iterable[int], since: date, until: date, today: date) -> Tally:
    cases = Complaint.objects.filter(
        school_id__in=school_ids, data_protection=True, received_on__gte=since, received_on__lte=until
    )
    return tally(((c.acknowledgement_due(), c.acknowledged_on) for c in cases), today)


def per_month(school_ids: Iterable[int], since: datetime) -> list[tuple[date, int, int]]:
    """(month, viewing authorisations asked for, downloads made) for each month since `since`."""
    ids = list(school_ids)
    asked = _monthly(
        ViewingAuthorisation.objects.filter(school_id__in=ids, requested_at__gte=since), "requested_at"
    )
    taken = _monthly(Download.objects.filter(school_id__in=ids, downloaded_at__gte=since), "downloaded_at")
    months = sorted(set(asked) | set(taken))
    return [(month, asked.get(month, 0), taken.get(month, 0)) for month in months]


def _monthly(queryset: QuerySet[Any], field: str) -> dict[date, int]:
    rows = queryset.annotate(month=TruncMonth(field)).values("month").annotate(n=Count("pk"))
    return {_day(row["month"]): row["n"] for row in rows}


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def uptime(school_ids: Iterable[int], since: datetime, until: datetime) -> list[tuple[Camera, float]]:
    """Per active camera, the share of the period it was recorded: 100 % less its recorded gaps (12.1)."""
    cameras = list(
        Camera.objects.filter(school_id__in=school_ids, status=CameraStatus.ACTIVE).order_by("name")
    )
    lost: dict[int, float] = {}
    for gap in Gap.objects.filter(camera__in=cameras, end__gt=since, start__lt=until):
        seconds = (min(gap.end, until) - max(gap.start, since)).total_seconds()
        lost[gap.camera_id] = lost.get(gap.camera_id, 0.0) + seconds
    period = (until - since).total_seconds()
    return [(c, round(100 * max(period - lost.get(c.pk, 0.0), 0) / period, 1)) for c in cameras]


def storage(school_ids: Iterable[int]) -> list[tuple[str, int, datetime | None]]:
    """(school name, bytes of footage held, newest segment) per school, in one grouped query."""
    rows = (
        Segment.objects.filter(camera__school_id__in=school_ids)
        .values("camera__school__name")
        .annotate(size=Sum("bytes"), newest=Max("end"))
        .order_by("camera__school__name")
    )
    return [(r["camera__school__name"], r["size"] or 0, r["newest"]) for r in rows]


def open_items(school_ids: Iterable[int], trust_wide: bool) -> dict[str, int]:
    """Breaches awaiting the DPO's ICO decision (trust-wide ones for a trust-wide reader), open
    complaints, disclosure requests awaiting a decision and misuse alerts without an outcome."""
    ids = list(school_ids)
    theirs = Q(school_id__in=ids) | (Q(school__isnull=True) if trust_wide else Q(pk__in=[]))
    return {
        "breaches": Breach.objects.filter(theirs, decided_at__isnull=True).count(),
        "misuse": MisuseAlert.objects.filter(theirs, outcome="").count(),
        "complaints": Complaint.objects.filter(school_id__in=ids, status=ComplaintStatus.OPEN).count(),
        "disclosures": DisclosureRequest.objects.filter(school_id__in=ids, decided_at__isnull=True).count(),
    }


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def months_back(now: datetime, months: int = 12) -> datetime:
    first = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return (first - timedelta(days=31 * (months - 1))).replace(day=1)
