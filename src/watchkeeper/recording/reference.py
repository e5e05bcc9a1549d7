"""A reference frame for drawing privacy zones (5.3): one key frame grabbed live from the camera's stream,
decoded and JPEG-encoded in memory. Nothing is written to disk and nothing is kept.

Shown only to the school's CCTV system administrator (estate.services.view_reference_frame, 9.6), who
draws the zones over it; the recorder then burns them into every stored frame (masking.py).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import av

from watchkeeper.recording.masking import Zone, ZoneMask
from watchkeeper.recording.segmenter import Merger, Unit

# 9.6: RTSP only, so that a stream address cannot make this process fetch an internal web page.
STREAM_SCHEMES = ("rtsp://", "rtsps://")
MAX_WIDTH = 1280  # enough to draw on; a 4K picture is scaled down
JPEG_OPTIONS = {"qmin": "2", "qmax": "5"}


class FrameUnavailable(Exception):
    """No picture could be had from the camera (unreachable, no key frame in time, not video)."""


def grab_jpeg(url: str, timeout: float = 8.0, zones: Sequence[Zone] = ()) -> bytes:
    """The first key frame of the stream at `url`, as JPEG bytes, with `zones` blacked out as the recorder
    blacks them out (masking.ZoneMask) when any are given."""
    if not url.lower().startswith(STREAM_SCHEMES):
        raise FrameUnavailable("the camera has no stream address to take a picture from")
    options = {"rtsp_transport": "tcp", "timeout": str(int(timeout * 1_000_000))}
    try:
        container = av.open(url, options=options, timeout=(timeout, timeout))
    except av.error.FFmpegError as error:
        raise FrameUnavailable(f"the camera's stream cannot be opened ({error.strerror})") from None
    try:
        if not container.streams.video:
            raise FrameUnavailable("the camera's stream has no video")
        frame = _first_key_frame(container, container.streams.video[0], time.monotonic() + timeout)
        return _jpeg(_masked(frame, zones) if zones else frame)
    except av.error.FFmpegError as error:
        raise FrameUnavailable(f"the camera's picture cannot be decoded ({error.strerror})") from None
    finally:
        container.close()


def _first_key_frame(container: Any, stream: Any, deadline: float) -> Any:
    """Decode the first whole key frame (its slices merged into one access unit, as the recorder does)."""
    merger = Merger()
    for packet in container.demux(stream):
        if time.monotonic() > deadline:
            raise FrameUnavailable("the camera sent no key frame in time")
        for unit in merger.push(packet, packet.pts, packet.dts, packet.is_keyframe, packet.duration or 0):
            if unit.key:
                return _decode(stream, unit)
    for unit in merger.flush():
        if unit.key:
            return _decode(stream, unit)
    raise FrameUnavailable("the stream ended before a key frame")


def _decode(stream: Any, unit: Unit) -> Any:
    packet = unit.payload if isinstance(unit.payload, av.Packet) else av.Packet(unit.payload)
    packet.pts, packet.dts, packet.time_base = unit.pts, unit.dts, stream.time_base
    decoder = stream.codec_context
    frames = [*decoder.decode(packet), *decoder.decode(None)]
    if not frames:
        raise FrameUnavailable("the camera's key frame did not decode")
    return frames[0]


def _masked(frame: Any, zones: Sequence[Zone]) -> Any:
    """8.1: the frame with the camera's privacy zones applied, for someone not approved to watch live."""
    picture = frame.reformat(format="yuv420p")
    return ZoneMask(zones, picture.width, picture.height).apply(picture)


def _jpeg(frame: Any) -> bytes:
    width, height = frame.width, frame.height
    if width > MAX_WIDTH:
        width, height = MAX_WIDTH, max(2, round(height * MAX_WIDTH / width / 2) * 2)
    encoder = av.CodecContext.create("mjpeg", "w")
    encoder.width, encoder.height, encoder.pix_fmt = width, height, "yuvj420p"
    encoder.time_base = Fraction(1, 25)
    encoder.options = dict(JPEG_OPTIONS)
    picture = frame.reformat(width=width, height=height, format="yuvj420p")
    return b"".join(bytes(p) for p in [*encoder.encode(picture), *encoder.encode(None)])
