"""Pure parts of the redaction engine (10.4.1): the tracks JSON, manual interpolation, track filling."""

from __future__ import annotations

import json

import numpy as np
import pytest

from watchkeeper.redaction.engine import Box, Proposal, Track, boxes_at, proposal_from_json, proposal_to_json
from watchkeeper.redaction.engine.pipeline import distort
from watchkeeper.redaction.engine.tracker import Tracker


def test_tracks_json_round_trip_keeps_every_box_and_kind():
    proposal = Proposal(
        1280, 720, 25.0, 100,
        [Track(1, "face", [Box(0, 10.5, 20.25, 30, 40, 0.91), Box(1, 11, 21, 30, 40, 0.8)]),
         Track(2, "person", [Box(5, 100, 200, 80, 160, 0.5)]),
         Track(3, "manual", [Box(10, 1, 2, 3, 4), Box(20, 5, 6, 7, 8)])],
    )  # fmt: skip
    again = proposal_from_json(json.loads(json.dumps(proposal_to_json(proposal))))
    assert again == proposal


def test_tracks_are_sorted_by_frame_whatever_order_they_come_in():
    track = Track(1, "manual", [Box(20, 0, 0, 1, 1), Box(10, 0, 0, 1, 1)])
    assert [b.frame for b in track.boxes] == [10, 20]


CLIP = {"width": 1, "height": 1, "fps": 25, "frames": 1}


@pytest.mark.parametrize(
    "document",
    [
        {"width": 1, "height": 1, "fps": 25, "frames": 1},  # no tracks
        {**CLIP, "tracks": [{"id": 1, "kind": "ghost", "boxes": []}]},
        {**CLIP, "tracks": [{"id": 1, "kind": "face", "boxes": [[0, 1]]}]},
        {**CLIP, "tracks": [{"id": 1, "kind": "face", "boxes": []}, {"id": 1, "kind": "face", "boxes": []}]},
        {**CLIP, "format": "something-else/9", "tracks": []},
    ],
)  # fmt: skip
def test_malformed_tracks_are_refused_with_a_value_error(document):
    with pytest.raises(ValueError):
        proposal_from_json(document)


def test_manual_track_is_interpolated_between_key_frames():
    track = Track(7, "manual", [Box(10, 0, 0, 10, 10), Box(20, 100, 50, 30, 10)])
    (middle,) = boxes_at(track, 15)
    assert (middle.frame, middle.x, middle.y, middle.w, middle.h) == (15, 50, 25, 20, 10)
    assert boxes_at(track, 10)[0].x == 0 and boxes_at(track, 20)[0].x == 100
    assert boxes_at(track, 9) == [] and boxes_at(track, 21) == []


def test_manual_track_with_three_key_frames_follows_each_leg():
    track = Track(7, "manual", [Box(0, 0, 0, 10, 10), Box(10, 100, 0, 10, 10), Box(20, 100, 100, 10, 10)])
    assert boxes_at(track, 5)[0].x == 50 and boxes_at(track, 5)[0].y == 0
    assert boxes_at(track, 15)[0].x == 100 and boxes_at(track, 15)[0].y == 50


def test_single_key_frame_covers_only_its_frame_and_detected_tracks_are_not_interpolated():
    assert len(boxes_at(Track(1, "manual", [Box(4, 0, 0, 1, 1)]), 4)) == 1
    assert boxes_at(Track(1, "manual", [Box(4, 0, 0, 1, 1)]), 5) == []
    detected = Track(2, "face", [Box(0, 0, 0, 10, 10), Box(10, 100, 0, 10, 10)])
    assert boxes_at(detected, 5) == []


def test_tracker_links_detections_and_fills_leads_gaps_and_holds():
    tracker = Tracker("face", max_gap=20)
    tracker.update(10, np.array([[0, 0, 20, 20, 0.9]], np.float32))
    tracker.update(15, np.array([[30, 0, 50, 20, 0.9]], np.float32))  # moved more than its size: still it
    tracker.update(20, np.empty((0, 5), np.float32))  # missed
    tracker.update(25, np.array([[90, 0, 110, 20, 0.9]], np.float32))
    (track,) = tracker.tracks(frames=100, lead=5, hold=10)
    frames = [b.frame for b in track.boxes]
    assert frames == list(range(5, 36))  # 5 frames before the first detection, 10 after the last
    assert track.boxes[frames.index(20)].x == pytest.approx(60)  # interpolated over the missed detection
    # Held where last seen and carried on at its last speed (60 px in 10 frames) for the 10 held frames.
    assert track.boxes[-1].x == 90 and track.boxes[-1].w == 20 + 6 * 10


def test_tracker_starts_a_new_track_for_a_far_away_face():
    tracker = Tracker("face", max_gap=20)
    tracker.update(0, np.array([[0, 0, 20, 20, 0.9]], np.float32))
    tracker.update(5, np.array([[0, 0, 20, 20, 0.9], [400, 300, 420, 320, 0.9]], np.float32))
    assert len(tracker.tracks(frames=10, lead=0, hold=0)) == 2


@pytest.mark.parametrize("mode", ["blur", "pixelate", "fill"])
@pytest.mark.clause("10.4.1", "R23")
def test_distort_changes_only_the_padded_box(mode):
    rng = np.random.default_rng(1)
    image = rng.integers(0, 255, (100, 100, 3), dtype=np.uint8)
    before = image.copy()
    distort(image, Box(0, 40, 40, 20, 20), 0.25, mode)
    changed = np.argwhere((image != before).any(axis=2))
    assert changed.min(axis=0).tolist() >= [35, 35] and changed.max(axis=0).tolist() <= [64, 64]
    inside = image[35:65, 35:65].astype(float)
    assert (
        np.abs(np.diff(inside, axis=1)).mean()
        < 0.5 * np.abs(np.diff(before[35:65, 35:65].astype(float), axis=1)).mean()
    )


def test_a_lost_face_is_searched_for_in_a_growing_area_around_where_it_went():
    tracker = Tracker("face", max_gap=100, step=5)
    tracker.update(0, np.array([[100, 100, 120, 120, 0.9]], np.float32))
    tracker.update(5, np.array([[110, 100, 130, 120, 0.9]], np.float32))  # 2 px a frame to the right
    (now,) = tracker.search_areas(10)  # no miss yet: where it was to where it is heading
    assert now.tolist() == [110, 100, 140, 120, 20]
    (later,) = tracker.search_areas(30)  # four detections missed: a face size wider on every side
    assert later.tolist() == [90, 80, 180, 140, 20]
    (much_later,) = tracker.search_areas(95)  # capped: two face sizes, and no guess beyond 15 frames
    assert much_later.tolist() == [70, 60, 200, 160, 20]
