"""A build's progress: the stages reported to the caller, and the working copies made meanwhile."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from watchkeeper.evidence.package.model import _Copy

Progress = Callable[[float], None]


class _Ticker:
    """Reports progress (0..1) in stages, only from the building thread (callbacks may use the database),
    and only when it has moved by half a percent or more: the callback may write a job record, and the
    sealing loop runs tens of thousands of chunks an hour."""

    STEP = 0.005

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress
        self._begin, self._end, self._total, self._done = 0.0, 0.0, 1, 0
        self._reported = -1.0

    def stage(self, begin: float, end: float, total: int) -> None:
        self._begin, self._end, self._total, self._done = begin, end, max(total, 1), 0

    def add(self, amount: int) -> None:
        self._done += amount
        if self._progress is None:
            return
        fraction = self._begin + (self._end - self._begin) * min(self._done / self._total, 1.0)
        if fraction - self._reported >= self.STEP:
            self._reported = fraction
            self._progress(fraction)

    def finish(self) -> None:
        if self._progress is not None:
            self._progress(1.0)


class _Count:
    """Segments re-encoded so far by the working-copy thread (read by the building thread for progress)."""

    value = 0


@dataclass(frozen=True)
class _Copies:
    future: Future[list[_Copy]]
    encoded: _Count
    parts: int

    def wait(self, ticker: _Ticker) -> list[_Copy]:
        """The working copies, once ffmpeg has made them (the masters were sealed meanwhile); progress
        follows the segments re-encoded when the clock is burned in (minutes for 10 minutes of footage)."""
        ticker.stage(0.55, 0.8, self.parts)
        reported = 0
        while True:
            try:
                return self.future.result(timeout=1.0)
            except FutureTimeout:
                done = self.encoded.value
                ticker.add(done - reported)
                reported = done
