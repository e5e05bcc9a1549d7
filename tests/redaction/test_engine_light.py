"""Light or a thing (issue 16 §2, 10.4.1): a moving area that is only a change of light (a cloud's shadow)
is told from one where something replaced the background, so that the review lists shadows under "other
motion"; either way every moving pixel stays inside a proposed box (fail safe). Real OpenCV, real MOG2."""

from __future__ import annotations

import numpy as np
import pytest

from watchkeeper.redaction.engine.motion import Motion
from watchkeeper.redaction.engine.tracker import Tracker

WIDTH, HEIGHT = 1280, 720


def wall() -> np.ndarray:
    """A textured small grey frame (the motion model's 320 x 180), like brickwork."""
    rng = np.random.default_rng(1)
    ys, xs = np.mgrid[0:180, 0:320]
    bricks = 90 + 40 * ((ys // 6 + (xs // 12) * 0) % 2) + 30 * ((xs + 6 * (ys // 6 % 2)) % 12 == 0)
    return (bricks + rng.normal(0, 6, bricks.shape)).clip(0, 255).astype(np.uint8)


def shadowed(frame: np.ndarray, x1: int, x2: int, y1: int, y2: int) -> np.ndarray:
    """A cloud's soft shadow over the rectangle: 40 % darker inside, fading out over 20 pixels around it
    (a hard-edged shadow's edge looks like a thing's outline: those are buildings', and move slowly)."""
    ys, xs = np.mgrid[0:180, 0:320]
    outside = np.maximum(np.maximum(x1 - xs, xs - x2), np.maximum(y1 - ys, ys - y2)).clip(0, None)
    dark = 1 - 0.4 * np.clip(1 - outside / 20, 0, 1)
    return (frame * dark).astype(np.uint8)


def moving_areas(frame: np.ndarray) -> list[tuple[tuple[float, float, float, float], bool]]:
    motion = Motion(WIDTH, HEIGHT)
    motion.learn(wall())
    motion.regions(wall())
    motion.regions(frame)
    return motion.unexplained([], min_area=20)


def covers(areas, x: int, y: int, w: int, h: int) -> bool:
    """Whether the areas (full-frame pixels) together cover the small-frame rectangle x, y, w, h."""
    seen = np.zeros((180, 320), bool)
    for (ax, ay, aw, ah), _ in areas:
        seen[round(ay / 4) : round((ay + ah) / 4), round(ax / 4) : round((ax + aw) / 4)] = True
    return bool(seen[y : y + h, x : x + w].all())


@pytest.mark.clause("10.4.1")
def test_a_shadow_over_textured_ground_is_light_not_a_thing():
    areas = moving_areas(shadowed(wall(), 100, 160, 90, 170))
    assert areas and not any(thing for _, thing in areas)
    assert covers(areas, 100, 90, 60, 80)


@pytest.mark.clause("10.4.1")
def test_something_that_replaces_the_background_is_a_thing():
    frame = wall()
    frame[60:160, 200:240] = 30  # a person in dark clothes: the brickwork behind is gone
    areas = moving_areas(frame)
    assert [thing for _, thing in areas] == [True]
    assert covers(areas, 200, 60, 40, 100)


@pytest.mark.clause("10.4.1")
def test_a_thing_inside_a_shadow_is_proposed_apart_and_every_moving_pixel_stays_covered():
    frame = shadowed(wall(), 40, 180, 40, 150)  # the shadow …
    frame[120:160, 60:140] = 200  # … and a car driving through it
    areas = moving_areas(frame)
    things = [box for box, thing in areas if thing]
    assert len(things) == 1 and len(areas) == 2
    x, y, w, h = things[0]
    assert abs(x - 240) <= 24 and abs(y - 480) <= 24 and w <= 360 and h <= 200  # the car, not the shadow
    assert covers(areas, 40, 40, 140, 110) and covers(areas, 60, 120, 80, 40)


def test_a_track_seen_only_once_carries_the_lower_score_it_is_given():
    tracker = Tracker("person", max_gap=10, step=5)
    tracker.update(0, np.array([[0, 0, 10, 20, 0.5]], np.float32))
    tracker.update(5, np.array([[1, 0, 11, 20, 0.5], [500, 0, 510, 20, 0.5]], np.float32))
    twice, once = tracker.tracks(20, lead=0, hold=0, once=0.4)
    assert {b.score for b in twice.boxes} == {0.5}
    assert {b.score for b in once.boxes} == {0.4}
