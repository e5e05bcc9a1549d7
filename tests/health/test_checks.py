"""The automatic checks of 12.1 as pure functions, on synthetic frames: black, flat grey (blurred), noise,
a shifted scene, identical consecutive frames; the stream and recording checks with an injected clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from watchkeeper.health import checks
from watchkeeper.health.checks import Finding
from watchkeeper.health.models import AlertKind
from watchkeeper.recording.models import StreamState

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
H, W = 180, 320


def wide_scene(seed: int = 7) -> np.ndarray:
    """A 180×480 'scene' of 10-pixel blocks of random grey levels: sharp edges everywhere."""
    rng = np.random.default_rng(seed)
    return np.kron(rng.integers(20, 236, size=(18, 48)), np.ones((10, 10))).astype(np.uint8)


def view(offset: int = 0) -> np.ndarray:
    return wide_scene()[:, offset : offset + W]


def blur(frame: np.ndarray, passes: int = 30) -> np.ndarray:
    """Repeated 5-point averaging: an out-of-focus lens."""
    a = frame.astype(np.float64)
    for _ in range(passes):
        padded = np.pad(a, 1, mode="edge")
        a = (
            padded[1:-1, 1:-1] + padded[:-2, 1:-1] + padded[2:, 1:-1] + padded[1:-1, :-2] + padded[1:-1, 2:]
        ) / 5
    return a


def noise(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, size=(H, W)).astype(np.uint8)


BLACK = np.zeros((H, W), dtype=np.uint8)
GREY = np.full((H, W), 128, dtype=np.uint8)


# --- black ----------------------------------------------------------------------------------------------


@pytest.mark.clause("12.1", "R27")
def test_a_black_picture_is_black_and_only_black():
    dark_noise = np.random.default_rng(1).integers(0, 10, size=(H, W))
    findings = {f.kind: f for f in checks.picture([BLACK, dark_noise], None, set())}
    assert findings[AlertKind.BLACK].fault is True
    assert "12.1: the picture is black" in findings[AlertKind.BLACK].detail
    # Frozen, blurred and moved say nothing more about a black picture: those alerts neither open nor close.
    assert {findings[k].fault for k in (AlertKind.FROZEN, AlertKind.BLURRED, AlertKind.VIEW_MOVED)} == {None}


def test_a_dark_but_working_night_scene_is_not_black():
    night = (view() * 0.2).astype(np.uint8)  # mean about 26
    assert checks.black([night]).fault is False
    assert checks.black([np.full((H, W), checks.BLACK_MEAN_LUMA - 1)]).fault is True
    assert checks.black([np.full((H, W), checks.BLACK_MEAN_LUMA)]).fault is False


def test_one_lit_frame_among_black_ones_is_not_a_black_picture():
    assert checks.black([BLACK, view(), BLACK]).fault is False


# --- blurred --------------------------------------------------------------------------------------------


@pytest.mark.clause("12.1", "R27")
def test_a_sharp_scene_is_not_blurred_and_its_blurred_copy_is():
    assert checks.laplacian_variance(view()) > 10 * checks.BLUR_LAPLACIAN_VARIANCE
    assert checks.blurred([view()]).fault is False
    soft = blur(view())
    assert checks.laplacian_variance(soft) < checks.BLUR_LAPLACIAN_VARIANCE
    finding = checks.blurred([soft])
    assert finding.fault is True and finding.detail.startswith("12.1: the picture is blurred")


def test_a_flat_grey_picture_is_blurred_and_noise_is_not():
    assert checks.laplacian_variance(GREY) == 0
    assert checks.blurred([GREY]).fault is True
    assert checks.blurred([noise(1)]).fault is False


def test_blur_takes_the_median_of_the_frames():
    assert checks.blurred([blur(view()), view(), view()]).fault is False
    assert checks.blurred([blur(view()), blur(view()), view()]).fault is True


# --- frozen ---------------------------------------------------------------------------------------------


@pytest.mark.clause("12.1", "R27")
def test_identical_consecutive_frames_are_frozen():
    finding = checks.frozen([view(), view().copy(), view().copy()], seconds_apart=4)
    assert finding.fault is True and "3 frames over 4 s are identical" in finding.detail


def test_re_encoding_noise_of_a_few_grey_levels_still_counts_as_frozen():
    jitter = np.random.default_rng(3).integers(-4, 5, size=(H, W))
    assert checks.frozen([view(), np.clip(view() + jitter, 0, 255)]).fault is True


def test_a_ticking_clock_or_noise_is_not_frozen():
    clock = view().copy()
    clock[10:20, 10:40] = 255 - clock[10:20, 10:40]  # 300 pixels change a lot: 0.5 % of the picture
    assert checks.frozen([view(), clock]).fault is False
    assert checks.frozen([noise(1), noise(2)]).fault is False


def test_every_consecutive_pair_must_be_identical():
    assert checks.frozen([view(), view(), noise(1)]).fault is False


def test_one_frame_cannot_show_a_freeze():
    assert checks.frozen([view()]).fault is None


# --- view moved -----------------------------------------------------------------------------------------


def test_the_thumbnail_is_32_by_18_block_means():
    thumb = checks.thumbnail(view())
    assert thumb.shape == (18, 32) and thumb.dtype == np.uint8
    assert thumb[0, 0] == view()[0, 0]  # the scene's blocks are the thumbnail's blocks
    with pytest.raises(ValueError):
        checks.thumbnail(np.zeros((10, 10)))


def test_the_same_view_under_other_light_has_not_moved():
    reference = checks.thumbnail(view())
    assert checks.view_difference(checks.thumbnail(view()), reference) == 0
    dusk = (view() * 0.5 + 10).astype(np.uint8)
    assert checks.view_moved([dusk], reference, alert_open=False).fault is False


@pytest.mark.clause("12.1", "R27")
def test_a_shifted_view_has_moved():
    reference = checks.thumbnail(view())
    assert checks.view_difference(checks.thumbnail(view(64)), reference) > checks.VIEW_MOVED_OPEN
    finding = checks.view_moved([view(64)], reference, alert_open=False)
    assert finding.fault is True and finding.detail.startswith("12.1: the view has moved")
    assert checks.view_moved([noise(4)], reference, alert_open=False).fault is True


def test_view_moved_has_hysteresis():
    """Between the close and open thresholds an alert stays as it is: neither opened nor closed."""
    reference = checks.thumbnail(view())
    mixes = [view() * (1 - a) + view(64) * a for a in np.linspace(0, 1, 101)]
    between = [
        m
        for m in mixes
        if checks.VIEW_MOVED_CLOSE
        < checks.view_difference(checks.thumbnail(m), reference)
        < checks.VIEW_MOVED_OPEN
    ]
    assert between, "no mix falls between the thresholds"
    assert checks.view_moved([between[0]], reference, alert_open=False).fault is False
    assert checks.view_moved([between[0]], reference, alert_open=True).fault is True


def test_without_a_reference_view_moved_is_not_evaluated():
    assert checks.view_moved([view()], None, alert_open=False).fault is None


# --- the stream and the recording ----------------------------------------------------------------------


@dataclass
class State:
    state: str
    since: datetime
    detail: str
    updated_at: datetime


def test_a_recording_stream_is_not_down():
    assert (
        checks.stream_down(State(StreamState.RECORDING, NOW - timedelta(hours=1), "", NOW), NOW).fault
        is False
    )


@pytest.mark.clause("12.1", "R27")
def test_reconnecting_is_down_only_after_a_minute():
    state = State(StreamState.RECONNECTING, NOW - timedelta(seconds=60), "connection refused", NOW)
    assert checks.stream_down(state, NOW).fault is False
    state.since = NOW - timedelta(seconds=61)
    finding = checks.stream_down(state, NOW)
    assert (
        finding.fault is True and finding.detail == "12.1: stream reconnecting for 61 s: connection refused"
    )


def test_a_recorder_that_stopped_reporting_means_offline_since_its_last_report():
    state = State(StreamState.RECORDING, NOW - timedelta(hours=2), "", NOW - timedelta(seconds=45))
    assert checks.stream_down(state, NOW).fault is False  # stale (> 30 s) but only for 45 s
    state.updated_at = NOW - timedelta(minutes=5)
    finding = checks.stream_down(state, NOW)
    assert finding.fault is True and "offline for 5 min (the recorder is not running)" in finding.detail


def test_a_camera_the_recorder_never_reported_is_down():
    assert checks.stream_down(None, NOW).fault is True


@pytest.mark.clause("12.1", "R27")
def test_no_new_segment_for_two_segment_lengths():
    assert checks.no_new_segment(NOW - timedelta(seconds=20), 10, NOW).fault is False
    finding = checks.no_new_segment(NOW - timedelta(seconds=21), 10, NOW)
    assert finding.fault is True and "no new recording for 21 s" in finding.detail
    assert checks.no_new_segment(None, 10, NOW).fault is True


@pytest.mark.clause("12.1")
def test_no_false_no_recording_alert_in_the_first_minutes_after_start_up():
    """Issue 15 §5: the server was off overnight, so the last recording is hours old; the recorder started
    receiving 15 s ago and its first segment (10 s long here) is not due until 20 s after that."""
    overnight = NOW - timedelta(hours=10)
    started = checks.receiving_since(State(StreamState.RECORDING, NOW - timedelta(seconds=15), "", NOW), NOW)
    assert started == NOW - timedelta(seconds=15)
    finding = checks.no_new_segment(overnight, 10, NOW, started=started)
    assert finding.fault is False and "not due" in finding.detail
    assert checks.no_new_segment(None, 10, NOW, started=started).fault is False  # a fresh install too
    # Once the grace has passed with nothing recorded, the alert opens as before.
    assert checks.no_new_segment(overnight, 10, NOW + timedelta(seconds=6), started=started).fault is True


def test_only_a_running_recorder_that_is_trying_to_receive_gives_a_grace_period():
    recent = NOW - timedelta(seconds=5)
    assert checks.receiving_since(State(StreamState.CONNECTING, recent, "", NOW), NOW) == recent
    # Started before the camera answers (the demo's simulated cameras start beside the recorder): the
    # recorder goes on trying; stream_down speaks if it goes on for more than a minute.
    assert checks.receiving_since(State(StreamState.RECONNECTING, recent, "", NOW), NOW) == recent
    assert checks.receiving_since(State(StreamState.OFFLINE, recent, "", NOW), NOW) is None
    stale = State(StreamState.RECORDING, recent, "", NOW - timedelta(seconds=31))  # the recorder stopped
    assert checks.receiving_since(stale, NOW) is None
    assert checks.receiving_since(None, NOW) is None


@pytest.mark.clause("12.1")
def test_a_camera_that_drops_out_still_raises_no_new_recording_after_the_usual_limit():
    """Reconnecting since the drop, which is when its last segment ended: the grace adds nothing."""
    dropped = NOW - timedelta(seconds=25)
    started = checks.receiving_since(State(StreamState.RECONNECTING, dropped, "", NOW), NOW)
    assert checks.no_new_segment(dropped, 10, NOW, started=started).fault is True


# --- the alert lifecycle --------------------------------------------------------------------------------


def test_alert_changes_open_on_fault_close_on_pass_and_ignore_the_unevaluated():
    findings = [
        Finding(AlertKind.BLACK, True, "black"),
        Finding(AlertKind.FROZEN, True, "frozen"),  # already open: stays open, not opened twice
        Finding(AlertKind.STREAM_DOWN, False, "recording"),  # open: closes
        Finding(AlertKind.NO_RECORDING, False, "fine"),  # not open: nothing to close
        Finding(AlertKind.VIEW_MOVED, None, "no reference"),  # open, not evaluated: stays open
    ]
    to_open, to_close = checks.alert_changes({"frozen", "stream_down", "view_moved"}, findings)
    assert [f.kind for f in to_open] == [AlertKind.BLACK]
    assert [f.kind for f in to_close] == [AlertKind.STREAM_DOWN]


def test_no_frames_evaluates_no_picture_check():
    assert {f.fault for f in checks.picture(None, None, set())} == {None}


def test_not_applicable_passes_every_check():
    findings = checks.not_applicable("the camera is suspended")
    assert {f.kind for f in findings} == set(AlertKind) and {f.fault for f in findings} == {False}
