"""Real recorded footage for viewing tests: an ffmpeg clip (the camera simulator's own recipe, smaller) cut
into segments by the recording app's own segmenter and muxer, then sealed and stored through its write path
(tests.recording.helpers.store → crypto.seal → storage.store_segment). Used in-process by the tests and
from a subprocess by the browser test (seed_footage.py)."""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from tests.recording.helpers import store
from watchkeeper.recording.segmenter import Merger, Segmenter
from watchkeeper.recording.simulator import clip_command

try:  # the muxer is moving out of recorder.py into its own module
    from watchkeeper.recording.muxer import SegmentMuxer
except ImportError:  # pragma: no cover
    from watchkeeper.recording.recorder import SegmentMuxer  # type: ignore[attr-defined,no-redef]

SEGMENT_SECONDS = 2  # the clip has a key frame every 2 s: 12 s make six segments


def make_clip(directory: Path) -> Path:
    """A 12 s 320×180 25 fps H.264 clip with a running clock, key frames every 2 s, four slices a frame."""
    directory.mkdir(parents=True, exist_ok=True)
    clip = directory / "viewing-clip.mp4"
    if not clip.exists():
        subprocess.run(clip_command(clip, size="320x180"), check=True, timeout=60)
    return clip


def clip_segments(clip: Path, seconds: float = SEGMENT_SECONDS) -> list[tuple[bytes, float]]:
    """(plaintext fragmented MP4, duration in seconds) for each segment, as the recorder would mux them."""
    segments: list[tuple[bytes, float]] = []
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        time_base = Fraction(stream.time_base)
        merger, segmenter = Merger(), Segmenter(time_base, seconds)
        current: Any = None
        first = 0

        def close(end_pts: int) -> None:
            segments.append((current.close(), float((end_pts - first) * time_base)))

        units = [
            u
            for p in container.demux(stream)
            for u in merger.push(p, p.pts, p.dts, p.is_keyframe, p.duration or 0)
        ]
        for unit in [*units, *merger.flush()]:
            decision = segmenter.accept(unit)
            if decision.cut is not None and current is not None:
                close(decision.cut)
                current = None
            if decision.start:
                current, first = SegmentMuxer(stream, time_base, unit), unit.pts
            elif decision.take and current is not None:
                current.add(unit)
        end = segmenter.finish()
        if current is not None and end is not None:
            close(end)
    return segments


def store_footage(camera: Any, start: datetime, pieces: list[tuple[bytes, float]]) -> list[Any]:
    """Store the pieces as consecutive segments of `camera` from `start` (UTC), through the write path."""
    stored, at = [], start
    for plaintext, seconds in pieces:
        stored.append(store(camera, at, seconds, plaintext))
        at += timedelta(seconds=seconds)
    return stored
