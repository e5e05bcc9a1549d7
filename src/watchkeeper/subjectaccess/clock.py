"""The statutory clock of a subject access request (10.1, 10.2; UK GDPR Art 12(3), Art 15; ICO right of
access guidance; DUAA 2025 clarification pause). Pure functions: today's date is always passed in.

- The clock starts on the later of the day the request was received and the day the requester's identity
  was confirmed; until identity is confirmed it has not started.
- The response is due one calendar month later, on the matching date; when the next month is shorter, on
  its last day (ICO: received 31 January → due 28 February, or 29 February in a leap year).
- Days spent waiting for clarification do not count: each paused day moves the deadline one day on.
- A complex request may be extended by up to two further months, but only if the requester was told
  within the first month.
- A deadline on a weekend or an England and Wales bank holiday moves to the next working day.
- School holidays do not stop the clock (nothing here knows of them, by design).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from watchkeeper.core.clauses import enforces
from watchkeeper.core.dates import uk_date
from watchkeeper.core.workdays import DeadlineState, deadline_state, next_working_day

MAX_EXTENSION_MONTHS = 2


ClockState = DeadlineState  # not started until identity is confirmed (10.2); stopped once answered


STATE_LABELS = {
    ClockState.NOT_STARTED: "Clock not started (identity not yet confirmed)",
    ClockState.ON_TIME: "On time",
    ClockState.DUE_SOON: "Due soon",
    ClockState.OVERDUE: "Overdue",
    ClockState.STOPPED: "Stopped",
}


@dataclass(frozen=True)
class Pause:
    """Waiting for clarification from `started_on`; `ended_on` is the day the answer came (None: still
    waiting). The days from start up to end do not count."""

    started_on: date
    ended_on: date | None = None

    def days(self, today: date) -> int:
        end = self.ended_on if self.ended_on is not None else max(today, self.started_on)
        return max((end - self.started_on).days, 0)


def add_months(day: date, months: int) -> date:
    """The matching date `months` later, or the last day of that month when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@enforces("R21")
def clock_start(received_on: date, identity_confirmed_on: date | None) -> date | None:
    """The later of receipt and identity confirmation; None while identity is not confirmed."""
    if identity_confirmed_on is None:
        return None
    return max(received_on, identity_confirmed_on)


def paused_days(pauses: Iterable[Pause], today: date) -> int:
    return sum(pause.days(today) for pause in pauses)


@enforces("R21")
def deadline(
    received_on: date,
    identity_confirmed_on: date | None,
    today: date,
    *,
    pauses: Iterable[Pause] = (),
    extension_months: int = 0,
) -> date | None:
    """The day the response is due, or None while the clock has not started. A pause still running counts
    up to `today`, so the deadline moves on each day the school waits."""
    start = clock_start(received_on, identity_confirmed_on)
    if start is None:
        return None
    due = add_months(start, 1 + extension_months) + timedelta(days=paused_days(pauses, today))
    return next_working_day(due)


def first_month_end(
    received_on: date, identity_confirmed_on: date | None, today: date, *, pauses: Iterable[Pause] = ()
) -> date | None:
    """The unextended deadline: the last day on which the requester may be told of an extension."""
    return deadline(received_on, identity_confirmed_on, today, pauses=pauses)


@enforces("10.2", "R21")
def extension_problems(
    received_on: date,
    identity_confirmed_on: date | None,
    today: date,
    *,
    months: int,
    already: int,
    notified_on: date | None,
    pauses: Iterable[Pause] = (),
) -> list[str]:
    """Why an extension of `months` more (on top of `already`) may not be recorded; empty when it may."""
    problems = []
    if months < 1 or already + months > MAX_EXTENSION_MONTHS:
        problems.append(
            "10.2 (UK GDPR Art 12(3)): a complex request may be extended by at most two further months "
            f"in all ({already} already used)"
        )
    end = first_month_end(received_on, identity_confirmed_on, today, pauses=pauses)
    if end is None:
        problems.append(
            "10.2 (UK GDPR Art 12(3)): confirm the requester's identity first — the clock has not started"
        )
    elif notified_on is None:
        problems.append("10.2 (UK GDPR Art 12(3)): record the day the requester was told of the extension")
    elif notified_on > end:
        problems.append(
            f"10.2 (UK GDPR Art 12(3)): the requester was told on {uk_date(notified_on)}, after the first "
            f"month ended on {uk_date(end)} — an extension needs notice within the first month"
        )
    elif notified_on > today:
        problems.append("10.2: the day the requester was told cannot be in the future")
    return problems


def state(due: date | None, today: date, *, stopped: bool = False) -> ClockState:
    """On time, due soon (7 days or fewer left), or overdue (the deadline has passed)."""
    return deadline_state(due, today, stopped=stopped)
