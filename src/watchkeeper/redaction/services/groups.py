"""The review page's proposal, grouped so that a person can finish it (issue 16 §1; design/redaction.md,
"The page"): faces, person-sized moving regions and other motion, each sorted by how long it is seen.

Grouping uses each track's position, size and time only. Nothing here compares one person's appearance with
another's: no face embeddings and no re-identification (biometric data, UK GDPR Art 9; for pupils the
Protection of Freedoms Act 2012 ss26-28). Pure: no I/O, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median
from typing import Any

from watchkeeper.redaction.services.tracks import track_boxes

FACES, PEOPLE, OTHER = "faces", "people", "other"
# A moving region is person-sized when its typical box is upright (taller than wide) and at least this share
# of the picture's height: a standing child far from a camera is ~6% of a 720p frame; leaves, shadows and a
# passing car's reflections are mostly wide or tiny.
PERSON_MIN_HEIGHT = 0.06
PERSON_MIN_UPRIGHT = 1.1
# ... and when the engine saw a thing there, not only a change of light (a cloud's shadow sweeping over the
# yard is upright and person-sized too), and saw it more than once: most of its boxes carry the engine's
# "thing" score (engine/pipeline.py THING; a shadow or a one-off glimpse scores lower). Proposals made
# before the engine scored its evidence carry the thing score throughout: shape alone, as then.
PERSON_MIN_SCORE = 0.5
PERSON_MIN_SHARE = 0.5


@dataclass
class Group:
    key: str
    label: str
    hint: str
    open: bool
    tracks: list[dict[str, Any]] = field(default_factory=list)

    @property
    def kept(self) -> int:
        return sum(1 for t in self.tracks if t.get("keep"))


def _new_groups() -> dict[str, Group]:
    return {
        FACES: Group(FACES, "Faces", "Faces found in the footage.", True),
        PEOPLE: Group(PEOPLE, "People", "Moving regions the size and shape of a person.", True),
        OTHER: Group(
            OTHER,
            "Other motion",
            "Movement that is not person-shaped (trees, shadows, vehicles): hidden too unless you keep it.",
            False,
        ),
    }


def group_of(track: dict[str, Any], height: int) -> str:
    """Which group a proposed track belongs to, from its boxes' typical shape and size and the engine's
    evidence that a thing moved there (its boxes' scores)."""
    if track.get("kind") == "face":
        return FACES
    boxes = track_boxes(track)
    if not boxes or not height:
        return OTHER
    w, h = median(float(b["w"]) for b in boxes), median(float(b["h"]) for b in boxes)
    upright = w > 0 and h / w >= PERSON_MIN_UPRIGHT
    things = sum(1 for b in boxes if float(b.get("score", 1.0)) >= PERSON_MIN_SCORE)
    evidence = things >= PERSON_MIN_SHARE * len(boxes)
    return PEOPLE if upright and evidence and h / height >= PERSON_MIN_HEIGHT else OTHER


def review_groups(
    tracks: list[dict[str, Any]], summaries: dict[int, dict[str, Any]], height: int
) -> list[Group]:
    """The proposed `tracks` (the proposal's JSON) in their groups, longest seen first; `summaries` are the
    page's rows by track id (services.track_summary plus "keep")."""
    groups = _new_groups()
    for track in tracks:
        row = summaries[int(track["id"])]
        groups[group_of(track, height)].tracks.append({**row, "group": group_of(track, height)})
    for group in groups.values():
        group.tracks.sort(key=lambda t: (-(t["last_frame"] - t["first_frame"]), t["id"]))
    # Other motion is folded away to shorten the list, unless it is all there is.
    groups[OTHER].open = not (groups[FACES].tracks or groups[PEOPLE].tracks)
    return list(groups.values())


def group_track_ids(tracks: list[dict[str, Any]], key: str, height: int) -> list[int]:
    """The ids of the proposed tracks in the group `key` (for a decision taken on the whole group)."""
    return [int(t["id"]) for t in tracks if group_of(t, height) == key]
