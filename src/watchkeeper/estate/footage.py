"""The cameras and window of a request for footage, as every audit event about such a request records
them (viewing, evidence and disclosure requests alike), so the log can be searched the same way for each."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from watchkeeper.estate.models import Camera, School


def window_terms(cameras: Iterable[Camera], start: datetime, end: datetime) -> dict[str, Any]:
    """Camera ids and names (in id order, so the same request always reads the same) and the window's
    ends as ISO text."""
    ordered = sorted(cameras, key=lambda c: c.pk)
    return {
        "cameras": [c.pk for c in ordered],
        "camera_names": [c.name for c in ordered],
        "start": start.isoformat(),
        "end": end.isoformat(),
    }


@dataclass(frozen=True)
class WindowWords:
    """How one kind of request words each problem with its cameras and window, citing its own clause."""

    no_camera: str
    other_school: str
    backwards: str
    # None: the window may still be open (it need not be footage already recorded).
    not_ended: str | None = None


def window_problems(
    words: WindowWords,
    school: School,
    cameras: Sequence[Camera],
    start: datetime,
    end: datetime,
    now: datetime | None = None,
) -> list[str]:
    """What is wrong with the cameras and window a request names: none, another school's, a window that
    ends before it starts, or (with `words.not_ended`) one that has not ended by `now`."""
    checks = [
        (not cameras, words.no_camera),
        (any(c.school_id != school.pk for c in cameras), words.other_school),
        (end <= start, words.backwards),
        (words.not_ended is not None and now is not None and end > now, words.not_ended or ""),
    ]
    return [problem for failed, problem in checks if failed]
