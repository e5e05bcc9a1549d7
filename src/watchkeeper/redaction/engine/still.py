"""Faces that have not changed since the detector last found them (issue 16 §2: a queue at the gate).

A face standing still in a mostly static CCTV scene looks the same, pixel for pixel (noise aside), as when the
detector last found it: searching for it again every few frames is most of the work in a crowd that waits.
Where the picture inside and around a face's box has not changed since its last real detection, that
detection is carried forward instead. Fail safe (10.4.1): any change there (the face moves, turns, is
covered, the light changes) and it is searched again as before; the comparison is always against the last
real detection, so small drifts add up and cannot carry a box away from its face.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

PAD = 0.25  # the compared region: the face box and this much of its size around it, per side
CHANGED_LEVEL = 16  # a pixel has changed when its grey level moved by more than this (noise: ~2 levels)
CHANGED_SHARE = 0.01  # a face is unchanged while at most this share of its region's pixels changed


class Still:
    """The picture around each face track at its last real detection, by track id."""

    def __init__(self) -> None:
        self.seen: dict[int, tuple[tuple[int, int, int, int], np.ndarray, np.ndarray]] = {}

    def remember(self, track_id: int, row: np.ndarray, rgb: np.ndarray) -> None:
        """Keeps the region around a detection (x1, y1, x2, y2, score row) just found in `rgb`."""
        region = _region(row, rgb.shape)
        if region is not None:
            self.seen[track_id] = (region, _grey(rgb, region), np.asarray(row[:5], np.float32))

    def unchanged(self, track_id: int, rgb: np.ndarray) -> np.ndarray | None:
        """The last real detection of this track if the picture around it has not changed, else None."""
        if track_id not in self.seen:
            return None
        region, before, row = self.seen[track_id]
        changed = np.count_nonzero(np.abs(_grey(rgb, region) - before) > CHANGED_LEVEL)
        return row if changed <= CHANGED_SHARE * before.size else None

    def prune(self, live: set[int]) -> None:
        """Forgets the tracks that are no longer live (a 10-minute window has thousands)."""
        for track_id in set(self.seen) - live:
            del self.seen[track_id]


def _region(row: np.ndarray, shape: tuple[int, ...]) -> tuple[int, int, int, int] | None:
    x1, y1, x2, y2 = (float(v) for v in row[:4])
    px, py = (x2 - x1) * PAD, (y2 - y1) * PAD
    h, w = shape[:2]
    r = (
        max(0, int(x1 - px)),
        max(0, int(y1 - py)),
        min(w, int(np.ceil(x2 + px))),
        min(h, int(np.ceil(y2 + py))),
    )
    return r if r[2] - r[0] >= 2 and r[3] - r[1] >= 2 else None


def _grey(rgb: np.ndarray, region: tuple[int, int, int, int]) -> np.ndarray:
    x1, y1, x2, y2 = region
    return rgb[y1:y2, x1:x2].astype(np.int16).sum(axis=2) // 3


SEARCHED_LEVEL = 10  # small-frame grey levels: a moving area has changed since it was searched beyond this


class Searched:
    """The small grey picture as it was when each part of it was last searched by the detector.

    The background model keeps someone who stopped walking "moving" for about a minute (so they are looked
    for), which in a waiting crowd means searching the same unchanged pixels every few frames. The detector
    gives the same answer on the same pixels, so a moving area that has not changed since it was last
    searched is not searched again: what was found there then is tracked (and carried, above). Compared
    with the picture at the last search of each pixel, not the previous frame, so slow changes add up."""

    def __init__(self, scale: float) -> None:
        self.scale = scale  # full-frame pixels per small-frame pixel
        self.picture: np.ndarray | None = None

    def changed(self, grey: np.ndarray, area: Sequence[float]) -> bool:
        if self.picture is None:
            return True
        x1, y1, x2, y2 = self._small(area)
        diff = np.abs(grey[y1:y2, x1:x2].astype(np.int16) - self.picture[y1:y2, x1:x2])
        return bool((diff > SEARCHED_LEVEL).any())

    def mark(self, grey: np.ndarray, areas: Sequence[Sequence[float]] | None) -> None:
        """Records `areas` (x, y, w, h, full-frame pixels; None: the whole frame) as searched on `grey`."""
        if self.picture is None or areas is None:
            self.picture = grey.astype(np.int16)
            return
        for area in areas:
            x1, y1, x2, y2 = self._small(area)
            self.picture[y1:y2, x1:x2] = grey[y1:y2, x1:x2]

    def _small(self, area: Sequence[float]) -> tuple[int, int, int, int]:
        x, y, w, h = area[:4]
        s = self.scale
        return int(x / s), int(y / s), int(np.ceil((x + w) / s)), int(np.ceil((y + h) / s))
