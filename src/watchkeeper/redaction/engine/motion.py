"""Where the scene moves. CCTV is a mostly static scene, so the face detector only needs to look where
something changed (and, now and then, everywhere: see pipeline.FULL_LOOK_SECONDS)."""

from __future__ import annotations

import cv2
import numpy as np

SMALL_WIDTH = 320  # motion is judged on a frame this wide: ~1 ms per frame
LEARNING_RATE = 0.003  # per update (one every pipeline.DETECT_EVERY frames)


class Motion:
    """A background model on a small grey frame; `regions` gives moving areas in full-frame pixels."""

    def __init__(self, width: int, height: int) -> None:
        self.scale = width / SMALL_WIDTH
        self.small = (SMALL_WIDTH, max(1, round(height / self.scale)))
        # A long history: a person standing still stays foreground for ~history updates.
        self.model = cv2.createBackgroundSubtractorMOG2(history=300, varThreshold=16, detectShadows=False)
        self.kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
        self.seen = 0

    def learn(self, background: np.ndarray) -> None:
        """Starts the model from an estimate of the empty scene (see pipeline._background), so people in
        the first frame are seen as people, not learned as scenery that leaves a "ghost" when they go."""
        for _ in range(3):
            self.model.apply(background, learningRate=1.0)
        self.seen = 1

    def regions(self, grey_small: np.ndarray, min_area: int = 6) -> list[tuple[float, float, float, float]]:
        first = self.seen == 0
        self.seen += 1
        # A slow learning rate: someone who stops walking stays "moving" for about a minute.
        mask = self.model.apply(grey_small, learningRate=LEARNING_RATE)
        if first:  # the first frame only teaches the model the scene (everything would look "moving")
            mask[:] = 0
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
        self.mask = cv2.dilate(mask, self.kernel, iterations=1)
        return self.areas(self.mask, min_area)

    def areas(self, mask: np.ndarray, min_area: int) -> list[tuple[float, float, float, float]]:
        """Connected moving areas of a small-frame mask, in full-frame pixels."""
        count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        s = self.scale
        return [
            (float(x * s), float(y * s), float(w * s), float(h * s))
            for x, y, w, h, area in stats[1:count]
            if area >= min_area
        ]

    def unexplained(self, boxes: list[tuple[float, float, float, float]], min_area: int
                    ) -> list[tuple[float, float, float, float]]:  # fmt: skip
        """Moving areas left once the given boxes (x1, y1, x2, y2, full-frame pixels) are taken out."""
        rest = self.mask.copy()
        s = self.scale
        for x1, y1, x2, y2 in boxes:
            rest[
                max(0, int(y1 / s)) : max(0, int(np.ceil(y2 / s))),
                max(0, int(x1 / s)) : max(0, int(np.ceil(x2 / s))),
            ] = 0
        return self.areas(rest, min_area)


Look = tuple[float, float, float, float, float]  # x, y, w, h of a part of the frame, and a scale to search at


def merge(looks: list[Look], waste: float = 1.3) -> list[Look]:
    """Merges overlapping looks when their bounding box costs little more than the two apart (at most
    `waste` times their summed area): one detector call instead of two, without searching a big empty
    rectangle between two people far apart. A merged look is searched at the larger of the two scales."""
    looks = list(looks)
    merged = True
    while merged:
        merged = False
        out: list[Look] = []
        for r in looks:
            for i, o in enumerate(out):
                x1, y1 = min(r[0], o[0]), min(r[1], o[1])
                x2, y2 = max(r[0] + r[2], o[0] + o[2]), max(r[1] + r[3], o[1] + o[3])
                scale = max(r[4], o[4])
                apart = r[2] * r[3] * r[4] ** 2 + o[2] * o[3] * o[4] ** 2
                if (x2 - x1) * (y2 - y1) * scale**2 <= waste * apart:
                    out[i] = (x1, y1, x2 - x1, y2 - y1, scale)
                    merged = True
                    break
            else:
                out.append(r)
        looks = out
    return looks
