"""Pure packet logic of the recorder: what a camera sends in, where segments start and end (no I/O).

Real cameras misbehave (measurements.md): the first packets carry no timestamps, and a key frame may
arrive as several packets (one per slice, each with headers) that share one timestamp — stored as separate
samples they corrupt the recording. So packets without timestamps are dropped until the first key frame,
packets sharing a timestamp are merged into one access unit, and a segment always starts at a key frame.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any


@dataclass(frozen=True)
class Unit:
    """One access unit (a whole frame) in stream time-base ticks. `payload` is the demuxed packet itself
    when the frame came in one packet (no copy), or the joined bytes of the packets that shared its
    timestamp."""

    payload: Any
    pts: int
    dts: int
    key: bool
    duration: int = 0


class Merger:
    """Joins consecutive packets with the same timestamp into one unit; drops packets without timestamps."""

    def __init__(self) -> None:
        self._pending: list[Unit] = []

    def push(
        self, payload: Any, pts: int | None, dts: int | None, key: bool, duration: int = 0
    ) -> Iterator[Unit]:
        if pts is None or dts is None:
            return  # leading packets of a stream (and stray ones) have no timestamp: unusable
        if self._pending and (pts != self._pending[0].pts or dts != self._pending[0].dts):
            yield self._merged()
        self._pending.append(Unit(payload, pts, dts, key, duration))

    def flush(self) -> Iterator[Unit]:
        if self._pending:
            yield self._merged()

    def _merged(self) -> Unit:
        parts, self._pending = self._pending, []
        if len(parts) == 1:
            return parts[0]
        first = parts[0]
        return Unit(
            payload=b"".join(bytes(p.payload) for p in parts),
            pts=first.pts,
            dts=first.dts,
            key=any(p.key for p in parts),
            duration=max(p.duration for p in parts),
        )


@dataclass(frozen=True)
class Decision:
    """What to do with a unit. `cut`: the open segment ends at this pts (the next segment's first pts, so
    segments are contiguous). `start`: the unit opens a new segment. `take`: the unit is written at all.
    `restart`: the timestamps jumped backwards or far ahead, so the wall-clock anchor must be taken again."""

    cut: int | None = None
    start: bool = False
    take: bool = False
    restart: bool = False


SKIP = Decision()
# A jump of more than this many target lengths between two frames is a discontinuity, not a slow frame.
JUMP_FACTOR = 3


@dataclass
class Segmenter:
    """Decides, unit by unit, whether to start, continue or cut a segment."""

    time_base: Fraction
    target_seconds: float
    first_pts: int | None = None
    last: Unit | None = None
    top: Unit | None = None  # the unit shown last (the latest pts): with B-frames not the last decoded
    frames: int = field(default=0)
    target_ticks: int = field(init=False)

    def __post_init__(self) -> None:
        self.target_ticks = max(1, round(self.target_seconds / self.time_base))

    def accept(self, unit: Unit) -> Decision:
        """Units before the first key frame are skipped: a segment must be decodable on its own."""
        if self.last is not None and self._discontinuous(unit):
            end = self.finish()
            if not unit.key:
                return Decision(cut=end, restart=True)
            self._open(unit)
            return Decision(cut=end, start=True, take=True, restart=True)
        if self.first_pts is None:
            if not unit.key:
                return SKIP
            self._open(unit)
            return Decision(start=True, take=True)
        if unit.key and unit.pts - self.first_pts >= self.target_ticks:
            self._open(unit)
            return Decision(cut=unit.pts, start=True, take=True)
        self.frames += 1
        self.last = unit
        if self.top is None or unit.pts > self.top.pts:
            self.top = unit
        return Decision(take=True)

    def finish(self) -> int | None:
        """The stream stopped: the open segment (if any) ends after its last frame shown. Returns that end."""
        if self.first_pts is None or self.top is None:
            return None
        end = self.top.pts + (self.top.duration or self._typical_duration())
        self.first_pts, self.last, self.top, self.frames = None, None, None, 0
        return end

    def _discontinuous(self, unit: Unit) -> bool:
        assert self.last is not None
        step = unit.dts - self.last.dts
        return step <= 0 or step > JUMP_FACTOR * self.target_ticks

    def _open(self, unit: Unit) -> None:
        self.first_pts, self.last, self.top, self.frames = unit.pts, unit, unit, 1

    def _typical_duration(self) -> int:
        if self.first_pts is None or self.top is None or self.frames < 2:
            return 0
        return (self.top.pts - self.first_pts) // (self.frames - 1)


def seconds(ticks: int, time_base: Fraction) -> float:
    return float(ticks * time_base)
