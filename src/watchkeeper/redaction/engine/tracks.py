"""The proposal a reviewer works on (policy 10.4.1): tracks of boxes over frames, with a JSON form that the
review UI, the CLI (--tracks-out/--tracks-in) and the redaction report share.

Boxes are in pixels of the source frame (x, y = top-left corner). Detected tracks ("face", "person") hold a
box for every frame on which they are redacted; manual tracks hold key frames only and are interpolated
between them (a reviewer draws a box at the start and end of a walk, not on every frame).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = ("face", "person", "manual")
FORMAT = "watchkeeper-redaction-tracks/1"


@dataclass(frozen=True)
class Box:
    frame: int
    x: float
    y: float
    w: float
    h: float
    score: float = 1.0


@dataclass
class Track:
    id: int
    kind: str  # "face" | "person" | "manual"
    boxes: list[Box] = field(default_factory=list)  # sorted by frame; "manual": key frames only

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"10.4.1: unknown track kind {self.kind!r} (expected one of {', '.join(KINDS)})")
        self.boxes.sort(key=lambda box: box.frame)

    @property
    def first_frame(self) -> int:
        return self.boxes[0].frame if self.boxes else -1

    @property
    def last_frame(self) -> int:
        return self.boxes[-1].frame if self.boxes else -1


@dataclass
class Proposal:
    width: int
    height: int
    fps: float
    frames: int
    tracks: list[Track] = field(default_factory=list)

    def track(self, track_id: int) -> Track | None:
        return next((t for t in self.tracks if t.id == track_id), None)


def boxes_at(track: Track, frame: int) -> list[Box]:
    """The boxes of `track` on `frame`: exact boxes for detected tracks; for a manual track the key frame's
    box, or a box linearly interpolated between the key frames around `frame` (none outside its span)."""
    if track.kind != "manual":
        return [box for box in track.boxes if box.frame == frame]
    keys = track.boxes
    if not keys or frame < keys[0].frame or frame > keys[-1].frame:
        return []
    for before, after in zip(keys, keys[1:], strict=False):
        if before.frame <= frame <= after.frame:
            if frame == before.frame or after.frame == before.frame:
                return [_at(before, frame)]
            t = (frame - before.frame) / (after.frame - before.frame)
            return [_lerp(before, after, t, frame)]
    return [_at(keys[-1], frame)]  # a single key frame


def _at(box: Box, frame: int) -> Box:
    return Box(frame, box.x, box.y, box.w, box.h, box.score)


def _lerp(a: Box, b: Box, t: float, frame: int) -> Box:
    def mix(p: float, q: float) -> float:
        return p + (q - p) * t

    return Box(frame, mix(a.x, b.x), mix(a.y, b.y), mix(a.w, b.w), mix(a.h, b.h), min(a.score, b.score))


def proposal_to_json(p: Proposal) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "width": p.width,
        "height": p.height,
        "fps": p.fps,
        "frames": p.frames,
        "tracks": [_track_to_json(t) for t in p.tracks],
    }


def _track_to_json(t: Track) -> dict[str, Any]:
    # Compact rows [frame, x, y, w, h, score]: a 10-minute clip has ~10^5 boxes.
    rows = [
        [b.frame, round(b.x, 2), round(b.y, 2), round(b.w, 2), round(b.h, 2), round(b.score, 3)]
        for b in t.boxes
    ]
    return {"id": t.id, "kind": t.kind, "boxes": rows}


def proposal_from_json(d: dict[str, Any]) -> Proposal:
    """Inverse of proposal_to_json; raises ValueError with a clear message on a malformed document."""
    try:
        if d.get("format", FORMAT) != FORMAT:
            raise ValueError(f"unsupported format {d.get('format')!r}")
        tracks = [track_from_json(t) for t in d["tracks"]]
        ids = [t.id for t in tracks]
        if len(ids) != len(set(ids)):
            raise ValueError("duplicate track ids")
        return Proposal(int(d["width"]), int(d["height"]), float(d["fps"]), int(d["frames"]), tracks)
    except (KeyError, TypeError, IndexError) as error:
        raise ValueError(f"malformed redaction tracks: {error!r}") from error


def _box_from_row(r: list[Any]) -> Box:
    score = float(r[5]) if len(r) > 5 else 1.0
    return Box(int(r[0]), float(r[1]), float(r[2]), float(r[3]), float(r[4]), score)


def track_from_json(t: dict[str, Any]) -> Track:
    boxes = [_box_from_row(row) for row in t["boxes"]]
    return Track(int(t["id"]), str(t["kind"]), boxes)
