"""One still frame out of a segment's plaintext MP4, in memory only (9.1, 9.3): the frame on screen when the
player was paused at that offset. Used by the build job for a still image (evidence/stills.py)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import av
import numpy as np


class NoSuchFrame(ValueError):
    """The offset is past the segment's last frame, or the segment cannot be decoded."""


@dataclass(frozen=True)
class Frame:
    rgb: np.ndarray  # height × width × 3, the frame's own size (full resolution)
    offset: float  # seconds from the segment's first frame to the frame taken


def frame_at(mp4: bytes, offset: float) -> Frame:
    """The last frame shown at `offset` seconds into the segment (the frame on screen when paused)."""
    if offset < 0:
        raise NoSuchFrame("the offset must not be negative")
    chosen, first, chosen_at = None, None, 0.0
    try:
        with av.open(io.BytesIO(mp4), mode="r") as container:
            for frame in container.decode(video=0):
                at = float(frame.time or 0.0)
                first = at if first is None else first
                if at - first > offset + 1e-6:
                    break
                chosen, chosen_at = frame, at - first
            if chosen is None:
                raise NoSuchFrame("the segment holds no frame")
            if offset - chosen_at > 1.0:
                raise NoSuchFrame("the offset is past the segment's end")
            return Frame(chosen.to_ndarray(format="rgb24"), chosen_at)
    except av.FFmpegError as error:
        raise NoSuchFrame(f"the segment cannot be decoded: {error}") from error
