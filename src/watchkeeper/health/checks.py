"""The automatic camera checks (12.1) as pure functions: state, times, frames and the clock in; findings out.

Frames are 2-D grey-level arrays (0–255) decoded at ANALYSIS_SIZE (health/frames.py). Thresholds, and why
they are what they are, are in design/health.md ("Checks and thresholds").
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import numpy as np
import numpy.typing as npt

from watchkeeper.core.clauses import enforces
from watchkeeper.health.models import AlertKind
from watchkeeper.recording.models import StreamState
from watchkeeper.recording.status import STALE_SECONDS

Frame = npt.NDArray[np.generic]

ANALYSIS_SIZE = (320, 180)  # width, height: frames are decoded straight to this, grey
THUMBNAIL_SIZE = (32, 18)  # the reference view: 576 grey levels, too coarse to recognise anyone

# Stream down: the recorder has been offline, connecting or reconnecting for longer than this.
STREAM_DOWN_SECONDS = 60
# No new segment for this many segment lengths.
NO_SEGMENT_FACTOR = 2
# Black: every sampled frame's mean grey level below this (full range 0–255; video black is 0 after
# decoding to grey, a dark but working night scene is well above it).
BLACK_MEAN_LUMA = 16.0
# Blurred: the variance of the Laplacian (median over the sampled frames) below this at 320×180.
BLUR_LAPLACIAN_VARIANCE = 25.0
# Frozen: between every pair of consecutive sampled frames, fewer than this fraction of pixels changed by
# more than FROZEN_PIXEL_DELTA grey levels (re-encoding a frozen picture changes pixels by a few levels;
# a ticking on-screen clock changes a few hundred pixels by a lot).
FROZEN_PIXEL_DELTA = 12
FROZEN_CHANGED_FRACTION = 0.0005
# View moved: mean absolute difference of the contrast-normalised thumbnails against the reference.
# Opens above VIEW_MOVED_OPEN, closes below VIEW_MOVED_CLOSE (hysteresis: people walking through a scene
# near the threshold must not open and close an alert every run).
VIEW_MOVED_OPEN = 0.35
VIEW_MOVED_CLOSE = 0.25

DOWN_STATES = {StreamState.OFFLINE, StreamState.CONNECTING, StreamState.RECONNECTING}
PICTURE_KINDS = (AlertKind.BLACK, AlertKind.FROZEN, AlertKind.BLURRED, AlertKind.VIEW_MOVED)


@dataclass(frozen=True)
class Finding:
    """One check's verdict on one camera. fault None: not evaluated (no fresh picture, picture black …) —
    an open alert of this kind stays open and none is opened."""

    kind: AlertKind
    fault: bool | None
    detail: str


class StateLike(Protocol):
    state: str
    since: datetime
    detail: str
    updated_at: datetime


def duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 172800:
        return f"{seconds // 3600} h {seconds % 3600 // 60} min"
    return f"{seconds // 86400} days"


# --- the recorder's view of the stream ------------------------------------------------------------------


@enforces("12.1", "R27")
def stream_down(state: StateLike | None, now: datetime) -> Finding:
    """12.1: the recorder has not been receiving the stream for more than STREAM_DOWN_SECONDS.

    A state the recorder has stopped refreshing counts as offline since its last refresh (the recorder
    is not running); no state at all means the recorder has never reported on the camera."""
    kind = AlertKind.STREAM_DOWN
    if state is None:
        return Finding(kind, True, "12.1: the recorder has never reported on this camera")
    # As recording.status.camera_state for an active camera: a state not refreshed lately is offline.
    current = StreamState.OFFLINE if (now - state.updated_at).total_seconds() > STALE_SECONDS else state.state
    if current not in DOWN_STATES:
        return Finding(kind, False, f"stream {current}")
    since = state.since if current == state.state else state.updated_at
    down_for = (now - since).total_seconds()
    if down_for <= STREAM_DOWN_SECONDS:
        return Finding(kind, False, f"{current} for {duration(down_for)} (within {STREAM_DOWN_SECONDS} s)")
    why = f": {state.detail}" if state.detail and current == state.state else ""
    if current != state.state:
        why = " (the recorder is not running)"
    return Finding(kind, True, f"12.1: stream {current} for {duration(down_for)}{why}"[:300])


# The recorder's states in which it is (trying to start to) receive a camera: its first segment closes a
# segment's length after it connects, so until then an old (or no) last recording is not a fault. Reconnecting
# counts: at start-up a camera may answer a few seconds after the recorder first tries (the demo's simulated
# cameras start beside it); when a recording camera drops out, it reconnects from when its last segment
# ended, so the grace adds nothing there, and stream_down speaks after a minute either way.
RECEIVING_STATES = {StreamState.CONNECTING, StreamState.RECONNECTING, StreamState.RECORDING}


def receiving_since(state: StateLike | None, now: datetime) -> datetime | None:
    """When the recorder started (or restarted) receiving this camera, while it is running and connecting,
    reconnecting or recording; None when it is not (stopped, offline: stream_down speaks for those)."""
    if state is None or state.state not in RECEIVING_STATES:
        return None
    if (now - state.updated_at).total_seconds() > STALE_SECONDS:
        return None
    return state.since


@enforces("12.1", "R27")
def no_new_segment(
    last_end: datetime | None, segment_seconds: int, now: datetime, *, started: datetime | None = None
) -> Finding:
    """12.1: nothing recorded for NO_SEGMENT_FACTOR × the segment length.

    `started`: when the recorder began receiving the camera (receiving_since). Within the same limit after
    it, no recording is due yet: no false "no new recording" alert in the first minutes after start-up,
    when the last recording is hours old because the server was off (issue 15 §5)."""
    kind = AlertKind.NO_RECORDING
    limit = NO_SEGMENT_FACTOR * segment_seconds
    if started is not None and (now - started).total_seconds() <= limit:
        since = duration(max((now - started).total_seconds(), 0))
        return Finding(kind, False, f"recorder started receiving {since} ago: its first recording is not due")
    if last_end is None:
        return Finding(kind, True, "12.1: nothing has been recorded from this camera")
    silent = (now - last_end).total_seconds()
    if silent > limit:
        return Finding(
            kind, True, f"12.1: no new recording for {duration(silent)} (expected every {segment_seconds} s)"
        )
    return Finding(kind, False, f"last recording ended {duration(max(silent, 0))} ago")


# --- the picture ----------------------------------------------------------------------------------------


def _float(frame: Frame) -> npt.NDArray[np.float64]:
    return np.asarray(frame, dtype=np.float64)


def mean_luma(frame: Frame) -> float:
    return float(_float(frame).mean())


def laplacian_variance(frame: Frame) -> float:
    """Variance of the 4-neighbour Laplacian: high where there are sharp edges, near 0 when blurred or
    blank (Pech-Pacheco et al., 2000)."""
    a = _float(frame)
    if a.shape[0] < 3 or a.shape[1] < 3:
        return 0.0
    lap = a[:-2, 1:-1] + a[2:, 1:-1] + a[1:-1, :-2] + a[1:-1, 2:] - 4 * a[1:-1, 1:-1]
    return float(lap.var())


def changed_fraction(a: Frame, b: Frame, delta: int = FROZEN_PIXEL_DELTA) -> float:
    """Fraction of pixels that differ by more than `delta` grey levels."""
    return float((np.abs(_float(a) - _float(b)) > delta).mean())


def thumbnail(frame: Frame, size: tuple[int, int] = THUMBNAIL_SIZE) -> npt.NDArray[np.uint8]:
    """Block means down to `size` (width, height), as 8-bit grey levels. Edges that do not fill a block
    are dropped."""
    width, height = size
    a = _float(frame)
    bh, bw = a.shape[0] // height, a.shape[1] // width
    if bh < 1 or bw < 1:
        raise ValueError(f"a {a.shape[1]}×{a.shape[0]} frame is smaller than the {width}×{height} thumbnail")
    blocks = a[: bh * height, : bw * width].reshape(height, bh, width, bw).mean(axis=(1, 3))
    return np.clip(np.rint(blocks), 0, 255).astype(np.uint8)


def _normalised(thumb: Frame) -> npt.NDArray[np.float64]:
    a = _float(thumb)
    centred = a - a.mean()
    spread = a.std()
    return centred / spread if spread >= 1.0 else np.zeros_like(centred)  # flat: no structure at all


def view_difference(thumb: Frame, reference: Frame) -> float:
    """Mean absolute difference of the two thumbnails after each is normalised to zero mean and unit
    contrast, so daylight, dusk and lights on or off matter much less than where things are. 0 for the
    same view; about 1 for an unrelated one."""
    a, b = _normalised(thumb), _normalised(reference)
    if a.shape != b.shape:
        raise ValueError(f"thumbnail {a.shape} and reference {b.shape} differ in size")
    return float(np.abs(a - b).mean())


@enforces("12.1", "R27")
def black(frames: Sequence[Frame]) -> Finding:
    means = [mean_luma(f) for f in frames]
    if all(m < BLACK_MEAN_LUMA for m in means):
        return Finding(
            AlertKind.BLACK,
            True,
            f"12.1: the picture is black (mean grey level {max(means):.0f} "
            f"of 255, below {BLACK_MEAN_LUMA:.0f})",
        )
    return Finding(AlertKind.BLACK, False, f"mean grey level {max(means):.0f}")


@enforces("12.1", "R27")
def frozen(frames: Sequence[Frame], seconds_apart: float | None = None) -> Finding:
    """Consecutive sampled frames identical within the tolerance. Needs at least two frames."""
    kind = AlertKind.FROZEN
    if len(frames) < 2:
        return Finding(kind, None, "only one frame to compare")
    changes = [changed_fraction(a, b) for a, b in zip(frames, frames[1:], strict=False)]
    span = f" over {seconds_apart:.0f} s" if seconds_apart else ""
    if max(changes) < FROZEN_CHANGED_FRACTION:
        return Finding(kind, True, f"12.1: the picture is frozen: {len(frames)} frames{span} are identical")
    return Finding(kind, False, f"{max(changes):.1%} of the picture changed{span}")


@enforces("12.1", "R27")
def blurred(frames: Sequence[Frame]) -> Finding:
    sharpness = float(np.median([laplacian_variance(f) for f in frames]))
    if sharpness < BLUR_LAPLACIAN_VARIANCE:
        return Finding(
            AlertKind.BLURRED,
            True,
            f"12.1: the picture is blurred or blank (sharpness "
            f"{sharpness:.1f}, below {BLUR_LAPLACIAN_VARIANCE:.0f}): focus, dirt or mist on the lens",
        )
    return Finding(AlertKind.BLURRED, False, f"sharpness {sharpness:.1f}")


@enforces("12.1", "R27")
def view_moved(frames: Sequence[Frame], reference: Frame | None, alert_open: bool) -> Finding:
    kind = AlertKind.VIEW_MOVED
    if reference is None:
        return Finding(kind, None, "no reference view has been set")
    difference = float(np.median([view_difference(thumbnail(f), reference) for f in frames]))
    limit = VIEW_MOVED_CLOSE if alert_open else VIEW_MOVED_OPEN
    if difference > limit:
        return Finding(
            kind,
            True,
            f"12.1: the view has moved from its reference (difference {difference:.2f}, above {limit:.2f})",
        )
    return Finding(kind, False, f"difference from the reference view {difference:.2f}")


def picture(
    frames: Sequence[Frame] | None,
    reference: Frame | None,
    open_kinds: Collection[str],
    seconds_apart: float | None = None,
) -> list[Finding]:
    """The picture checks on the latest recording's sampled frames. No frames: nothing evaluated. A black
    picture is only black: frozen, blurred and moved say nothing more about it."""
    if not frames:
        return [Finding(kind, None, "no recent recording to look at") for kind in PICTURE_KINDS]
    dark = black(frames)
    if dark.fault:
        return [dark] + [Finding(k, None, "the picture is black") for k in PICTURE_KINDS if k != dark.kind]
    return [
        dark,
        frozen(frames, seconds_apart),
        blurred(frames),
        view_moved(frames, reference, AlertKind.VIEW_MOVED in open_kinds),
    ]


def not_applicable(reason: str) -> list[Finding]:
    """Every check passes vacuously: the camera is not expected to record (suspended, or the gates refuse)."""
    return [Finding(kind, False, reason) for kind in AlertKind]


# --- the alert lifecycle --------------------------------------------------------------------------------


def alert_changes(
    open_kinds: Collection[str], findings: Iterable[Finding]
) -> tuple[list[Finding], list[Finding]]:
    """(alerts to open, alerts to close): open on a fault with none open, close on a pass with one open.
    Findings that were not evaluated change nothing."""
    to_open, to_close = [], []
    for finding in findings:
        if finding.fault is True and finding.kind not in open_kinds:
            to_open.append(finding)
        elif finding.fault is False and finding.kind in open_kinds:
            to_close.append(finding)
    return to_open, to_close
