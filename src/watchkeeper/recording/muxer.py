"""One segment being muxed: fragmented MP4 into memory (plaintext never reaches the disk).

Used by the recorder and the DVR import alike, so every stored segment is the same kind of file: a
self-contained fragmented MP4 (`frag_keyframe+empty_moov+default_base_moof`), timestamps rebased to 0.
"""

from __future__ import annotations

import io
from fractions import Fraction
from typing import Any

import av

from watchkeeper.recording.segmenter import Unit

MP4_OPTIONS = {"movflags": "frag_keyframe+empty_moov+default_base_moof"}


class SegmentMuxer:
    """`template` is the stream whose codec parameters the segment copies: the camera's own stream for
    stream copy, or the zone masker's encoder stream (masking.py)."""

    def __init__(self, template: Any, time_base: Fraction, first: Unit):
        self.buffer = io.BytesIO()
        self.output = av.open(self.buffer, "w", format="mp4", options=MP4_OPTIONS)
        self.stream = self.output.add_stream_from_template(template)
        self.time_base = time_base
        self.base = first.dts
        self.add(first)

    def add(self, unit: Unit) -> None:
        # A frame that came as one packet is muxed as that very packet: no copy of the video data.
        packet = unit.payload if isinstance(unit.payload, av.Packet) else av.Packet(unit.payload)
        packet.pts = unit.pts - self.base
        packet.dts = unit.dts - self.base
        packet.duration = unit.duration
        packet.time_base = self.time_base
        packet.is_keyframe = unit.key
        packet.stream = self.stream
        self.output.mux(packet)

    def close(self) -> bytes:
        self.output.close()
        return self.buffer.getvalue()
