"""Storage forecast as pure functions, the clock passed in (issue 3 §4, design/recording.md "status").

The growth rate is the bytes of the segments that ended in the last 24 h, spread over the time they span
(at least a minute, so the first segment of a new installation does not forecast nonsense). Days until
full is a worst case: once footage reaches its retention, retention frees space as fast as recording
fills it (13.1), so the disk fills only if it cannot hold a full retention period.
"""

from __future__ import annotations

from datetime import datetime, timedelta

FORECAST_WINDOW = timedelta(hours=24)
MIN_SPAN_SECONDS = 60.0
# The forecast's badge: under WARN_DAYS "warn", under CRITICAL_DAYS "bad".
WARN_DAYS = 14.0
CRITICAL_DAYS = 3.0


def bytes_per_day(recent_bytes: int | None, first_start: datetime | None, now: datetime) -> float:
    """Growth per day from the bytes recorded since `first_start` (the earliest start of the segments
    counted); 0 when nothing was recorded."""
    if not recent_bytes or first_start is None:
        return 0.0
    span = max((now - first_start).total_seconds(), MIN_SPAN_SECONDS)
    return recent_bytes * 86400 / span


def days_until_full(free_bytes: int, per_day: float) -> float | None:
    """Days of recording the free space holds at the current rate. None when nothing is being written."""
    if per_day <= 0:
        return None
    return free_bytes / per_day


def pressure(days: float | None) -> str:
    """ "ok", "warn" or "bad" for a forecast (a CSS badge class)."""
    if days is None or days >= WARN_DAYS:
        return "ok"
    return "bad" if days < CRITICAL_DAYS else "warn"
