"""The 72-hour clock (15.1; UK GDPR Art 33(1)): the ICO is told without undue delay and, where feasible,
within 72 hours of the trust first becoming aware of a breach. The hours run straight through: weekends and
bank holidays do not pause it (unlike the working-day clocks of subject access and FOI). A school's
awareness is the trust's, the controller's. Pure functions: the moments are passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from watchkeeper.core.clauses import enforces

HOURS = 72
WINDOW = timedelta(hours=HOURS)
DUE_SOON = timedelta(hours=24)  # the last day of the window is flagged "due soon"


@enforces("15.1", "R26")
def deadline(aware_at: datetime) -> datetime:
    """When the 72 hours from first awareness end (calendar hours, no pause)."""
    return aware_at + WINDOW


def time_left(aware_at: datetime, now: datetime) -> timedelta:
    """What is left of the 72 hours at `now`; negative once overdue."""
    return deadline(aware_at) - now


def overdue(aware_at: datetime, now: datetime) -> bool:
    return now >= deadline(aware_at)


def hours_words(span: timedelta) -> str:
    """A span in hours and minutes, rounded down to the minute: "51 h 05 min" (hours, not days: the law
    counts 72 of them)."""
    hours, minutes = divmod(int(abs(span).total_seconds() // 60), 60)
    return f"{hours} h {minutes:02d} min"


@dataclass(frozen=True)
class ClockState:
    flag: str  # "stopped", "overdue", "due_soon" or "running"
    words: str
    badge: str  # CSS badge class: overdue is loud


def clock_state(aware_at: datetime, now: datetime, stopped_at: datetime | None = None) -> ClockState:
    """Where the clock stands at `now`. `stopped_at`: when it stopped — the ICO told (the first phase), or
    the DPO's recorded decision that the ICO need not be told."""
    if stopped_at is not None:
        late = stopped_at - deadline(aware_at)
        if late > timedelta(0):
            return ClockState("stopped", f"Done {hours_words(late)} after the 72 hours", "warn")
        return ClockState("stopped", "Done within the 72 hours", "approved")
    left = time_left(aware_at, now)
    if left <= timedelta(0):
        return ClockState("overdue", f"OVERDUE by {hours_words(left)}: tell the ICO now (Art 33(1))", "bad")
    if left <= DUE_SOON:
        return ClockState("due_soon", f"{hours_words(left)} left of 72 hours", "warn")
    return ClockState("running", f"{hours_words(left)} left of 72 hours", "")


def is_late(aware_at: datetime, sent_at: datetime) -> bool:
    """Art 33(1): a notification made after the 72 hours must give the reasons for the delay."""
    return sent_at > deadline(aware_at)


@enforces("R26")
def risk_level(likelihood: str, severity: str) -> str:
    """The risk to rights and freedoms an assessment comes to (ICO guidance: likelihood and severity
    together): "high" when severe and not remote, or significant and likely; "unlikely" when remote and
    not severe, or minimal and not likely; else "risk"."""
    if severity == "severe" and likelihood != "remote":
        return "high"
    if severity == "significant" and likelihood == "likely":
        return "high"
    if likelihood == "remote" and severity != "severe":
        return "unlikely"
    if severity == "minimal" and likelihood != "likely":
        return "unlikely"
    return "risk"
