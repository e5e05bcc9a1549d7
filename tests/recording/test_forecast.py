"""The storage forecast as pure functions with the clock passed in (issue 3 §4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from watchkeeper.recording import forecast

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
GB = 10**9


def test_growth_is_the_recent_bytes_spread_over_the_time_they_span():
    assert forecast.bytes_per_day(12 * GB, NOW - timedelta(hours=12), NOW) == 24 * GB
    assert forecast.bytes_per_day(10 * GB, NOW - timedelta(hours=24), NOW) == 10 * GB


def test_a_first_segment_seconds_ago_counts_as_a_minute():
    assert forecast.bytes_per_day(1_000_000, NOW - timedelta(seconds=5), NOW) == 1_000_000 * 1440


def test_nothing_recorded_means_no_growth_and_no_forecast():
    assert forecast.bytes_per_day(0, NOW - timedelta(hours=1), NOW) == 0
    assert forecast.bytes_per_day(None, None, NOW) == 0
    assert forecast.days_until_full(100 * GB, 0) is None


def test_days_until_full_and_its_badge():
    assert forecast.days_until_full(100 * GB, 10 * GB) == 10
    assert forecast.pressure(None) == "ok"
    assert forecast.pressure(forecast.WARN_DAYS) == "ok"
    assert forecast.pressure(10) == "warn"
    assert forecast.pressure(forecast.CRITICAL_DAYS - 0.1) == "bad"
