"""Live view of cameras with privacy zones (5.3, 8.1, 8.2): the camera simulator's real stream goes through
the recorder's zone masker (decode, black out, x264) before the fragmented-MP4 remux. Every decoded frame a
viewer receives is black inside the zones and lit outside them; a camera without zones is still a pure stream
copy; a camera whose zones cannot be masked is refused and audited, never shown unmasked."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import sign_in
from tests.factories import person
from tests.recording.conftest import Simulator, free_port
from tests.viewing.test_live import allowed_camera, boxes, events, hang_up
from tests.zones.video import pictures, zone_samples
from watchkeeper.people.models import Role
from watchkeeper.recording.simulator import ensure_clip, stream_url
from watchkeeper.viewing.live import MASKING_REFUSAL

pytestmark = pytest.mark.django_db

# The zones of the recorder's own test (tests/zones/test_masked_recording.py): a rectangle over the
# simulator's burned-in clock (top left) and a triangle lower right.
ZONES = [
    [[0.0, 0.0], [0.55, 0.0], [0.55, 0.16], [0.0, 0.16]],
    [[0.62, 0.45], [0.97, 0.93], [0.55, 0.93]],
]
BLACK_LUMA = 20  # Y of black is 16; the encoder may leave a little noise
NEUTRAL_CHROMA = 8  # |Cb - 128|, |Cr - 128|
WATCH_SECONDS = 3.0


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ensure_clip(tmp_path_factory.mktemp("live-masked-simulator"))


@pytest.fixture
def camera_port(clip: Path) -> Iterator[int]:
    """Two simulated cameras, rtsp://127.0.0.1:PORT/cam1 and cam2, always stopped afterwards."""
    running = Simulator(clip, 2, free_port())
    running.start()
    try:
        yield running.port
    finally:
        running.stop()


def watch(client: Client, camera: Any, seconds: float = WATCH_SECONDS) -> tuple[Any, bytes, float]:
    """(response, the whole boxes received in `seconds` of watching, seconds from request to first moof)."""
    asked = time.monotonic()
    response = client.get(reverse("viewing:live_stream", args=[camera.pk]))
    assert response.status_code == 200, response.content
    data, first_moof = b"", None
    for chunk in response.streaming_content:
        data += chunk
        if first_moof is None and b"moof" in data:
            first_moof = time.monotonic() - asked
        if first_moof is not None and time.monotonic() - asked - first_moof > seconds:
            break
    hang_up(response)
    assert first_moof is not None
    return response, whole_boxes(data), first_moof


def whole_boxes(data: bytes) -> bytes:
    """`data` up to the end of its last complete top-level box (the stream was cut mid-fragment)."""
    end = 0
    while end + 8 <= len(data):
        size = int.from_bytes(data[end : end + 4], "big")
        if size < 8 or end + size > len(data):
            break
        end += size
    return data[:end]


def samples(data: bytes) -> list[bytes]:
    with av.open(io.BytesIO(data)) as container:
        return [bytes(p) for p in container.demux(container.streams.video[0]) if p.size]


def test_a_masked_camera_is_shown_with_its_zones_black_and_the_rest_of_the_picture_lit(
    school: Any, camera_port: int, clip: Path
) -> None:
    camera = allowed_camera(
        school, name="Changing corridor", main_stream_url=stream_url(camera_port, 1), privacy_zones=ZONES
    )
    viewer = person(Role.LIVE_VIEWER, school)
    client = sign_in(Client(), viewer)
    page = client.get(reverse("viewing:live_grid")).content.decode()
    assert reverse("viewing:live_stream", args=[camera.pk]) in page and "blacked out (5.3)" in page

    response, data, first_moof = watch(client, camera)
    print(f"masked live view: first fragment {first_moof:.2f} s after the request")
    assert response["X-Live-Codecs"].startswith('video/mp4; codecs="avc1.')
    assert boxes(data)[:4] == ["ftyp", "moov", "moof", "mdat"]

    within, without = zone_samples(ZONES, 1280, 720)  # the simulator's picture size
    assert len(within) > 1000 and len(without) > 1000
    frames = 0
    for n, picture in enumerate(pictures(data)):  # every frame decodes (err_detect=explode)
        assert (picture.width, picture.height) == (1280, 720)
        if n == 0:
            assert picture.key  # a live picture starts at a key frame
        for x, y in within:
            assert picture.luma(x, y) <= BLACK_LUMA, (n, x, y, picture.luma(x, y))
            assert all(abs(c - 128) <= NEUTRAL_CHROMA for c in picture.chroma(x, y)), (n, x, y)
        lit = sum(picture.luma(x, y) > 2 * BLACK_LUMA for x, y in without)
        assert lit > 0.5 * len(without), (n, lit, len(without))  # the picture itself is there
        frames += 1
    assert frames >= 25 * WATCH_SECONDS * 0.8  # about real time: 25 frames a second
    assert not set(samples(data)) & set(samples(clip.read_bytes()))  # re-encoded: no camera frame passed

    (started,) = events("viewing.live_started", viewer)
    assert started.details["masked_zones"] == 2 and started.object_id == str(camera.pk)
    (ended,) = events("viewing.live_ended", viewer)
    assert ended.details["seconds"] >= WATCH_SECONDS


