"""The reviewer's decisions, each audited (10.3, 10.4.1, 16; design/redaction.md, "The page"): which
proposed tracks are the data subject (kept visible), manual boxes, and how the others are hidden."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from watchkeeper.core.actors import Actor, Person
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.redaction.models import Mode, Redaction, Status
from watchkeeper.redaction.services.access import audit, check_reviewer
from watchkeeper.redaction.services.tracks import proposed_tracks

NO_SUCH_BOX = "10.4.1: there is no such manual box"


def editable(actor: Actor, redaction: Redaction, now: datetime) -> Person:
    """The reviewer, when `redaction` is theirs to decide on now: decisions change only in review."""
    person = check_reviewer(actor, redaction, now)
    if redaction.status != Status.REVIEW:
        raise PolicyRefusal(
            f"10.4.1: this redaction is {redaction.get_status_display().lower()} — decisions can change only "
            "while it is ready for review"
        )
    return person


def _save_decision(
    person: Person, redaction: Redaction, action: str, fields: list[str], **details: Any
) -> None:
    with transaction.atomic():
        redaction.save(update_fields=fields)
        audit(action, person, redaction, **details)


@enforces("10.3", "10.4.1")
def set_keep(actor: Actor, redaction: Redaction, track_id: int, keep: bool, *, now: datetime) -> None:
    """Mark a proposed track as the data subject (kept visible) or back to redacted (10.3, 10.4.1)."""
    person = editable(actor, redaction, now)
    if track_id not in {int(t["id"]) for t in proposed_tracks(redaction)}:
        raise PolicyRefusal("10.4.1: there is no such proposed track")
    kept = {int(t) for t in redaction.keep}
    redaction.keep = sorted(kept | {track_id} if keep else kept - {track_id})
    action = "redaction.track_kept" if keep else "redaction.track_unkept"
    _save_decision(person, redaction, action, ["keep"], track=track_id)


@enforces("10.3", "10.4.1")
def set_group_keep(actor: Actor, redaction: Redaction, group: str, keep: bool, *, now: datetime) -> list[int]:
    """Keep visible, or hide, every proposed track of one review group (faces, people, other motion) at once
    (issue 16 §1). Each track's change is its own audit event, as if ticked one by one."""
    from watchkeeper.redaction.services.groups import group_track_ids

    person = editable(actor, redaction, now)
    height = int((redaction.proposal or {}).get("height") or 0)
    ids = set(group_track_ids(proposed_tracks(redaction), group, height))
    kept = {int(t) for t in redaction.keep}
    changed = sorted(ids - kept if keep else ids & kept)
    redaction.keep = sorted(kept | ids if keep else kept - ids)
    action = "redaction.track_kept" if keep else "redaction.track_unkept"
    with transaction.atomic():
        redaction.save(update_fields=["keep"])
        for track_id in changed:
            audit(action, person, redaction, track=track_id, group=group)
    return changed


@enforces("10.4.1", "R23")
def set_mode(actor: Actor, redaction: Redaction, mode: str, *, now: datetime) -> None:
    person = editable(actor, redaction, now)
    if mode not in Mode.values:
        raise PolicyRefusal("10.4.1: choose blur, pixelate or fill")
    old, redaction.mode = redaction.mode, mode
    _save_decision(person, redaction, "redaction.mode_changed", ["mode"], **{"from": old, "to": mode})


@dataclass(frozen=True)
class ManualBox:
    frame: int
    x: float
    y: float
    w: float
    h: float


def _checked_box(redaction: Redaction, box: ManualBox) -> dict[str, Any]:
    proposal = redaction.proposal or {}
    width, height, frames = (int(proposal.get(k, 0)) for k in ("width", "height", "frames"))
    if not 0 <= box.frame < max(frames, 1):
        raise PolicyRefusal("10.4.1: that frame is outside the footage")
    x, y = max(0.0, box.x), max(0.0, box.y)
    w, h = min(box.w, width - x) if width else box.w, min(box.h, height - y) if height else box.h
    if w < 2 or h < 2:
        raise PolicyRefusal("10.4.1: draw a box at least 2 pixels wide and high inside the picture")
    return {"frame": box.frame, "x": round(x, 1), "y": round(y, 1), "w": round(w, 1), "h": round(h, 1)}


def _next_manual_id(redaction: Redaction) -> int:
    """Manual ids follow every proposed id, so a track id names one track whatever its kind."""
    ids = [int(t["id"]) for t in proposed_tracks(redaction)] + [int(t["id"]) for t in redaction.manual]
    return max([0, *ids]) + 1


@enforces("10.4.1")
def add_manual(actor: Actor, redaction: Redaction, box: ManualBox, *, now: datetime) -> int:
    """A new manual track: one key frame; it holds its box until extended at another frame."""
    person = editable(actor, redaction, now)
    key = _checked_box(redaction, box)
    track_id = _next_manual_id(redaction)
    redaction.manual = [*redaction.manual, {"id": track_id, "kind": "manual", "boxes": [key]}]
    _save_decision(person, redaction, "redaction.manual_added", ["manual"], track=track_id, box=key)
    return track_id


@enforces("10.4.1")
def extend_manual(
    actor: Actor, redaction: Redaction, track_id: int, box: ManualBox, *, now: datetime
) -> None:
    """Another key frame of a manual track (replacing one at the same frame); boxes between key frames are
    interpolated by the engine (engine.tracks.boxes_at)."""
    person = editable(actor, redaction, now)
    key = _checked_box(redaction, box)
    tracks = [dict(t) for t in redaction.manual]
    track = next((t for t in tracks if int(t["id"]) == track_id), None)
    if track is None:
        raise PolicyRefusal(NO_SUCH_BOX)
    others = [b for b in track["boxes"] if int(b["frame"]) != key["frame"]]
    track["boxes"] = sorted([*others, key], key=lambda b: int(b["frame"]))
    redaction.manual = tracks
    _save_decision(person, redaction, "redaction.manual_extended", ["manual"], track=track_id, box=key)


@enforces("10.4.1")
def delete_manual(actor: Actor, redaction: Redaction, track_id: int, *, now: datetime) -> None:
    person = editable(actor, redaction, now)
    remaining = [t for t in redaction.manual if int(t["id"]) != track_id]
    if len(remaining) == len(redaction.manual):
        raise PolicyRefusal(NO_SUCH_BOX)
    redaction.manual = remaining
    _save_decision(person, redaction, "redaction.manual_deleted", ["manual"], track=track_id)
