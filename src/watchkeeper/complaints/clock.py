"""The clock of a data-protection complaint (17.1; DPA 2018 s164A, inserted by the Data (Use and Access) Act
2025 s103, in force 19 June 2026). Pure functions: today's date is always passed in.

- Receipt must be acknowledged within 30 days. Watchkeeper counts them from the day after the complaint
  was received (day 1), so a complaint received on 1 March is acknowledged by 31 March; a month's length
  does not matter (received 31 January → by 2 March, or 1 March in a leap year). A deadline on a weekend or
  a bank holiday stays where it is: the Act counts calendar days and gives no working-day rule.
- After that the Act sets no number of days: enquiries, progress updates and the outcome come "without
  undue delay". So that "undue" is noticed, Watchkeeper asks for a progress update when the complainant has
  heard nothing for PROGRESS_PROMPT_DAYS (its own prompt, not the law's: design/complaints.md).
- A complaint that is not about personal data (17.1 alone: the Trust's Complaints Policy or Grievance
  Procedure) has no statutory clock; those procedures set their own timescales.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from watchkeeper.core.clauses import enforces
from watchkeeper.core.dates import uk_date
from watchkeeper.core.workdays import DeadlineState, deadline_state

ACKNOWLEDGE_DAYS = 30
PROGRESS_PROMPT_DAYS = 30


class Stage(StrEnum):
    ACKNOWLEDGE = "acknowledge"  # receipt not yet acknowledged: the statutory 30 days run
    UPDATE = "update"  # acknowledged: enquiries, progress and the outcome without undue delay
    NONE = "none"  # closed, or no statutory clock


# On time, due soon, overdue or stopped (a complaint's clock has no "not started": it runs from receipt).
State = DeadlineState


@dataclass(frozen=True)
class NextStep:
    """What the complaint waits for next and by when (None: nothing is due)."""

    stage: Stage
    due: date | None
    statutory: bool  # the Act's deadline (the acknowledgement) rather than Watchkeeper's prompt


@enforces("17.1", "R29")
def acknowledgement_due(received_on: date) -> date:
    """The last day for acknowledging receipt: the 30th day counted from the day after receipt."""
    return received_on + timedelta(days=ACKNOWLEDGE_DAYS)


def acknowledged_late_by(received_on: date, acknowledged_on: date) -> int:
    """Days past the deadline on which receipt was acknowledged (0: in time)."""
    return max((acknowledged_on - acknowledgement_due(received_on)).days, 0)


def progress_due(last_contact_on: date) -> date:
    """When the complainant should next hear how their complaint is going (Watchkeeper's prompt)."""
    return last_contact_on + timedelta(days=PROGRESS_PROMPT_DAYS)


@enforces("17.1", "R29")
def next_step(
    received_on: date,
    *,
    statutory: bool,
    acknowledged_on: date | None,
    last_contact_on: date | None,
    closed: bool,
) -> NextStep:
    """The next thing a complaint waits for. `last_contact_on`: the last day the complainant was told
    anything (acknowledgement or progress update)."""
    if closed or not statutory:
        return NextStep(Stage.NONE, None, False)
    if acknowledged_on is None:
        return NextStep(Stage.ACKNOWLEDGE, acknowledgement_due(received_on), True)
    return NextStep(
        Stage.UPDATE, progress_due(max(acknowledged_on, last_contact_on or acknowledged_on)), False
    )


def state(due: date | None, today: date) -> State:
    """On time, due soon (7 days or fewer left), or overdue (the day has passed); stopped when nothing is
    due (the complaint is closed, or has no statutory clock)."""
    return deadline_state(due, today, stopped=due is None)


@enforces("17.1", "R29")
def contact_problems(received_on: date, told_on: date | None, today: date, what: str) -> list[str]:
    """Why a day the complainant was told something (acknowledgement, update, outcome) cannot be recorded."""
    if told_on is None:
        return [f"17.1 (DPA 2018 s164A): give the day the {what} was sent or given"]
    if told_on > today:
        return [f"17.1: the day the {what} was sent cannot be in the future"]
    if told_on < received_on:
        return [f"17.1: the {what} cannot be before the complaint was received ({uk_date(received_on)})"]
    return []
