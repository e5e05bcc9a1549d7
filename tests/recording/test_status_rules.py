"""Status decisions (12.1): what a camera's state is, and when the disk is full."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from watchkeeper.recording.models import CameraState, StreamState
from watchkeeper.recording.status import STALE_SECONDS, camera_state, days_until_full

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def state(value: str, age_seconds: float) -> CameraState:
    updated = NOW - timedelta(seconds=age_seconds)
    return CameraState(state=value, since=updated, updated_at=updated)


def test_state_comes_from_a_fresh_recorder_report() -> None:
    assert camera_state(state(StreamState.RECORDING, 2), "active", NOW) == StreamState.RECORDING
    assert camera_state(state(StreamState.RECONNECTING, 2), "active", NOW) == StreamState.RECONNECTING


def test_a_stale_or_missing_report_means_offline() -> None:
    assert camera_state(state(StreamState.RECORDING, STALE_SECONDS + 1), "active", NOW) == StreamState.OFFLINE
    assert camera_state(None, "active", NOW) == StreamState.OFFLINE


def test_a_camera_that_is_not_active_is_not_allowed() -> None:
    assert camera_state(state(StreamState.RECORDING, 1), "suspended", NOW) == StreamState.NOT_ALLOWED


def test_days_until_full() -> None:
    assert days_until_full(100 * 10**9, 10 * 10**9) == 10
    assert days_until_full(100 * 10**9, 0) is None
