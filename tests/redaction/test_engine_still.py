"""Still faces carried forward and unchanged moving areas not searched again (issue 16 §2; fail safe 10.4.1:
any change and the detector looks again)."""

from __future__ import annotations

import numpy as np

from watchkeeper.redaction.engine.still import Searched, Still


def picture(seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 255, (120, 160, 3), dtype=np.uint8)


def test_a_face_whose_picture_has_not_changed_is_carried_with_its_last_real_detection() -> None:
    still, rgb = Still(), picture()
    row = np.array([40, 30, 60, 55, 0.9], np.float32)
    still.remember(7, row, rgb)
    noisy = (rgb.astype(np.int16) + np.random.default_rng(2).integers(-3, 4, rgb.shape)).clip(0, 255)
    assert np.array_equal(still.unchanged(7, noisy.astype(np.uint8)), row)  # sensor noise is no change


def test_a_face_that_moved_or_was_covered_is_searched_again() -> None:
    still, rgb = Still(), picture()
    still.remember(7, np.array([40, 30, 60, 55, 0.9], np.float32), rgb)
    moved = np.roll(rgb, 3, axis=1)
    covered = rgb.copy()
    covered[40:55, 40:60] = 128
    assert still.unchanged(7, moved) is None
    assert still.unchanged(7, covered) is None
    assert still.unchanged(8, rgb) is None  # never found by the detector: nothing to carry


def test_tracks_no_longer_live_are_forgotten() -> None:
    still, rgb = Still(), picture()
    for track_id in (1, 2):
        still.remember(track_id, np.array([10, 10, 30, 30, 0.8], np.float32), rgb)
    still.prune({2})
    assert still.unchanged(1, rgb) is None and still.unchanged(2, rgb) is not None


def test_a_moving_area_is_searched_again_only_once_it_has_changed_since_it_was_last_searched() -> None:
    searched = Searched(scale=4.0)
    grey = picture()[:, :, 0]
    area = (40.0, 40.0, 80.0, 80.0)  # full-frame pixels: small-frame pixels 10..30
    assert searched.changed(grey, area)  # nothing searched yet
    searched.mark(grey, None)  # a full look searches everything
    assert not searched.changed(grey, area)
    later = grey.copy()
    later[50:55, 5:8] = 255 - later[50:55, 5:8]  # a change elsewhere
    assert not searched.changed(later, area)
    later[20, 20] = 255 - later[20, 20]  # one pixel inside: searched again
    assert searched.changed(later, area)
    searched.mark(later, [(*area, 2.0)])  # looks carry a scale after their box
    assert not searched.changed(later, area)
