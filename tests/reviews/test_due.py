"""The pure date rules of reviews (18.1, 3.3), the clock passed in."""

from __future__ import annotations

from datetime import date

import pytest

from watchkeeper.reviews import due


@pytest.mark.clause("18.1")
def test_policy_review_is_yearly_or_sooner_on_a_trigger() -> None:
    today = date(2026, 3, 1)
    assert due.policy_review_due(date(2025, 9, 1), [], today) == date(2026, 9, 1)
    assert due.policy_review_due(date(2025, 9, 1), [date(2026, 4, 30)], today) == date(2026, 4, 30)
    assert due.policy_review_due(None, [], today) == today  # nothing approved: due now


def test_year_after_29_february() -> None:
    assert due.year_after(date(2028, 2, 29)) == date(2029, 2, 28)


@pytest.mark.clause("3.3")
def test_a_new_version_pauses_only_after_its_grace_period() -> None:
    effective = date(2026, 1, 5)
    assert due.pause_from(effective, 14) == date(2026, 1, 19)
    assert not due.paused(effective, 14, acknowledged=False, today=date(2026, 1, 5))  # never overnight
    assert not due.paused(effective, 14, acknowledged=False, today=date(2026, 1, 18))
    assert due.paused(effective, 14, acknowledged=False, today=date(2026, 1, 19))
    assert not due.paused(effective, 14, acknowledged=True, today=date(2026, 6, 1))


def test_camera_review_due_a_year_after_it_was_added_then_as_its_review_set() -> None:
    assert due.camera_review_due(None, date(2025, 5, 1)) == date(2026, 5, 1)
    assert due.camera_review_due(date(2026, 2, 1), date(2020, 5, 1)) == date(2026, 2, 1)
    assert due.overdue(date(2026, 2, 1), date(2026, 2, 2)) and not due.overdue(
        date(2026, 2, 1), date(2026, 2, 1)
    )
