"""One still frame out of a segment's plaintext MP4, as a JPEG, in memory only (9.1, 9.3): nothing is
written to disk and nothing is burnt into the picture."""

from __future__ import annotations

import io
from dataclasses import dataclass
from fractions import Fraction

import av


class NoSuchFrame(ValueError):
    """The offset is past the segment's last frame, or the segment cannot be decoded."""


@dataclass(frozen=True)
class Still:
    jpeg: bytes
    offset: float  # seconds from the segment's first frame to the frame taken
    width: int
    height: int


def still(mp4: bytes, offset: float) -> Still:
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
            return Still(_jpeg(chosen), chosen_at, chosen.width, chosen.height)
    except av.FFmpegError as error:
        raise NoSuchFrame(f"the segment cannot be decoded: {error}") from error


def _jpeg(frame: av.VideoFrame) -> bytes:
    encoder = av.CodecContext.create("mjpeg", "w")
    encoder.width, encoder.height, encoder.pix_fmt = frame.width, frame.height, "yuvj420p"
    encoder.time_base = Fraction(1, 25)
    packets = encoder.encode(frame.reformat(format="yuvj420p")) + encoder.encode(None)
    return b"".join(bytes(packet) for packet in packets)
