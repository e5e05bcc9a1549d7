"""Motion per second of each segment, for the motion strip under the player's timeline (design/viewing.md).

A background job (jobs.tasks.motion_analysis) opens each new segment in memory (storage.segment_plaintext,
the one read path: plaintext is never written anywhere, 9.3), decodes it with PyAV
straight to small grey frames (ANALYSIS_SIZE), and keeps one score per second in `Segment.motion`.

The score (pure, `motion_scores`): for each pair of consecutive analysed frames, the fraction of pixels
whose grey level changed by more than NOISE_FLOOR (sensor noise and compression shimmer stay below it),
scaled so that FULL_AT of the picture changing is 1.0. A second's score is the largest of the pairs that
end in it. A fraction rather than a mean difference: a child crossing a far corner changes few pixels a
lot, which a mean over the whole picture would drown.
"""

from __future__ import annotations

import io
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import av
import numpy as np
import numpy.typing as npt

from watchkeeper.recording.models import Segment
from watchkeeper.recording.storage import segment_plaintext
from watchkeeper.storage.keys import Unreadable

log = logging.getLogger(__name__)

ANALYSIS_SIZE = (160, 90)  # width, height of the grey frames compared
FRAME_STEP = 2  # compare every other decoded frame (12.5 a second at 25 fps)
NOISE_FLOOR = 16  # grey levels (of 255) a pixel must change by to count as moved
FULL_AT = 0.02  # this fraction of the picture changing between two frames scores 1.0
MOTION_THRESHOLD = 0.1  # "motion" for the player's jump button: about 0.2 % of the picture changed
LOOK_BACK = timedelta(hours=24)  # the job analyses segments recorded this recently
BATCH = 500  # segments per run at most
TIME_BUDGET_S = 45.0  # a run stops starting new segments after this, so runs do not pile up

GreyFrame = npt.NDArray[np.uint8]


class MotionError(Exception):
    """The segment could not be read, opened or decoded."""


def motion_scores(frames: Sequence[tuple[float, GreyFrame]], duration: float) -> list[float]:
    """One score (0–1, two decimals) per started second of `duration`, from (seconds, grey frame) pairs in
    time order. Seconds without a pair of frames score 0."""
    seconds = max(1, math.ceil(duration - 1e-6)) if duration > 0 else 0
    scores = [0.0] * seconds
    for (_, before), (at, after) in zip(frames, frames[1:], strict=False):
        changed = np.abs(after.astype(np.int16) - before.astype(np.int16)) > NOISE_FLOOR
        score = min(1.0, float(changed.mean()) / FULL_AT)
        second = min(seconds - 1, max(0, int(at)))
        if seconds and score > scores[second]:
            scores[second] = score
    return [round(s, 2) for s in scores]


def decode_grey(plaintext: bytes, step: int = FRAME_STEP) -> list[tuple[float, GreyFrame]]:
    """(seconds from the first frame, grey frame at ANALYSIS_SIZE) for every `step`-th frame, in memory."""
    width, height = ANALYSIS_SIZE
    kept: list[tuple[float, GreyFrame]] = []
    first: float | None = None
    try:
        with av.open(io.BytesIO(plaintext), mode="r") as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            for number, frame in enumerate(container.decode(stream)):
                at = float(frame.time or 0.0)
                first = at if first is None else first
                if number % step:
                    continue
                grey = frame.reformat(width=width, height=height, format="gray").to_ndarray()
                kept.append((at - first, np.ascontiguousarray(grey, dtype=np.uint8)))
    except (av.FFmpegError, IndexError) as error:
        raise MotionError(f"the recording cannot be decoded: {error}") from error
    return kept


def segment_motion(segment: Segment) -> list[float]:
    """The segment's motion per second, from its blob decrypted in memory."""
    try:
        plaintext = segment_plaintext(segment)
    except (OSError, Unreadable) as error:
        raise MotionError(f"segment {segment.pk} cannot be opened: {error}") from error
    return motion_scores(decode_grey(plaintext), segment.duration_ms / 1000)


@dataclass(frozen=True)
class Analysis:
    analysed: int
    failed: int
    waiting: int  # segments of the last LOOK_BACK still without scores after this run

    def summary(self) -> str:
        text = f"Analysed motion in {self.analysed} recording file(s)"
        if self.failed:
            text += f"; {self.failed} could not be decoded"
        return f"{text}; {self.waiting} waiting."


def analyse_pending(now: datetime, limit: int = BATCH, budget_s: float = TIME_BUDGET_S) -> Analysis:
    """Score the newest not-yet-analysed segments of the last LOOK_BACK (the installation's own job: no
    person acts, nothing is shown to anyone here). A segment that cannot be decoded gets [] so it is not
    tried again every minute; its erasure by retention (13.1) is unaffected."""
    pending = Segment.objects.filter(motion__isnull=True, start__gte=now - LOOK_BACK)
    analysed = failed = 0
    began = time.monotonic()
    for segment in pending.order_by("-start")[:limit]:
        if time.monotonic() - began > budget_s:
            break
        try:
            scores = segment_motion(segment)
        except MotionError as error:
            log.warning("motion: %s", error)
            scores, failed = [], failed + 1
        # Only the motion column: the row may have been erased meanwhile, which this must not undo.
        Segment.objects.filter(pk=segment.pk, motion__isnull=True).update(motion=scores)
        analysed += 1
    return Analysis(analysed - failed, failed, pending.count())
