"""When reviews fall due and when an unacknowledged policy pauses footage work: pure functions of dates,
the clock passed in (18.1, 3.3; tested without I/O in tests/reviews/test_due.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from watchkeeper.core.clauses import enforces


def year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February: the review falls on 28 February
        return day.replace(year=day.year + 1, day=28)


@enforces("18.1")
def policy_review_due(approved_on: date | None, open_triggers: Iterable[date], today: date) -> date:
    """The policy is reviewed a year after its current version was approved, or sooner when a recorded
    trigger (legislation changed) asks; with no approved version, it is due now."""
    dues = [year_after(approved_on)] if approved_on else [today]
    return min([*dues, *open_triggers])


def pause_from(effective_on: date, grace_days: int) -> date:
    """The first day on which a person who has not acknowledged the version may not handle footage: a new
    version never stops a school's CCTV work overnight (3.3)."""
    return effective_on + timedelta(days=grace_days)


@enforces("3.3")
def paused(effective_on: date, grace_days: int, acknowledged: bool, today: date) -> bool:
    return not acknowledged and today >= pause_from(effective_on, grace_days)


def camera_review_due(last_reviewed_next: date | None, in_service_since: date) -> date:
    """A camera is first reviewed a year after it was added, then on the date its last review set."""
    return last_reviewed_next or year_after(in_service_since)


def overdue(due: date, today: date) -> bool:
    return due < today