def test_a_camera_without_zones_is_still_a_stream_copy(school: Any, camera_port: int, clip: Path) -> None:
    camera = allowed_camera(school, name="Playground", main_stream_url=stream_url(camera_port, 2))
    viewer = person(Role.LIVE_VIEWER, school)
    _response, data, _first = watch(sign_in(Client(), viewer), camera)
    live, original = samples(data), set(samples(clip.read_bytes()))
    # Nothing decoded: the frames are the camera's own bytes (key frames carry the camera's in-band
    # parameter sets, so only most frames match byte for byte).
    assert len(live) >= 25 * WATCH_SECONDS * 0.8
    assert sum(s in original for s in live) >= 0.9 * len(live)
    (started,) = events("viewing.live_started", viewer)
    assert started.details["masked_zones"] == 0


@pytest.mark.parametrize(
    "zones",
    [
        [[["left", 0.0], [1.0, 0.0], [1.0, 1.0]]],  # a damaged zone record (set_privacy_zones refuses these)
        [[[0.0], [1.0, 0.0], [1.0, 1.0]]],
    ],
    ids=["not-a-number", "missing-coordinate"],
)
@pytest.mark.clause("5.3", "R4")
def test_a_camera_whose_zones_cannot_be_masked_is_refused_never_shown_unmasked(
    school: Any, camera_port: int, zones: list[Any]
) -> None:
    camera = allowed_camera(school, main_stream_url=stream_url(camera_port, 1), privacy_zones=zones)
    viewer = person(Role.LIVE_VIEWER, school)
    response = sign_in(Client(), viewer).get(reverse("viewing:live_stream", args=[camera.pk]))
    assert response.status_code == 403 and response["Content-Type"].startswith("text/plain")
    assert MASKING_REFUSAL in response.content.decode()
    (refused,) = events("viewing.live_refused", viewer)
    assert MASKING_REFUSAL in refused.reason and refused.object_id == str(camera.pk)
    assert not events("viewing.live_started", viewer) and not events("viewing.live_ended", viewer)


@pytest.mark.parametrize("role", [Role.FOOTAGE_REVIEWER, Role.HEADTEACHER])
def test_only_live_viewers_watch_a_masked_camera(school: Any, camera_port: int, role: str) -> None:
    camera = allowed_camera(school, main_stream_url=stream_url(camera_port, 1), privacy_zones=ZONES)
    user = person(role, school)
    assert sign_in(Client(), user).get(reverse("viewing:live_stream", args=[camera.pk])).status_code == 403
    assert events("viewing.live_refused", user) and not events("viewing.live_started", user)


def test_a_masked_camera_is_refused_to_a_live_viewer_whose_training_lapsed(
    school: Any, camera_port: int
) -> None:
    camera = allowed_camera(school, main_stream_url=stream_url(camera_port, 1), privacy_zones=ZONES)
    viewer = person(Role.LIVE_VIEWER, school, trained=False)  # 14.1
    assert sign_in(Client(), viewer).get(reverse("viewing:live_stream", args=[camera.pk])).status_code == 403
    assert events("viewing.live_refused", viewer) and not events("viewing.live_started", viewer)
