"""The statutory clock (UK GDPR Art 12(3); policy 10.2): pure functions, today passed in."""

from __future__ import annotations

from datetime import date

import pytest

from watchkeeper.subjectaccess.clock import (
    ClockState,
    Pause,
    add_months,
    clock_start,
    deadline,
    extension_problems,
    state,
)

D = date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 15), 1, D(2026, 2, 15)),
        (D(2025, 1, 31), 1, D(2025, 2, 28)),  # shorter month: its last day
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year
        (D(2028, 2, 29), 1, D(2028, 3, 29)),
        (D(2027, 3, 31), 1, D(2027, 4, 30)),
        (D(2026, 12, 31), 1, D(2027, 1, 31)),  # year end
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2027, 11, 30), 3, D(2028, 2, 29)),
    ],
)
def test_add_months_goes_to_the_matching_date_or_the_last_day(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("received", "expected", "why"),
    [
        (D(2025, 1, 31), D(2025, 2, 28), "28 Feb 2025 is a Friday"),
        (D(2028, 1, 31), D(2028, 2, 29), "leap year: 29 Feb 2028 is a Tuesday"),
        (D(2027, 1, 31), D(2027, 3, 1), "28 Feb 2027 is a Sunday: next working day"),
        (D(2028, 2, 29), D(2028, 3, 29), "from a leap day"),
        (D(2026, 1, 15), D(2026, 2, 16), "15 Feb 2026 is a Sunday"),
        (D(2026, 2, 28), D(2026, 3, 30), "28 Mar 2026 is a Saturday"),
        (D(2026, 11, 25), D(2026, 12, 29), "Christmas Day Fri, weekend, Boxing Day observed Mon 28 Dec"),
        (D(2027, 11, 27), D(2027, 12, 29), "27 Dec 2027 Christmas observed, 28 Dec Boxing Day observed"),
        (D(2027, 2, 26), D(2027, 3, 30), "Good Friday 26 Mar 2027, weekend, Easter Monday"),
        (D(2028, 3, 17), D(2028, 4, 18), "Easter Monday 17 Apr 2028"),
        (D(2026, 7, 20), D(2026, 8, 20), "school summer holidays do not stop the clock"),
        (D(2026, 11, 29), D(2026, 12, 29), "an ordinary Tuesday"),
    ],
)
@pytest.mark.clause("R21")
def test_deadline_is_one_calendar_month_moved_to_a_working_day(received, expected, why):
    assert deadline(received, received, received) == expected, why


@pytest.mark.clause("R21")
def test_clock_starts_on_the_later_of_receipt_and_identity():
    received = D(2027, 3, 1)
    assert clock_start(received, D(2027, 3, 10)) == D(2027, 3, 10)
    assert clock_start(received, D(2027, 2, 20)) == received  # known beforehand
    # 10 Apr 2027 is a Saturday: Monday 12 Apr.
    assert deadline(received, D(2027, 3, 10), received) == D(2027, 4, 12)


def test_clock_has_not_started_until_identity_is_confirmed():
    assert clock_start(D(2027, 3, 1), None) is None
    assert deadline(D(2027, 3, 1), None, D(2027, 6, 1)) is None


def test_a_finished_pause_adds_its_days():
    received = D(2026, 3, 2)  # due Thu 2 Apr 2026 without a pause
    assert deadline(received, received, received) == D(2026, 4, 2)
    pause = Pause(D(2026, 3, 5), D(2026, 3, 12))
    assert deadline(received, received, D(2026, 3, 20), pauses=[pause]) == D(2026, 4, 9)


def test_a_running_pause_counts_up_to_today():
    received = D(2026, 3, 2)
    pause = Pause(D(2026, 3, 5))
    # 5 days paused by 10 Mar: 2 Apr + 5 = Tue 7 Apr (Easter Monday 6 Apr is already behind it).
    assert deadline(received, received, D(2026, 3, 10), pauses=[pause]) == D(2026, 4, 7)
    # The next day the deadline moves one day on.
    assert deadline(received, received, D(2026, 3, 11), pauses=[pause]) == D(2026, 4, 8)


