"""Where the scene moves. CCTV is a mostly static scene, so the face detector only needs to look where
something changed (and, now and then, everywhere: see pipeline.FULL_LOOK_SECONDS)."""

from __future__ import annotations

import cv2
import numpy as np

SMALL_WIDTH = 320  # motion is judged on a frame this wide: ~1 ms per frame
LEARNING_RATE = 0.003  # per update (one every pipeline.DETECT_EVERY frames)
# Light or a thing (issue 16 §2): where only the light changed (a cloud's shadow, the sun coming out) the
# picture keeps the background's texture, darker or brighter; a person, a car or a branch replaces it. A
# moving pixel is "light" when it is at least LIGHT_CHANGE brighter or darker than the background and its
# neighbourhood (LIGHT_WINDOW small pixels, ~20 px at 720p) either still correlates with the background's
# (≥ LIGHT_CORRELATION, over background with texture: local spread ≥ LIGHT_TEXTURE grey levels) or is flat
# where the background is flat too (a shadow over a painted wall); "unchanged" where it correlates but is
# no brighter or darker (the edge of the moving mask); a "thing" otherwise.
LIGHT_WINDOW = 5
LIGHT_CORRELATION = 0.8
LIGHT_TEXTURE = 4.0
LIGHT_CHANGE = 0.02
LIGHT_SHARE = 0.5  # a moving area at least this much light (of its light and thing pixels) is light

Area = tuple[float, float, float, float]  # x, y, w, h in full-frame pixels


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
        self.grey = grey_small
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
                    ) -> list[tuple[Area, bool]]:  # fmt: skip
        """Moving areas left once the given boxes (x1, y1, x2, y2, full-frame pixels) are taken out, each with
        whether it is a thing (True) or only a change of light (False). An area that holds both a thing and
        a stretch of light (a car in a cloud's shadow) is given as two: the thing's box, and the box of the
        rest; every moving pixel stays inside a box (fail safe, 10.4.1)."""
        rest = self.mask.copy()
        s = self.scale
        for x1, y1, x2, y2 in boxes:
            rest[
                max(0, int(y1 / s)) : max(0, int(np.ceil(y2 / s))),
                max(0, int(x1 / s)) : max(0, int(np.ceil(x2 / s))),
            ] = 0
        count, labels, stats, _ = cv2.connectedComponentsWithStats(rest, connectivity=8)
        kept = [i for i in range(1, count) if stats[i, cv2.CC_STAT_AREA] >= min_area]
        if not kept:
            return []
        moving = rest > 0
        light, unchanged = self.light()
        # Both less thin lines and specks: a window astride a thing's outline can pass for light, and one
        # inside a shadow can fail by chance.
        light, thing = self._opened(moving & light), self._opened(moving & ~light & ~unchanged)
        out: list[tuple[Area, bool]] = []
        for i in kept:
            part = labels == i
            lit, solid = int((part & light).sum()), part & thing
            things = int(solid.sum())
            if lit < min_area or things < min_area:  # one kind only, or too little of one to matter
                out.append((self._box(stats[i, :4]), lit < LIGHT_SHARE * (lit + things)))
            else:  # both: the thing, and the rest (the light, with whatever the thing's box leaves out)
                out.append((self._bounds(solid), True))
                out.append((self._bounds(part & ~solid), False))
        return out

    def light(self) -> tuple[np.ndarray, np.ndarray]:
        """Where the small frame differs from the background by light only, and where it does not differ
        (see LIGHT_CORRELATION): two boolean small frames."""
        frame = self.grey.astype(np.float32)
        back = self.model.getBackgroundImage().astype(np.float32)
        if back.ndim == 3:
            back = back[..., 0]
        size = (LIGHT_WINDOW, LIGHT_WINDOW)
        mean_f, mean_b = cv2.blur(frame, size), cv2.blur(back, size)
        var_f = cv2.blur(frame * frame, size) - mean_f * mean_f
        var_b = cv2.blur(back * back, size) - mean_b * mean_b
        cov = cv2.blur(frame * back, size) - mean_f * mean_b
        correlation = cov / np.sqrt(np.maximum(var_f * var_b, 1e-6))
        flat_b, flat_f = var_b < LIGHT_TEXTURE**2, var_f < LIGHT_TEXTURE**2
        same_texture = ((correlation >= LIGHT_CORRELATION) & ~flat_b) | (flat_b & flat_f)
        changed = np.abs(np.log((mean_f + 1) / (mean_b + 1))) >= LIGHT_CHANGE
        return same_texture & changed, same_texture & ~changed

    def _opened(self, pixels: np.ndarray) -> np.ndarray:
        return cv2.morphologyEx(pixels.astype(np.uint8), cv2.MORPH_OPEN, self.kernel) > 0

    def _box(self, stat: np.ndarray) -> Area:
        s = self.scale
        x, y, w, h = (float(v) for v in stat)
        return (x * s, y * s, w * s, h * s)

    def _bounds(self, pixels: np.ndarray) -> Area:
        ys, xs = np.nonzero(pixels)
        x, y = int(xs.min()), int(ys.min())
        return self._box(np.array([x, y, int(xs.max()) - x + 1, int(ys.max()) - y + 1]))


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
