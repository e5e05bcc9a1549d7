"""The FOI clock (11.7): pure functions, dates passed in; bank holidays from core.workdays."""

from __future__ import annotations

from datetime import date

import pytest

from watchkeeper.disclosures.clock import (
    Closure,
    add_school_days,
    foi_deadline,
    foi_state,
    is_school_day,
)

EASTER_2026 = Closure(date(2026, 3, 30), date(2026, 4, 10))


def test_without_closures_school_days_are_working_days_skipping_easter_bank_holidays() -> None:
    # Received Wed 25 Mar 2026: Good Friday (3 Apr) and Easter Monday (6 Apr) do not count.
    due = foi_deadline(date(2026, 3, 25))
    assert due.due == date(2026, 4, 24)
    assert not due.capped


def test_the_day_of_receipt_and_weekends_are_not_counted() -> None:
    # Received Fri 6 Mar 2026: Mon 9 Mar is day 1; Thu 2 Apr is day 19; Good Friday and Easter Monday
    # are skipped, so day 20 is Tue 7 Apr.
    assert foi_deadline(date(2026, 3, 6)).due == date(2026, 4, 7)


@pytest.mark.clause("R25")
def test_a_school_holiday_stops_the_school_day_count() -> None:
    # Two school days before the Easter closure, then from Mon 13 Apr; Mon 4 May is a bank holiday.
    due = foi_deadline(date(2026, 3, 25), [EASTER_2026])
    assert due.school_day_deadline == date(2026, 5, 7)
    assert due.due == date(2026, 5, 7)


@pytest.mark.clause("11.7", "R25")
def test_the_sixty_working_day_cap_comes_first_after_a_long_closure() -> None:
    # Closed from the day after receipt to the end of the year: the 60th working day (Thu 8 Oct 2026,
    # skipping the summer bank holiday on 31 Aug) is the deadline.
    due = foi_deadline(date(2026, 7, 15), [Closure(date(2026, 7, 16), date(2026, 12, 31))])
    assert due.working_day_cap == date(2026, 10, 8)
    assert due.capped and due.due == date(2026, 10, 8)


def test_summer_holiday_within_the_cap() -> None:
    due = foi_deadline(date(2026, 7, 15), [Closure(date(2026, 7, 22), date(2026, 9, 2))])
    assert due.due == date(2026, 9, 24)
    assert not due.capped


def test_school_days() -> None:
    assert is_school_day(date(2026, 3, 27), [EASTER_2026])  # a Friday in term
    assert not is_school_day(date(2026, 3, 28), [])  # Saturday
    assert not is_school_day(date(2026, 4, 1), [EASTER_2026])  # a weekday in the holiday
    assert not is_school_day(date(2026, 12, 25), [])  # Christmas Day
    with pytest.raises(ValueError):
        add_school_days(date(2026, 1, 5), -1, [])


@pytest.mark.parametrize(
    ("today", "decided", "flag"),
    [
        (date(2026, 4, 1), False, "open"),  # 15 working days left
        (date(2026, 4, 17), False, "due_soon"),  # 5 working days left
        (date(2026, 4, 24), False, "due_soon"),  # the due day itself
        (date(2026, 4, 27), False, "overdue"),
        (date(2026, 4, 27), True, "decided"),
    ],
)
def test_flags_like_a_sar(today: date, decided: bool, flag: str) -> None:
    assert foi_state(date(2026, 4, 24), today, decided).flag == flag


def test_overdue_words_count_working_days() -> None:
    assert foi_state(date(2026, 4, 24), date(2026, 4, 28), False).words == "Overdue by 2 working days"
