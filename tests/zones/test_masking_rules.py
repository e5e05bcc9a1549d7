"""The zone rasteriser and frame masking (5.3), against an independent point-in-polygon test: every pixel
a zone covers at all is masked; nothing far from a zone is; the decoder's own frame is never written."""

from __future__ import annotations

import random

import pytest
from av.video.frame import VideoFrame

from tests.zones.video import distance_to_edges
from watchkeeper.estate.models import Camera
from watchkeeper.recording.masking import ZoneMask, chroma_spans, zone_spans
from watchkeeper.recording.recorder import CameraWorker, _what_changed


def masked_pixels(spans: list[list[tuple[int, int]]]) -> set[tuple[int, int]]:
    return {(x, y) for y, row in enumerate(spans) for start, end in row for x in range(start, end)}


def winding(polygon: list[tuple[float, float]], x: float, y: float) -> int:
    total = 0
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        crosses = (y1 <= y < y2) or (y2 <= y < y1)
        if crosses and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            total += 1 if y2 > y1 else -1
    return total


def covers_part_of(polygon: list[tuple[float, float]], px: int, py: int) -> bool:
    """Does the polygon cover some of pixel (px, py)? Sampled at 6 × 6 points inside the pixel."""
    return any(
        winding(polygon, px + (i + 0.5) / 6, py + (j + 0.5) / 6) != 0 for i in range(6) for j in range(6)
    )


def test_a_rectangle_on_pixel_boundaries_masks_exactly_its_pixels() -> None:
    spans = zone_spans([[[0.25, 0.25], [0.75, 0.25], [0.75, 0.75], [0.25, 0.75]]], 8, 8)
    assert masked_pixels(spans) == {(x, y) for x in range(2, 6) for y in range(2, 6)}


@pytest.mark.parametrize("seed", range(6))
def test_every_pixel_a_zone_touches_is_masked_and_nothing_far_from_it(seed: int) -> None:
    rng = random.Random(seed)
    width, height = 61, 37  # odd sizes: chroma planes round up
    zone = [[rng.random(), rng.random()] for _ in range(rng.randint(3, 7))]  # may cross itself
    polygon = [(x * width, y * height) for x, y in zone]
    masked = masked_pixels(zone_spans([zone], width, height))
    for y in range(height):
        for x in range(width):
            if covers_part_of(polygon, x, y):
                assert (x, y) in masked, (seed, x, y)
            elif (x, y) in masked:  # only pixels the outline grazes, within half a diagonal of it
                assert distance_to_edges(polygon, x + 0.5, y + 0.5) <= 0.72, (seed, x, y)


def test_a_self_crossing_zone_is_filled_whole() -> None:
    star = [[0.5, 0.0], [0.8, 1.0], [0.0, 0.35], [1.0, 0.35], [0.2, 1.0]]  # a pentagram
    assert (50, 50) in masked_pixels(zone_spans([star], 100, 100))  # its centre: a hole by even-odd


def test_a_chroma_sample_is_masked_when_any_of_its_luma_pixels_is() -> None:
    luma = zone_spans([[[0.1, 0.1], [0.52, 0.13], [0.3, 0.77]]], 41, 23)
    chroma = masked_pixels(chroma_spans(luma, 21, 12))
    for x, y in masked_pixels(luma):
        assert (x // 2, y // 2) in chroma
    assert len(chroma) <= len(masked_pixels(luma))


@pytest.mark.clause("5.3", "R4")
def test_masking_a_frame_blacks_the_zone_keeps_the_rest_and_leaves_the_original_alone() -> None:
    width, height = 63, 35
    frame = VideoFrame(width, height, "yuv420p")
    for plane, value in zip(frame.planes, (200, 60, 190), strict=True):
        plane.update(bytes([value]) * plane.buffer_size)
    zone = [[0.0, 0.0], [0.5, 0.0], [0.5, 0.5]]
    mask = ZoneMask([zone], width, height)
    masked = mask.apply(frame)
    luma = masked_pixels(zone_spans([zone], width, height))
    y_plane = bytes(masked.planes[0])
    line = masked.planes[0].line_size
    for y in range(height):
        for x in range(width):
            assert y_plane[y * line + x] == (16 if (x, y) in luma else 200)
    u_plane, v_plane = bytes(masked.planes[1]), bytes(masked.planes[2])
    assert u_plane[0] == v_plane[0] == 128  # top left is in the zone
    last = (height // 2) * masked.planes[1].line_size + width // 2
    assert (u_plane[last], v_plane[last]) == (60, 190)  # bottom right is not
    assert set(bytes(frame.planes[0])) == {200}  # the decoder's frame is untouched
    assert mask.covered() == len(luma)


def test_a_mask_works_on_frames_of_other_pixel_formats() -> None:
    frame = VideoFrame(32, 16, "rgb24")
    frame.planes[0].update(bytes([255]) * frame.planes[0].buffer_size)
    masked = ZoneMask([[[0.0, 0.0], [1.0, 0.0], [1.0, 0.5], [0.0, 0.5]]], 32, 16).apply(frame)
    plane = masked.reformat(format="rgb24").planes[0]
    rows = [bytes(plane)[y * plane.line_size : y * plane.line_size + 32 * 3] for y in range(16)]
    assert all(max(row) <= 2 for row in rows[:8])  # the top half is black
    assert all(min(row) >= 250 for row in rows[8:])  # the bottom half is still white


def test_new_zones_restart_a_running_camera_worker() -> None:
    camera = Camera(pk=1, main_stream_url="rtsp://127.0.0.1:8554/cam1", privacy_zones=[])
    worker = CameraWorker(camera)
    assert _what_changed(camera, worker) == ""
    camera.privacy_zones = [[[0, 0], [1, 0], [1, 1]]]
    assert _what_changed(camera, worker) == "the privacy zones changed (5.3)"
    camera.main_stream_url = "rtsp://127.0.0.1:8554/cam2"
    assert _what_changed(camera, worker) == "the stream address changed"