def test_two_pauses_add_up_and_can_push_onto_a_bank_holiday():
    received = D(2026, 3, 2)
    pauses = [Pause(D(2026, 3, 3), D(2026, 3, 4)), Pause(D(2026, 3, 9), D(2026, 3, 9))]
    # 1 + 0 paused days: 3 Apr 2026 is Good Friday, then weekend, then Easter Monday: Tue 7 Apr.
    assert deadline(received, received, D(2026, 3, 20), pauses=pauses) == D(2026, 4, 7)


def test_extension_adds_whole_months_to_the_start():
    received = D(2026, 3, 2)
    assert deadline(received, received, received, extension_months=2) == D(2026, 6, 2)
    # 2 May 2026 is a Saturday, Monday 4 May is the May bank holiday.
    assert deadline(received, received, received, extension_months=1) == D(2026, 5, 5)
    # 31 Dec + 2 months = 28 Feb 2027, a Sunday.
    assert deadline(D(2026, 12, 31), D(2026, 12, 31), D(2027, 1, 5), extension_months=1) == D(2027, 3, 1)


RECEIVED = D(2026, 3, 2)


def _ext(notified_on, *, months=1, already=0, today=None, identity=RECEIVED, pauses=()):
    return extension_problems(
        RECEIVED,
        identity,
        today or D(2026, 4, 10),
        months=months,
        already=already,
        notified_on=notified_on,
        pauses=pauses,
    )


def test_extension_allowed_with_notice_inside_the_first_month():
    assert _ext(D(2026, 3, 20)) == []
    assert _ext(D(2026, 4, 2)) == []  # the last day of the first month
    assert _ext(D(2026, 3, 20), months=2) == []


@pytest.mark.clause("10.2", "R21")
def test_extension_refused_when_notice_came_after_the_first_month():
    problems = _ext(D(2026, 4, 3))
    assert len(problems) == 1 and "first month" in problems[0] and "12(3)" in problems[0]


def test_a_pause_lengthens_the_first_month_for_notice_too():
    assert _ext(D(2026, 4, 5), pauses=[Pause(D(2026, 3, 5), D(2026, 3, 12))]) == []


def test_extension_limited_to_two_months_in_all():
    assert "at most two" in _ext(D(2026, 3, 20), months=3)[0]
    assert "at most two" in _ext(D(2026, 3, 20), months=2, already=1)[0]
    assert "at most two" in _ext(D(2026, 3, 20), months=0)[0]


def test_extension_needs_a_started_clock_and_a_notice_date():
    assert "identity" in _ext(D(2026, 3, 20), identity=None)[0]
    assert "record the day" in _ext(None)[0]
    assert "future" in _ext(D(2026, 3, 30), today=D(2026, 3, 20))[0]


@pytest.mark.parametrize(
    ("due", "today", "expected"),
    [
        (D(2026, 4, 30), D(2026, 4, 1), ClockState.ON_TIME),
        (D(2026, 4, 30), D(2026, 4, 22), ClockState.ON_TIME),  # 8 days left
        (D(2026, 4, 30), D(2026, 4, 23), ClockState.DUE_SOON),  # 7 days left
        (D(2026, 4, 30), D(2026, 4, 30), ClockState.DUE_SOON),  # due today
        (D(2026, 4, 30), D(2026, 5, 1), ClockState.OVERDUE),
        (None, D(2026, 5, 1), ClockState.NOT_STARTED),
    ],
)
def test_state(due, today, expected):
    assert state(due, today) == expected


def test_a_stopped_clock_is_never_overdue():
    assert state(D(2026, 4, 30), D(2026, 6, 1), stopped=True) == ClockState.STOPPED
