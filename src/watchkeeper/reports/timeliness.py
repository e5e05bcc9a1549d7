"""Timeliness of the statutory clocks as a pure tally: (due date, answered date or None) pairs and today's
date in, counts out. Used by the dashboard and the annual report; tested without the database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Tally:
    on_time: int = 0
    late: int = 0
    open_in_time: int = 0
    open_overdue: int = 0

    @property
    def answered(self) -> int:
        return self.on_time + self.late

    @property
    def percent_on_time(self) -> int | None:
        """Answered on time out of answered; None when nothing was answered yet."""
        return round(100 * self.on_time / self.answered) if self.answered else None


def tally(cases: Iterable[tuple[date | None, date | None]], today: date) -> Tally:
    """A case with no due date (its clock has not started: identity not yet confirmed) counts as open."""
    on_time = late = open_in_time = open_overdue = 0
    for due, done in cases:
        if done is not None:
            if due is None or done <= due:
                on_time += 1
            else:
                late += 1
        elif due is not None and due < today:
            open_overdue += 1
        else:
            open_in_time += 1
    return Tally(on_time, late, open_in_time, open_overdue)
