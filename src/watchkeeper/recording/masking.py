"""Privacy zones burned into the recording (5.3): decode → fill the zones with black → encode H.264.

Only cameras with privacy zones pay for this; every other camera is stream-copied (recorder.py). The
masked areas never reach the encoder, so they are in no stored segment, no key frame and no thumbnail.

A zone is a polygon in picture coordinates 0..1 (estate.services.set_privacy_zones checks them). It is
rasterised once per picture size into byte spans per plane row, conservatively: every pixel the polygon
covers at all is masked, not just those whose centre lies inside; a zone drawn crossing itself is filled
whole (non-zero winding); and a chroma sample is masked when any of the four luma pixels it colours is.
Masking a frame is then a copy of its planes with those spans overwritten (Y=16, U=V=128: black in the
limited range H.264 cameras use) — the decoder's own frame is never written, since later frames are
predicted from it.

The encoder is libx264 (preset veryfast, tune zerolatency: no B-frames, no look-ahead, so a frame comes
out as soon as it goes in). Key frames are forced where the segmenter will cut: at the first frame at
least one segment length after the previous forced key frame, so masked segments have the same lengths
as stream-copied ones and each starts with an IDR frame.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator, Sequence
from contextlib import suppress
from fractions import Fraction
from typing import Any

import av
from av.video.frame import PictureType, VideoFrame

from watchkeeper.core.clauses import enforces
from watchkeeper.recording.segmenter import Unit

Point = Sequence[float]
Zone = Sequence[Point]
Span = tuple[int, int]  # [start, end) in pixels of one row

# Black in limited-range YUV (what cameras send and what we encode): Y=16, Cb=Cr=128.
BLACK = (16, 128, 128)
ENCODER_OPTIONS = {
    "preset": "veryfast",
    "tune": "zerolatency",
    "forced-idr": "1",  # a forced key frame is an IDR: a segment decodes on its own
    "x264-params": "scenecut=0",  # no key frames of x264's own choosing between the forced ones
}
DEFAULT_RATE = Fraction(25)
# Timestamps waiting in the decoder and encoder (a few frames); bounded so a stream of odd pts cannot grow it.
MAX_PENDING = 256


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _inside_spans(polygon: list[tuple[float, float]], y: float) -> list[tuple[float, float]]:
    """Where the line at height y is inside the polygon, by the non-zero winding rule: a zone drawn
    crossing itself is filled whole (the even-odd rule would leave holes in it)."""
    crossings = []
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y1 <= y < y2) or (y2 <= y < y1):
            crossings.append((x1 + (y - y1) * (x2 - x1) / (y2 - y1), 1 if y2 > y1 else -1))
    spans, winding, left = [], 0, 0.0
    for x, direction in sorted(crossings):
        if winding == 0:
            left = x
        winding += direction
        if winding == 0:
            spans.append((left, x))
    return spans


def _edge_spans(polygon: list[tuple[float, float]], rows: list[list[Span]], width: int) -> None:
    """Every pixel whose inside an edge passes through: the partly covered pixels on the zone's outline.
    (A pixel the zone covers in part either has an edge through it or has its centre inside the zone.)"""
    height = len(rows)
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        top, bottom = min(y1, y2), max(y1, y2)
        if top == bottom:  # horizontal: it crosses the inside of one row unless it lies on a row boundary
            if top != math.floor(top) and 0 <= top < height:
                rows[math.floor(top)].append(_touched(x1, x2, width))
            continue
        for row in range(max(0, math.floor(top)), min(height, math.ceil(bottom))):
            ya, yb = max(top, row), min(bottom, row + 1)
            xa, xb = (x1 + (y - y1) * (x2 - x1) / (y2 - y1) for y in (ya, yb))
            rows[row].append(_touched(xa, xb, width))


def _touched(xa: float, xb: float, width: int) -> Span:
    """Pixels c whose inside (c, c + 1) meets [min, max] with some length or a point."""
    return max(0, math.floor(min(xa, xb))), min(width, math.ceil(max(xa, xb)))


def zone_spans(zones: Sequence[Zone], width: int, height: int) -> list[list[Span]]:
    """Per pixel row of a width × height picture, the merged spans of pixels any zone covers at all."""
    rows: list[list[Span]] = [[] for _ in range(height)]
    for zone in zones:
        polygon = [(float(x) * width, float(y) * height) for x, y in zone]
        for row in range(height):
            for left, right in _inside_spans(polygon, row + 0.5):
                start, end = math.ceil(left - 0.5), math.floor(right - 0.5) + 1
                rows[row].append((max(0, start), min(width, end)))
        _edge_spans(polygon, rows, width)
    return [_merge(spans) for spans in rows]


def chroma_spans(luma: list[list[Span]], width: int, height: int) -> list[list[Span]]:
    """4:2:0 chroma: a sample is masked when any of the 2×2 luma pixels it colours is."""
    rows: list[list[Span]] = []
    for row in range(height):
        spans = luma[2 * row] + (luma[2 * row + 1] if 2 * row + 1 < len(luma) else [])
        rows.append(_merge([(start // 2, min(width, (end + 1) // 2)) for start, end in spans]))
    return rows


class ZoneMask:
    """The zones of one camera rasterised for one picture size; `apply` returns a masked copy of a frame."""

    def __init__(self, zones: Sequence[Zone], width: int, height: int):
        self.width, self.height = width, height
        luma = zone_spans(zones, width, height)
        chroma_width, chroma_height = (width + 1) // 2, (height + 1) // 2
        chroma = chroma_spans(luma, chroma_width, chroma_height)
        self.planes = [luma, chroma, chroma]
        self.fills = [bytes([value]) * (width if i == 0 else chroma_width) for i, value in enumerate(BLACK)]
        self._offsets: dict[tuple[int, int], list[tuple[int, int]]] = {}

    def covered(self) -> int:
        """How many luma pixels are masked."""
        return sum(end - start for spans in self.planes[0] for start, end in spans)

    def _runs(self, plane: int, line_size: int) -> list[tuple[int, int]]:
        key = (plane, line_size)
        if key not in self._offsets:
            self._offsets[key] = [
                (row * line_size + start, end - start)
                for row, spans in enumerate(self.planes[plane])
                for start, end in spans
            ]
        return self._offsets[key]

    @enforces("5.3", "R4")
    def apply(self, frame: VideoFrame) -> VideoFrame:
        if frame.format.name != "yuv420p":
            frame = frame.reformat(format="yuv420p")
        masked = VideoFrame(self.width, self.height, "yuv420p")
        for index, (source, target) in enumerate(zip(frame.planes, masked.planes, strict=True)):
            data = bytearray(source)
            fill = self.fills[index]
            for offset, length in self._runs(index, source.line_size):
                data[offset : offset + length] = fill[:length]
            _copy_plane(data, source.line_size, target, index)
        masked.pts = frame.pts
        if frame.time_base is not None:
            masked.time_base = frame.time_base
        return masked


def _copy_plane(data: bytearray, line_size: int, target: Any, index: int) -> None:
    if target.line_size == line_size and target.buffer_size == len(data):
        target.update(data)
        return
    out = bytearray(target.buffer_size)
    width = target.width
    for row in range(target.height):
        out[row * target.line_size : row * target.line_size + width] = data[
            row * line_size : row * line_size + width
        ]
    target.update(out)


class Encoder:
    """libx264 for one run of frames. Its stream (in an in-memory MP4 that is never written to) is the
    template every segment's muxer copies: codec parameters, SPS/PPS."""

    def __init__(self, width: int, height: int, time_base: Fraction, rate: Fraction, segment_seconds: float):
        self._holder = av.open(io.BytesIO(), "w", format="mp4")
        self.stream = self._holder.add_stream("libx264", rate=rate)
        ctx = self.stream.codec_context
        ctx.width, ctx.height, ctx.pix_fmt = width, height, "yuv420p"
        ctx.time_base = time_base
        # A backstop only: the key frames that matter are forced at segment boundaries (see `encode`).
        ctx.gop_size = max(1, round(float(rate) * segment_seconds * 2))
        ctx.options = dict(ENCODER_OPTIONS)
        self._holder.start_encoding()  # opens the encoder: extradata (SPS/PPS) is in the template now
        self.time_base = time_base
        self.target_ticks = max(1, round(segment_seconds / time_base))
        self.last_key: int | None = None
        self.last_pts: int | None = None

    def accepts(self, frame: VideoFrame) -> bool:
        """Same picture size and later than the last frame (x264 needs strictly increasing pts)."""
        ctx = self.stream.codec_context
        same_size = (frame.width, frame.height) == (ctx.width, ctx.height)
        return same_size and frame.pts is not None and (self.last_pts is None or frame.pts > self.last_pts)

    def encode(self, frame: VideoFrame | None) -> list[av.Packet]:
        if frame is not None:
            assert frame.pts is not None
            if self.last_key is None or frame.pts - self.last_key >= self.target_ticks:
                frame.pict_type = PictureType.I  # forced IDR where the segmenter will cut
                self.last_key = frame.pts
            else:
                frame.pict_type = PictureType.NONE
            self.last_pts = frame.pts
        return list(self.stream.codec_context.encode(frame))

    def close(self) -> None:
        with suppress(Exception):  # nothing was muxed into it; closing only frees memory
            self._holder.close()


