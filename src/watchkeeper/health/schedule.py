"""The maintenance schedule (12.1): when each scheduled manual check is next due, and which are overdue.
`next_due` and `is_overdue` are pure (dates passed in); `due_checks` loads the schedules and the last
matching checks of the maintenance log in two queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max, QuerySet
from django.utils import timezone

from watchkeeper.core.clauses import enforces
from watchkeeper.health.models import EntryKind, MaintenanceEntry, MaintenanceSchedule

DUE_SOON_DAYS = 7  # the inbox mentions a check this many days before it falls due


@enforces("12.1")
def next_due(last_done: date | None, scheduled_on: date, every_days: int) -> date:
    """`every_days` after the last check of the kind, or after the schedule was set if none yet."""
    return (last_done or scheduled_on) + timedelta(days=every_days)


def is_overdue(due_on: date, today: date) -> bool:
    return due_on < today


@dataclass(frozen=True)
class DueCheck:
    schedule: MaintenanceSchedule
    last_done: date | None
    due_on: date

    def overdue(self, today: date) -> bool:
        return is_overdue(self.due_on, today)


def due_checks(schedules: QuerySet[MaintenanceSchedule]) -> list[DueCheck]:
    """Each schedule with its last logged manual check (a camera's own, or the school-wide one for a
    schedule without a camera) and its next due date, nearest first."""
    schedules = schedules.select_related("school", "camera")
    last = (
        MaintenanceEntry.objects.filter(kind=EntryKind.MANUAL, school__in={s.school_id for s in schedules})
        .values("school", "camera", "check_type")
        .annotate(at=Max("at"))
    )
    done = {(row["school"], row["camera"], row["check_type"]): row["at"] for row in last}
    found = []
    for s in schedules:
        at = done.get((s.school_id, s.camera_id, s.check_type))
        last_done = timezone.localdate(at) if at else None
        found.append(DueCheck(s, last_done, next_due(last_done, timezone.localdate(s.set_at), s.every_days)))
    return sorted(found, key=lambda check: check.due_on)
