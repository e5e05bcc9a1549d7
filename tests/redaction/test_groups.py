"""The review page's groups (issue 16 §1): faces, person-sized moving regions and other motion, from each
track's boxes alone (no appearance, no re-identification), longest seen first. Pure: no I/O."""

from __future__ import annotations

from typing import Any

from watchkeeper.redaction.services.groups import (
    FACES,
    OTHER,
    PEOPLE,
    group_of,
    group_track_ids,
    review_groups,
)

HEIGHT = 720


def track(track_id: int, kind: str, w: float, h: float, frames: range, score: float = 0.5) -> dict[str, Any]:
    return {"id": track_id, "kind": kind, "boxes": [[f, 100, 100, w, h, score] for f in frames]}


def row(t: dict[str, Any]) -> dict[str, Any]:
    frames = [b[0] for b in t["boxes"]]
    return {"id": t["id"], "first_frame": min(frames), "last_frame": max(frames), "keep": False}


def test_a_face_is_a_face_whatever_its_shape() -> None:
    assert group_of(track(1, "face", 40, 30, range(5)), HEIGHT) == FACES


def test_an_upright_region_of_a_persons_size_is_a_person() -> None:
    assert group_of(track(1, "person", 60, 160, range(5)), HEIGHT) == PEOPLE


def test_wide_or_tiny_motion_is_other_motion() -> None:
    assert group_of(track(1, "person", 300, 120, range(5)), HEIGHT) == OTHER  # a car
    assert group_of(track(2, "person", 10, 20, range(5)), HEIGHT) == OTHER  # leaves: 3% of the height
    assert group_of({"id": 3, "kind": "person", "boxes": []}, HEIGHT) == OTHER


def test_person_sized_light_or_a_glimpse_is_other_motion() -> None:
    # The engine scores a person track's boxes by what moved (engine/pipeline.py): a thing 0.5, a thing seen
    # once 0.4, only light (a cloud's shadow sweeping over the yard) 0.25. Upright and tall is not enough.
    assert group_of(track(1, "person", 200, 360, range(50), score=0.25), HEIGHT) == OTHER
    assert group_of(track(2, "person", 60, 160, range(31), score=0.4), HEIGHT) == OTHER
    boxes = [[f, 0, 0, 60, 160, 0.25 if f < 10 else 0.5] for f in range(30)]
    shadow_then_person = {"id": 3, "kind": "person", "boxes": boxes}
    assert group_of(shadow_then_person, HEIGHT) == PEOPLE
    # Proposals made before the engine scored its evidence carry its old constant 0.5: shape alone.
    assert group_of(track(4, "person", 60, 160, range(5), score=0.5), HEIGHT) == PEOPLE


def test_groups_sort_longest_seen_first_and_fold_other_motion_away() -> None:
    tracks = [
        track(1, "person", 60, 160, range(0, 10)),
        track(2, "person", 60, 160, range(0, 50)),
        track(3, "person", 300, 100, range(0, 5)),
        track(4, "face", 30, 30, range(0, 5)),
    ]
    groups = {g.key: g for g in review_groups(tracks, {t["id"]: row(t) for t in tracks}, HEIGHT)}
    assert [t["id"] for t in groups[PEOPLE].tracks] == [2, 1]
    assert [t["id"] for t in groups[FACES].tracks] == [4]
    assert groups[PEOPLE].open and not groups[OTHER].open
    assert group_track_ids(tracks, OTHER, HEIGHT) == [3]


def test_other_motion_is_shown_open_when_it_is_all_there_is() -> None:
    tracks = [track(3, "person", 300, 100, range(0, 5))]
    groups = {g.key: g for g in review_groups(tracks, {3: row(tracks[0])}, HEIGHT)}
    assert groups[OTHER].open
