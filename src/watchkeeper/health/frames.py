"""Frames for the picture checks, decoded in memory from a stored segment (12.1).

The segment is read and opened with the recording app's one read path (storage.segment_plaintext: the
school key is never created here, the SHA-256 is checked); the plaintext lives in memory only and is
decoded by PyAV straight to small grey frames. Nothing decoded is written anywhere.

Cost: only key frames are decoded (the decoder skips the others), a few per segment. A camera whose
segments hold fewer than two key frames (a long key-frame interval) is decoded in full instead, keeping
three evenly spaced frames.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import av
import numpy as np

from watchkeeper.health.checks import ANALYSIS_SIZE, Frame
from watchkeeper.recording.models import Segment
from watchkeeper.recording.storage import segment_plaintext
from watchkeeper.storage.keys import Unreadable

MAX_KEY_FRAMES = 5
FALLBACK_SAMPLES = 3


class FrameError(Exception):
    """The segment could not be read, opened or decoded."""


@dataclass(frozen=True)
class Sample:
    frames: list[Frame]
    seconds_apart: float  # from the first sampled frame to the last


def open_segment(segment: Segment) -> bytes:
    """The segment's plaintext MP4, in memory."""
    try:
        return segment_plaintext(segment)
    except (OSError, Unreadable) as error:
        raise FrameError(f"segment {segment.pk} cannot be opened: {error}") from error


def decode(plaintext: bytes, *, key_frames_only: bool, duration: float) -> list[tuple[float, Frame]]:
    """(seconds from the start, grey frame at ANALYSIS_SIZE) for the sampled frames."""
    width, height = ANALYSIS_SIZE
    wanted = [duration * i / (FALLBACK_SAMPLES - 1) * 0.95 for i in range(FALLBACK_SAMPLES)]
    kept: list[tuple[float, Frame]] = []
    try:
        with av.open(io.BytesIO(plaintext), mode="r") as container:
            stream = container.streams.video[0]
            if key_frames_only:
                stream.codec_context.skip_frame = "NONKEY"
            for frame in container.decode(stream):
                at = float(frame.time or 0.0)
                if not key_frames_only and (len(kept) >= len(wanted) or at < wanted[len(kept)]):
                    continue
                grey = frame.reformat(width=width, height=height, format="gray").to_ndarray()
                kept.append((at, np.ascontiguousarray(grey)))
                if key_frames_only and len(kept) >= MAX_KEY_FRAMES:
                    break
    except (av.FFmpegError, IndexError) as error:
        raise FrameError(f"the recording cannot be decoded: {error}") from error
    return kept


def sample(segment: Segment) -> Sample:
    """A few grey frames from the segment, spread over it."""
    plaintext = open_segment(segment)
    duration = segment.duration_ms / 1000
    frames = decode(plaintext, key_frames_only=True, duration=duration)
    if len(frames) < 2:
        frames = decode(plaintext, key_frames_only=False, duration=duration) or frames
    if not frames:
        raise FrameError(f"segment {segment.pk} holds no picture")
    return Sample([f for _, f in frames], frames[-1][0] - frames[0][0])
