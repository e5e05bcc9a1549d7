"""The proposal's tracks and the reviewer's decisions, read without side effects (design/redaction.md,
"The rule for approval"): what the page lists, what a render is made of and what its digest covers."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from watchkeeper.redaction.models import Redaction


def decisions(redaction: Redaction) -> dict[str, Any]:
    return {
        "keep": sorted(int(t) for t in redaction.keep),
        "manual": redaction.manual,
        "mode": redaction.mode,
    }


def decisions_digest(redaction: Redaction) -> str:
    """What a preview was rendered from: approving needs the preview of exactly the current decisions."""
    canonical = json.dumps(decisions(redaction), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def preview_is_current(redaction: Redaction) -> bool:
    return redaction.has_output and redaction.output_digest == decisions_digest(redaction)


def proposed_tracks(redaction: Redaction) -> list[dict[str, Any]]:
    return list((redaction.proposal or {}).get("tracks", []))


def find_track(redaction: Redaction, track_id: int) -> dict[str, Any] | None:
    for track in [*proposed_tracks(redaction), *redaction.manual]:
        if int(track["id"]) == track_id:
            return track
    return None


def box_dict(box: Any) -> dict[str, Any]:
    """A box as a dict, from the engine's compact row [frame, x, y, w, h, score] or a manual key frame."""
    if isinstance(box, dict):
        return box
    row = {"frame": int(box[0]), "x": box[1], "y": box[2], "w": box[3], "h": box[4]}
    return {**row, "score": box[5]} if len(box) > 5 else row


def track_boxes(track: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted((box_dict(b) for b in track.get("boxes", [])), key=lambda b: int(b["frame"]))


def track_summary(track: dict[str, Any], fps: float) -> dict[str, Any]:
    frames = [int(b["frame"]) for b in track_boxes(track)]
    first, last = (min(frames), max(frames)) if frames else (0, 0)
    return {
        "id": int(track["id"]),
        "kind": track.get("kind", ""),
        "first_frame": first,
        "last_frame": last,
        "first_s": round(first / fps, 2) if fps else 0.0,
        "last_s": round(last / fps, 2) if fps else 0.0,
        "boxes": len(frames),
    }


def fps_of(redaction: Redaction) -> float:
    return float((redaction.proposal or {}).get("fps") or 25.0)


def manual_tracks(redaction: Redaction) -> list[Any]:
    """The reviewer's manual boxes as the engine's tracks (key frames; boxes between are interpolated)."""
    from watchkeeper.redaction.engine.tracks import Box, Track

    return [
        Track(
            id=int(t["id"]),
            kind="manual",
            boxes=[
                Box(frame=int(b["frame"]), x=float(b["x"]), y=float(b["y"]), w=float(b["w"]), h=float(b["h"]))
                for b in track_boxes(t)
            ],
        )
        for t in redaction.manual
    ]
