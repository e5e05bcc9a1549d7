"""Redacting a decoded frame in its own YUV 4:2:0 planes (issue 16 §2, speed): the decoder gives 4:2:0 and
the encoder takes 4:2:0, so a frame redacted in RGB was converted twice (to RGB and back, ~1/4 of the
render's time at 720p). Here each box is distorted in the brightness plane and in the two colour planes (at
half size), the caption drawn in the brightness plane on a colourless box: the same picture, no conversion.
Other formats, and odd sizes (4:2:0 needs even sides), go the RGB way (pipeline._encode)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import av

from watchkeeper.redaction.engine.caption import label
from watchkeeper.redaction.engine.tracks import Box

# 4:2:0 formats edited in place, with their black and white (video range 16-235; "j" is full range 0-255).
LEVELS = {"yuv420p": (16, 235), "yuvj420p": (0, 255)}
GREY = 128  # the colour planes' value for no colour (black, white, grey)

Distort = Callable[..., None]  # pipeline.distort(image, box, pad, mode, black=...)


def editable(frame: av.VideoFrame) -> bool:
    return frame.format.name in LEVELS and frame.width % 2 == 0 and frame.height % 2 == 0


def redacted(frame: av.VideoFrame, boxes: Sequence[tuple[float, Box]], mode: str, caption: str | None,
             distort: Distort) -> av.VideoFrame:  # fmt: skip
    """`frame` with every (padding, box) distorted by `mode` and `caption` burned in, as a new frame."""
    h, w = frame.height, frame.width
    array = frame.to_ndarray()  # (h * 3/2, w): the Y plane, then U and V, a quarter of it each
    luma = array[:h]
    chroma = [array[h : h + h // 4].reshape(h // 2, w // 2), array[h + h // 4 :].reshape(h // 2, w // 2)]
    black, white = LEVELS[frame.format.name]
    for pad, box in boxes:
        distort(luma, box, pad, mode, black=black)
        half = Box(box.frame, box.x / 2, box.y / 2, box.w / 2, box.h / 2, box.score)
        for plane in chroma:  # covers the brightness plane's region: rounded outwards
            distort(plane, half, pad, mode, black=GREY)
    if caption:  # after the distortion: the caption is never blurred
        right, bottom = label(luma, caption, top=True, ink=white, paper=black)
        for plane in chroma:
            plane[: -(-bottom // 2), : -(-right // 2)] = GREY
    new = av.VideoFrame.from_ndarray(array, format=frame.format.name)
    return new