class ZoneMasker:
    """Decode the camera's access units, mask the zones, encode: yields H.264 units for the segmenter, each
    with the receive time of the input frame it came from."""

    def __init__(self, zones: Sequence[Zone], stream: Any, segment_seconds: float, *, strict: bool = False):
        """`strict`: a frame that fails to decode raises (an import must not store a damaged file); a live
        camera's damaged frame is dropped instead, and the next key frame repairs the picture."""
        self.zones = [list(zone) for zone in zones]
        self.strict = strict
        self.started = False
        self.decoder = stream.codec_context
        if strict:
            self.decoder.options = {"err_detect": "explode"}
        self.time_base = Fraction(stream.time_base)
        self.rate = _rate(stream)
        self.segment_seconds = segment_seconds
        self.encoder: Encoder | None = None
        self.mask: ZoneMask | None = None
        self._received: dict[int, float] = {}
        self.frames = 0

    @property
    def template(self) -> Any:
        assert self.encoder is not None, "no frame has been encoded yet"
        return self.encoder.stream

    def push(self, unit: Unit, received: float) -> Iterator[tuple[Unit, float]]:
        if not self.started and not unit.key:
            return  # before the first key frame there is no whole picture to mask
        self.started = True
        packet = unit.payload if isinstance(unit.payload, av.Packet) else av.Packet(unit.payload)
        packet.pts, packet.dts, packet.time_base = unit.pts, unit.dts, self.time_base
        packet.is_keyframe = unit.key
        if len(self._received) < MAX_PENDING:
            self._received[unit.pts] = received
        try:
            frames = self.decoder.decode(packet)
        except av.error.FFmpegError:
            if self.strict:
                raise
            return
        for frame in frames:
            yield from self._frame(frame, received)

    def flush(self) -> Iterator[tuple[Unit, float]]:
        for frame in self.decoder.decode(None):
            yield from self._frame(frame, self._received.get(frame.pts or 0, 0.0))
        if self.encoder is not None:
            yield from self._units(self.encoder.encode(None), 0.0)

    def close(self) -> None:
        if self.encoder is not None:
            self.encoder.close()
            self.encoder = None

    def _frame(self, frame: VideoFrame, received: float) -> Iterator[tuple[Unit, float]]:
        if frame.pts is None:
            return  # cannot be placed in time: never stored
        frame.time_base = self.time_base
        if self.encoder is not None and not self.encoder.accepts(frame):
            # The picture size changed or the timestamps went back (the camera restarted): a new encoder
            # starts with a key frame; the segmenter sees the jump and starts a new segment.
            yield from self._units(self.encoder.encode(None), received)
            self.encoder.close()
            self.encoder = None
        if self.encoder is None:
            self.encoder = Encoder(frame.width, frame.height, self.time_base, self.rate, self.segment_seconds)
        if self.mask is None or (self.mask.width, self.mask.height) != (frame.width, frame.height):
            self.mask = ZoneMask(self.zones, frame.width, frame.height)
        self.frames += 1
        yield from self._units(self.encoder.encode(self.mask.apply(frame)), received)

    def _units(self, packets: list[av.Packet], received: float) -> Iterator[tuple[Unit, float]]:
        for packet in packets:
            if packet.pts is None or packet.dts is None:
                continue
            at = self._received.pop(packet.pts, received)
            self._forget_older_than(packet.pts)
            yield Unit(packet, packet.pts, packet.dts, packet.is_keyframe, packet.duration or 0), at

    def _forget_older_than(self, pts: int) -> None:
        if len(self._received) > MAX_PENDING // 2:
            for old in [p for p in self._received if p < pts]:
                del self._received[old]


def _rate(stream: Any) -> Fraction:
    for rate in (stream.average_rate, getattr(stream, "guessed_rate", None), stream.base_rate):
        if rate and 1 <= float(rate) <= 240:
            return Fraction(rate)
    return DEFAULT_RATE
