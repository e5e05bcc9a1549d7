"""A track's thumbnail: one frame of a master segment, decoded in memory, cropped around the track's box
and JPEG-encoded (9.1: nothing is written to disk)."""

from __future__ import annotations

import io
from typing import Any

import av
import cv2


class NoThumbnail(ValueError):
    """The frame could not be decoded."""


MARGIN = 0.25  # of the box's size on each side, so the reviewer sees who it is, not just a face's middle
LONGEST = 160  # pixels: a thumbnail, not a still


def crop_jpeg(mp4: bytes, index: int, box: dict[str, Any]) -> bytes:
    """The `index`-th frame (0-based, decode order = presentation order without B-frames) of `mp4`, cropped
    around `box` (x, y, w, h in pixels) with a margin, scaled to at most LONGEST pixels."""
    try:
        with av.open(io.BytesIO(mp4), mode="r") as container:
            for i, frame in enumerate(container.decode(video=0)):
                if i >= index:
                    return _crop(frame.to_ndarray(format="bgr24"), box)
    except av.FFmpegError as error:
        raise NoThumbnail(f"the segment cannot be decoded: {error}") from error
    raise NoThumbnail("the frame is past the segment's end")


def _crop(picture: Any, box: dict[str, Any]) -> bytes:
    height, width = picture.shape[:2]
    x, y, w, h = (float(box[k]) for k in ("x", "y", "w", "h"))
    left, top = max(0, int(x - w * MARGIN)), max(0, int(y - h * MARGIN))
    right, bottom = min(width, int(x + w * (1 + MARGIN))), min(height, int(y + h * (1 + MARGIN)))
    if right - left < 2 or bottom - top < 2:
        raise NoThumbnail("the box lies outside the picture")
    crop = picture[top:bottom, left:right]
    scale = min(1.0, LONGEST / max(crop.shape[:2]))
    if scale < 1.0:
        crop = cv2.resize(crop, (max(1, int(crop.shape[1] * scale)), max(1, int(crop.shape[0] * scale))))
    ok, encoded = cv2.imencode(".jpg", crop, [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:
        raise NoThumbnail("the crop could not be encoded")
    return bytes(encoded)
