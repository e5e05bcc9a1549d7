"""The s164A clock (17.1; DPA 2018 s164A): pure functions, today passed in."""

from __future__ import annotations

from datetime import date

import pytest

from watchkeeper.complaints.clock import (
    NextStep,
    Stage,
    State,
    acknowledged_late_by,
    acknowledgement_due,
    contact_problems,
    next_step,
    progress_due,
    state,
)

D = date
pytestmark = pytest.mark.clause("17.1", "R29")


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2026, 6, 19), D(2026, 7, 19)),  # the day s164A came into force
        (D(2026, 3, 1), D(2026, 3, 31)),  # day 1 is 2 March, day 30 is 31 March
        (D(2027, 1, 31), D(2027, 3, 2)),  # across a short February
        (D(2028, 1, 31), D(2028, 3, 1)),  # a leap year's February has one more day
        (D(2028, 2, 29), D(2028, 3, 30)),
        (D(2026, 4, 30), D(2026, 5, 30)),  # a 30-day month
        (D(2026, 12, 15), D(2027, 1, 14)),  # across the year end
        (D(2026, 11, 30), D(2026, 12, 30)),
    ],
)
def test_receipt_is_acknowledged_by_the_30th_day_counted_from_the_day_after(received, due):
    assert acknowledgement_due(received) == due


def test_a_deadline_on_a_weekend_or_bank_holiday_stays_where_it_is():
    assert acknowledgement_due(D(2026, 11, 26)) == D(2026, 12, 26)  # Boxing Day, a Saturday: not moved


def test_an_acknowledgement_after_the_30th_day_is_late_by_the_days_past_it():
    received = D(2026, 7, 1)
    assert acknowledged_late_by(received, D(2026, 7, 31)) == 0
    assert acknowledged_late_by(received, D(2026, 7, 2)) == 0
    assert acknowledged_late_by(received, D(2026, 8, 3)) == 3


def test_until_acknowledged_the_statutory_deadline_is_next():
    step = next_step(D(2026, 7, 1), statutory=True, acknowledged_on=None, last_contact_on=None, closed=False)
    assert step == NextStep(Stage.ACKNOWLEDGE, D(2026, 7, 31), True)


def test_after_acknowledgement_a_progress_update_is_prompted_from_the_last_contact():
    received, acked = D(2026, 7, 1), D(2026, 7, 5)
    step = next_step(received, statutory=True, acknowledged_on=acked, last_contact_on=None, closed=False)
    assert step == NextStep(Stage.UPDATE, progress_due(acked), False) and step.due == D(2026, 8, 4)
    later = next_step(
        received, statutory=True, acknowledged_on=acked, last_contact_on=D(2026, 8, 31), closed=False
    )
    assert later.due == D(2026, 9, 30)


def test_a_closed_complaint_or_one_not_about_personal_data_has_no_clock():
    none = NextStep(Stage.NONE, None, False)
    assert (
        next_step(D(2026, 7, 1), statutory=False, acknowledged_on=None, last_contact_on=None, closed=False)
        == none
    )
    assert (
        next_step(D(2026, 7, 1), statutory=True, acknowledged_on=None, last_contact_on=None, closed=True)
        == none
    )


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 7, 20), State.ON_TIME),
        (D(2026, 7, 24), State.DUE_SOON),  # 7 days left
        (D(2026, 7, 31), State.DUE_SOON),  # the last day
        (D(2026, 8, 1), State.OVERDUE),
    ],
)
def test_state_of_the_deadline(today, expected):
    assert state(D(2026, 7, 31), today) == expected
    assert state(None, today) == State.STOPPED


def test_a_day_told_must_be_given_be_past_and_after_receipt():
    received, today = D(2026, 7, 1), D(2026, 7, 10)
    assert contact_problems(received, D(2026, 7, 1), today, "acknowledgement") == []
    assert "give the day" in contact_problems(received, None, today, "acknowledgement")[0]
    assert "future" in contact_problems(received, D(2026, 7, 11), today, "update")[0]
    assert (
        "before the complaint was received" in contact_problems(received, D(2026, 6, 30), today, "outcome")[0]
    )
