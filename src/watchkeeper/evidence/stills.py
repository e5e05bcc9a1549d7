"""A still image for use outside the screen (9.5, 11.6; design/evidence.md "Stills"): the frame of the
request's camera at its moment, at full resolution, with the camera's name and the UK date and time burned
into the picture, as a PNG for the sealed package. Made by the build job only, after the Headteacher's
authorisation: no picture leaves the player as a plain file."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import cv2
import numpy as np

from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.release_terms import image_line, no_social_media
from watchkeeper.evidence.snapshot import NoSuchFrame, frame_at
from watchkeeper.recording.models import Segment
from watchkeeper.redaction.engine.caption import label
from watchkeeper.viewing.footage import decrypted

LONDON, UTC = ZoneInfo("Europe/London"), ZoneInfo("UTC")


@dataclass(frozen=True)
class SealedStill:
    name: str  # member name in the package
    png: bytes
    frame_at: datetime  # UTC: the moment of the frame taken
    entry: dict[str, Any]  # the manifest's "still"


def segment_at(segments: list[Segment], moment: datetime) -> Segment:
    for segment in segments:
        if segment.start <= moment < segment.end:
            return segment
    raise PolicyRefusal("9.5: there is no recorded footage of that camera at the still's moment")


@enforces("9.3", "9.5", "R19")
def take(segment: Segment, moment: datetime) -> SealedStill:
    """The still of `segment` at `moment`, checked against the segment's recorded SHA-256 (9.3)."""
    mp4 = decrypted(segment)
    if hashlib.sha256(mp4).hexdigest() != segment.sha256:
        raise PolicyRefusal(f"9.3: the segment at {segment.start} no longer matches its recorded SHA-256")
    try:
        frame = frame_at(mp4, (moment - segment.start).total_seconds())
    except NoSuchFrame as error:
        raise PolicyRefusal(f"9.5: no frame can be taken there: {error}") from error
    taken = segment.start + timedelta(seconds=frame.offset)
    camera = segment.camera
    # 11.4: the prohibition travels in the picture itself (bottom line), not only in the letter beside it.
    png = _png(burned(frame.rgb, f"{camera.name}  {local_time(taken)}", footer=image_line()))
    stamp = taken.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%f")[:-3]
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", camera.name).strip("-") or "camera"
    name = f"still/{camera.pk}-{slug}-{stamp}Z.png"
    height, width = frame.rgb.shape[:2]
    entry = {
        "file": name,
        "camera_id": camera.pk,
        "camera_name": camera.name,
        "asked_for_utc": moment.isoformat(),
        "frame_at_utc": taken.isoformat(),
        "frame_at_local": local_time(taken),
        "size": [width, height],
        "segment_sha256": segment.sha256,
        "sha256": hashlib.sha256(png).hexdigest(),
        "caption": no_social_media("This still image"),
    }
    return SealedStill(name, png, taken, entry)


def local_time(moment: datetime) -> str:
    """UK local time to the hundredth of a second, with GMT or BST: one frame is 40 ms at 25 fps."""
    local = moment.astimezone(LONDON)
    return f"{local:%d/%m/%Y %H:%M:%S}.{local.microsecond // 10000:02d} {local:%Z}"


def burned(rgb: np.ndarray, text: str, footer: str = "") -> np.ndarray:
    """`text` in white on a dark box in the top-left corner, scaled to the picture (as the working copy's
    drawtext), and `footer` the same way in the bottom-left corner; the rest of the picture untouched."""
    picture = np.ascontiguousarray(rgb.copy())
    label(picture, text, top=True)
    if footer:
        label(picture, footer, top=False, size=0.7)
    return picture


def _png(rgb: np.ndarray) -> bytes:
    ok, encoded = cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    if not ok:
        raise PolicyRefusal("9.5: the still image could not be encoded")
    return encoded.tobytes()
