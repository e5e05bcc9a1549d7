"""The 72-hour clock (15.1; UK GDPR Art 33(1)): pure functions, the moments passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from watchkeeper.breaches import clock

pytestmark = pytest.mark.clause("15.1", "R26")

# Friday 18 December 2026, 16:00 UTC: the 72 hours run over the weekend and Christmas bank holidays.
AWARE = datetime(2026, 12, 18, 16, 0, tzinfo=UTC)


def test_the_deadline_is_72_calendar_hours_weekends_and_bank_holidays_included() -> None:
    assert clock.deadline(AWARE) == datetime(2026, 12, 21, 16, 0, tzinfo=UTC)  # Monday, not Wednesday
    christmas_eve = datetime(2026, 12, 24, 9, 30, tzinfo=UTC)
    assert clock.deadline(christmas_eve) == datetime(2026, 12, 27, 9, 30, tzinfo=UTC)


def test_time_left_and_overdue() -> None:
    assert clock.time_left(AWARE, AWARE + timedelta(hours=10)) == timedelta(hours=62)
    assert not clock.overdue(AWARE, AWARE + timedelta(hours=71, minutes=59))
    assert clock.overdue(AWARE, AWARE + timedelta(hours=72))
    assert clock.time_left(AWARE, AWARE + timedelta(hours=75)) == -timedelta(hours=3)


def test_states_running_due_soon_overdue_and_stopped() -> None:
    running = clock.clock_state(AWARE, AWARE + timedelta(hours=1))
    assert (running.flag, running.words) == ("running", "71 h 00 min left of 72 hours")
    soon = clock.clock_state(AWARE, AWARE + timedelta(hours=50, minutes=30))
    assert (soon.flag, soon.badge, soon.words) == ("due_soon", "warn", "21 h 30 min left of 72 hours")
    late = clock.clock_state(AWARE, AWARE + timedelta(hours=73, minutes=5))
    assert (late.flag, late.badge) == ("overdue", "bad")
    assert late.words.startswith("OVERDUE by 1 h 05 min")
    done = clock.clock_state(AWARE, AWARE + timedelta(days=9), stopped_at=AWARE + timedelta(hours=40))
    assert (done.flag, done.words) == ("stopped", "Done within the 72 hours")
    slow = clock.clock_state(AWARE, AWARE + timedelta(days=9), stopped_at=AWARE + timedelta(hours=80))
    assert slow.words == "Done 8 h 00 min after the 72 hours" and slow.badge == "warn"


def test_a_notification_after_the_72_hours_is_late() -> None:
    assert not clock.is_late(AWARE, clock.deadline(AWARE))
    assert clock.is_late(AWARE, clock.deadline(AWARE) + timedelta(seconds=1))


@pytest.mark.parametrize(
    ("likelihood", "severity", "risk"),
    [
        ("remote", "minimal", "unlikely"),
        ("remote", "significant", "unlikely"),
        ("possible", "minimal", "unlikely"),
        ("likely", "minimal", "risk"),
        ("possible", "significant", "risk"),
        ("remote", "severe", "risk"),
        ("likely", "significant", "high"),
        ("possible", "severe", "high"),
    ],
)
def test_risk_level(likelihood: str, severity: str, risk: str) -> None:
    assert clock.risk_level(likelihood, severity) == risk
