"""A small IoU tracker (ByteTrack-style greedy association, < 1 ms per frame) and the fail-safe filling of
tracks between detections: policy 10.4.1 asks that other people are not identifiable, so a track's box is
interpolated between its detections, held for a while after it is lost and started a little before it was
first seen (detection runs every few frames: the face may have been there already)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from watchkeeper.redaction.engine.tracks import Box, Track

EXTRAPOLATE = 15  # frames a lost track is carried on along its last motion (beyond: it may have turned)


def iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairwise IoU of (n, 4) and (m, 4) x1, y1, x2, y2 arrays."""
    x1 = np.maximum(a[:, None, 0], b[None, :, 0])
    y1 = np.maximum(a[:, None, 1], b[None, :, 1])
    x2 = np.minimum(a[:, None, 2], b[None, :, 2])
    y2 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return inter / np.maximum(area_a[:, None] + area_b[None, :] - inter, 1e-6)


@dataclass
class _Live:
    id: int
    hits: list[Box] = field(default_factory=list)
    lead: int | None = None  # frames to start before the first detection, when not the tracker's default
    step: int = 1  # frames between detections (to count missed ones)

    def predicted(self, frame: int) -> np.ndarray:
        last = self.hits[-1]
        vx = vy = 0.0
        if len(self.hits) > 1:
            prev = self.hits[-2]
            gap = max(1, last.frame - prev.frame)
            vx, vy = (last.x - prev.x) / gap, (last.y - prev.y) / gap
        dt = min(frame - last.frame, EXTRAPOLATE)  # beyond, it may have turned: no wild guesses
        return np.array(
            [last.x + vx * dt, last.y + vy * dt, last.x + vx * dt + last.w, last.y + vy * dt + last.h]
        )

    def search_area(self, frame: int) -> np.ndarray:
        """Where to look for this face on `frame` (x1, y1, x2, y2, then its last height): where it was and
        where it was heading, widened by a quarter of its size per missed detection (up to two sizes), so a
        face that was hidden for a while, or turned, is found again near where it went missing."""
        last = self.hits[-1]
        p = self.predicted(frame)
        box = np.array(
            [min(last.x, p[0]), min(last.y, p[1]), max(last.x + last.w, p[2]), max(last.y + last.h, p[3])]
        )
        missed = max(0, len(range(last.frame + 1, frame + 1)) // max(1, self.step) - 1)
        grow = min(2.0, 0.25 * missed)
        return np.append(box + np.array([-last.w, -last.h, last.w, last.h]) * grow, last.h)


class Tracker:
    """Associates detections (frame, [x1, y1, x2, y2, score] rows) into tracks of one kind."""

    def __init__(self, kind: str, max_gap: int, first_id: int = 1, step: int = 1) -> None:
        self.kind = kind
        self.step = step  # frames between detections
        self.max_gap = max_gap  # frames without a detection before a track is closed
        self.live: list[_Live] = []
        self.done: list[_Live] = []
        self.next_id = first_id

    def update(self, frame: int, detections: np.ndarray, lead: int | None = None) -> None:
        """Adds one frame's detections; tracks started now begin `lead` frames early (see tracks())."""
        for t in [t for t in self.live if frame - t.hits[-1].frame > self.max_gap]:
            self.live.remove(t)
            self.done.append(t)
        unmatched = list(range(len(detections)))
        if self.live and len(detections):
            predicted = np.stack([t.predicted(frame) for t in self.live])
            cost = iou(predicted, detections[:, :4])
            cost = np.maximum(cost, _closeness(predicted, detections[:, :4]))
            taken: set[int] = set()
            for ti, di in sorted(np.ndindex(cost.shape), key=lambda p: -cost[p]):
                if cost[ti, di] < 0.1:
                    break
                if ti in taken or di not in unmatched:
                    continue
                taken.add(ti)
                unmatched.remove(di)
                self.live[ti].hits.append(_box(frame, detections[di]))
        for di in unmatched:
            self.live.append(_Live(self.next_id, [_box(frame, detections[di])], lead, self.step))
            self.next_id += 1

    def search_areas(self, frame: int) -> list[np.ndarray]:
        """Where the live tracks may be on `frame` (see search_area): worth a look even if nothing moved."""
        return [area for _, area in self.searches(frame)]

    def searches(self, frame: int) -> list[tuple[int, np.ndarray]]:
        """(track id, search area) of the live tracks that may be on `frame`."""
        return [(t.id, t.search_area(frame)) for t in self.live if frame - t.hits[-1].frame <= self.max_gap]

    def found_at(self, frame: int) -> dict[int, np.ndarray]:
        """The detection (x1, y1, x2, y2, score) each live track got on `frame`, by track id."""
        out = {}
        for t in self.live:
            b = t.hits[-1]
            if b.frame == frame:
                out[t.id] = np.array([b.x, b.y, b.x + b.w, b.y + b.h, b.score], np.float32)
        return out

    def tracks(self, frames: int, lead: int, hold: int, once: float | None = None) -> list[Track]:
        """Finished tracks with a box on every frame from `lead` frames before the first detection to `hold`
        frames after the last (clipped to the clip), linearly interpolated between detections. With `once`,
        the scores of a track detected only once are capped at it (a glimpse is weaker evidence)."""
        out = []
        for live in sorted(self.done + self.live, key=lambda t: t.id):
            start = lead if live.lead is None else live.lead
            hits = live.hits
            if once is not None and len(hits) == 1:
                hits = [replace(hits[0], score=min(hits[0].score, once))]
            out.append(Track(live.id, self.kind, _fill(hits, frames, start, hold)))
        return out


def _closeness(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A fallback score for small fast boxes that no longer overlap between detections: 0.5 at the same
    centre, 0 at 2.5 box sizes away (a 25 px face walking 30 px between detections still matches)."""
    ca = (a[:, None, :2] + a[:, None, 2:]) / 2
    cb = (b[None, :, :2] + b[None, :, 2:]) / 2
    size = np.maximum((a[:, None, 2] - a[:, None, 0]), (b[None, :, 2] - b[None, :, 0]))
    distance = np.linalg.norm(ca - cb, axis=2) / np.maximum(size, 1)
    return np.clip(1 - distance / 2.5, 0, 1) * 0.5


def _box(frame: int, row: np.ndarray) -> Box:
    x1, y1, x2, y2, score = (float(v) for v in row[:5])
    return Box(frame, x1, y1, x2 - x1, y2 - y1, score)


def _fill(hits: list[Box], frames: int, lead: int, hold: int) -> list[Box]:
    boxes: list[Box] = []
    first = hits[0]
    for f in range(max(0, first.frame - lead), first.frame):
        boxes.append(Box(f, first.x, first.y, first.w, first.h, first.score))
    for a, b in zip(hits, hits[1:], strict=False):
        span = b.frame - a.frame
        for f in range(a.frame, b.frame):
            t = (f - a.frame) / span
            boxes.append(Box(f, a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, a.w + (b.w - a.w) * t,
                             a.h + (b.h - a.h) * t, min(a.score, b.score)))  # fmt: skip
    last = hits[-1]
    vx = vy = 0.0
    if len(hits) > 1:
        prev = hits[-2]
        gap = max(1, last.frame - prev.frame)
        vx, vy = (last.x - prev.x) / gap, (last.y - prev.y) / gap
    for f in range(last.frame, min(frames, last.frame + hold + 1)):
        # Held where it was last seen *and* where it was heading (union): right whether it stopped or not.
        dt = min(f - last.frame, EXTRAPOLATE)
        x, y = last.x + vx * dt, last.y + vy * dt
        x1, y1 = min(last.x, x), min(last.y, y)
        x2, y2 = max(last.x, x) + last.w, max(last.y, y) + last.h
        boxes.append(Box(f, x1, y1, x2 - x1, y2 - y1, last.score))
    return boxes
