"""The camera and the time burned into a redacted copy's picture (9.3; design/redaction.md "Pipeline"): a
redacted copy leaves as the requester's copy, so it carries its camera and time in the picture as a working
copy does (evidence/package/working_copy.py, drawtext) and a still does (evidence/stills.py). No Django: the
engine's callers say what the text is."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import cv2
import numpy as np

LONDON = ZoneInfo("Europe/London")

# (frame index in the video, frames per second) → the text for that frame.
Caption = Callable[[int, float], str]


def burned(image: np.ndarray, text: str) -> np.ndarray:
    """`text` in white on a black box in the top-left corner, scaled to the picture; the rest untouched."""
    picture = np.ascontiguousarray(image)
    label(picture, text, top=True)
    return picture


def label(picture: np.ndarray, text: str, *, top: bool, size: float = 1.0, ink: int | tuple[int, ...] = 255,
          paper: int | tuple[int, ...] = 0) -> tuple[int, int]:  # fmt: skip
    """Draw `text` in white (`ink`) on a black (`paper`) box at the top-left (or bottom-left) corner of
    `picture`, in place, scaled to the picture (`size` relative to the caption's); also evidence stills'
    caption and footer. Returns the box's right and bottom edges (pixels)."""
    height, width = picture.shape[:2]
    font = cv2.FONT_HERSHEY_SIMPLEX
    scale = max(0.3, height / 600) * size
    thickness = max(1, round(scale * 1.6))
    (text_w, text_h), base = cv2.getTextSize(text, font, scale, thickness)
    if text_w > 0.95 * width:  # a narrow picture: smaller text rather than cut off
        scale *= 0.95 * width / text_w
        (text_w, text_h), base = cv2.getTextSize(text, font, scale, thickness)
    pad = max(2, round(text_h * 0.4))
    box_h = text_h + base + 2 * pad
    y0 = 0 if top else height - box_h
    ink, paper = _colour(ink), _colour(paper)
    cv2.rectangle(picture, (0, y0), (text_w + 2 * pad, y0 + box_h), paper, thickness=-1)
    cv2.putText(picture, text, (pad, y0 + pad + text_h), font, scale, ink, thickness, cv2.LINE_AA)
    return text_w + 2 * pad + 1, y0 + box_h + 1


def _colour(value: int | tuple[int, ...]) -> tuple[int, ...]:
    return (value, value, value) if isinstance(value, int) else value


def local_time(moment: datetime) -> str:
    """UK local time to the second, with GMT or BST, as the working copy's burned-in clock."""
    return f"{moment.astimezone(LONDON):%d/%m/%Y %H:%M:%S %Z}"


def segment_caption(camera_name: str, segments: list[dict[str, Any]]) -> Caption:
    """The caption of a video joined from recorded segments (each with its UTC "start" and, once the
    proposal has counted them, "first_frame"): a frame's time is its segment's start plus its place in that
    segment, so a gap between segments never shifts the clock shown."""
    starts = [(int(s.get("first_frame", -1)), datetime.fromisoformat(s["start"])) for s in segments]

    def caption(index: int, fps: float) -> str:
        first, start = 0, starts[0][1]
        if all(f >= 0 for f, _ in starts):
            first, start = max(((f, s) for f, s in starts if f <= index), default=(0, starts[0][1]))
        return f"{camera_name}  {local_time(start + timedelta(seconds=(index - first) / (fps or 25.0)))}"

    return caption
