"""Working days for statutory clocks (UK GDPR Art 12(3) for subject access, FOIA s10 for FOI).

England and Wales bank holidays come from the `holidays` package, computed offline (no download at run
time). Pure functions: the date is always passed in.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from functools import cache

import holidays


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not an England and Wales bank holiday."""
    return day.weekday() < 5 and not is_bank_holiday(day)


def next_working_day(day: date) -> date:
    """`day` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(day: date, count: int) -> date:
    """The `count`th working day after `day` (`day` itself is not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    while count:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        days += is_working_day(day)
    return days


# A deadline is "due soon" with this many days or fewer left (the SAR and complaint clocks, 10.2, 17.1).
DUE_SOON_DAYS = 7


class DeadlineState(StrEnum):
    NOT_STARTED = "not_started"
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    STOPPED = "stopped"  # answered, closed or refused: nothing is due any more


def deadline_state(due: date | None, today: date, *, stopped: bool = False) -> DeadlineState:
    """A statutory clock's state on `today`: stopped; not started (no deadline yet); overdue once the day
    `due` has passed; due soon with DUE_SOON_DAYS or fewer left; otherwise on time."""
    if stopped:
        return DeadlineState.STOPPED
    if due is None:
        return DeadlineState.NOT_STARTED
    if today > due:
        return DeadlineState.OVERDUE
    if (due - today).days <= DUE_SOON_DAYS:
        return DeadlineState.DUE_SOON
    return DeadlineState.ON_TIME
