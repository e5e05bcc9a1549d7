"""The FOI clock (11.7; FOIA 2000 s10 and the Freedom of Information (Time for Compliance with Request)
Regulations 2004 for maintained schools and academies): the answer is due by the 20th school day after
receipt, or the 60th working day, whichever comes first.

A working day is Monday to Friday and not an England and Wales bank holiday (core/workdays.py). A school
day is a working day on which the school is open: not inside one of the school's closure periods. With no
closure periods entered, every working day counts as a school day (the page says so). The day of receipt
is not counted. Pure functions: the dates and closures are passed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from watchkeeper.core.clauses import enforces
from watchkeeper.core.workdays import add_working_days, is_working_day, working_days_between

SCHOOL_DAYS = 20
WORKING_DAYS_CAP = 60
NEAR_WORKING_DAYS = 5  # flagged "due soon" this many working days before the deadline, like a SAR


@dataclass(frozen=True)
class Closure:
    first_day: date
    last_day: date

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


def is_school_day(day: date, closures: Sequence[Closure]) -> bool:
    return is_working_day(day) and not any(c.covers(day) for c in closures)


def add_school_days(day: date, count: int, closures: Sequence[Closure]) -> date:
    """The `count`th school day after `day` (`day` itself is not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    while count:
        day += timedelta(days=1)
        if is_school_day(day, closures):
            count -= 1
    return day


@dataclass(frozen=True)
class FOIDeadline:
    due: date
    school_day_deadline: date
    working_day_cap: date

    @property
    def capped(self) -> bool:
        """The 60-working-day cap came first (a long closure, such as the summer holiday)."""
        return self.working_day_cap < self.school_day_deadline


@enforces("11.7", "R25")
def foi_deadline(received: date, closures: Iterable[Closure] = ()) -> FOIDeadline:
    closures = tuple(closures)
    by_school_days = add_school_days(received, SCHOOL_DAYS, closures)
    cap = add_working_days(received, WORKING_DAYS_CAP)
    return FOIDeadline(min(by_school_days, cap), by_school_days, cap)


@dataclass(frozen=True)
class ClockState:
    flag: str  # "decided", "overdue", "due_soon" or "open"
    words: str
    badge: str  # CSS badge class


def foi_state(due: date, today: date, decided: bool) -> ClockState:
    """Where an FOI case stands on `today`: overdue after its due day, due soon within five working days."""
    if decided:
        return ClockState("decided", "Answered", "approved")
    if today > due:
        late = working_days_between(due, today)
        return ClockState("overdue", f"Overdue by {late} working day{'s' if late != 1 else ''}", "bad")
    left = working_days_between(today, due)
    if left <= NEAR_WORKING_DAYS:
        return ClockState("due_soon", f"Due soon: {left} working day{'s' if left != 1 else ''} left", "warn")
    return ClockState("open", f"{left} working days left", "")
