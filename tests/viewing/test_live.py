"""Live view (8.1, 8.2, 16): the generic permission case for its pages, a real stream from the camera
simulator remuxed to fragmented MP4, every session and every refused attempt audited, cameras the gates
refuse never shown; cameras with privacy zones (5.3) shown only masked (test_live_masked.py)."""

from __future__ import annotations

import struct
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import sign_in
from tests.factories import ApprovedDPIAFactory, CameraFactory, SignFactory, person
from tests.permission_case import ViewCase, run_view_case
from tests.recording.conftest import Simulator, free_port
from watchkeeper.audit.models import AuditEvent
from watchkeeper.estate.models import CameraStatus
from watchkeeper.people.models import Role
from watchkeeper.recording.simulator import ensure_clip, stream_url
from watchkeeper.viewing.live import codecs_from_extradata

pytestmark = pytest.mark.django_db

LIVE, REVIEWER = Role.LIVE_VIEWER, Role.FOOTAGE_REVIEWER
ZONE = [[[0.0, 0.0], [0.5, 0.0], [0.5, 0.5], [0.0, 0.5]]]


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ensure_clip(tmp_path_factory.mktemp("live-simulator"))


@pytest.fixture
def camera_port(clip: Path) -> Iterator[int]:
    """One simulated camera, rtsp://127.0.0.1:PORT/cam1, always stopped afterwards."""
    running = Simulator(clip, 1, free_port())
    running.start()
    try:
        yield running.port
    finally:
        running.stop()


def allowed_camera(school: Any, **kwargs: Any) -> Any:
    """An active camera the gates allow: an approved DPIA covers it and the school has a checked sign."""
    kwargs.setdefault("status", CameraStatus.ACTIVE)
    kwargs.setdefault("main_stream_url", "rtsp://127.0.0.1:9/none")
    camera = CameraFactory(school=school, **kwargs)
    ApprovedDPIAFactory(school=school, cameras=[camera])
    SignFactory(school=school)
    return camera


def boxes(data: bytes) -> list[str]:
    """The types of the complete top-level MP4 boxes at the start of `data`."""
    found, at = [], 0
    while at + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[at : at + 8])
        if size < 8 or at + size > len(data):
            break
        found.append(kind.decode("latin-1"))
        at += size
    return found


def hang_up(response: Any) -> None:
    """The client goes away mid-stream. The test client wraps a streaming body in a generator whose close()
    closes the response (which ends the live session) and keeps the test's database connection open (a
    server ends the request's connections too); response.close() called here would close it."""
    response._iterator.close()


def read(response: Any, limit: int) -> bytes:
    data = b""
    for chunk in response.streaming_content:
        data += chunk
        if len(data) >= limit:
            break
    hang_up(response)
    return data


def events(action: str, user: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, actor=user).order_by("seq"))


# --- the generic permission case -------------------------------------------------------------------------


def grid_camera(ctx: dict[str, Any]) -> None:
    ctx["camera"] = allowed_camera(ctx["school"], name="Front gate")


def streaming(ctx: dict[str, Any]) -> None:
    ctx["camera"] = allowed_camera(ctx["school"], main_stream_url=stream_url(ctx["port"], 1))


def shows_camera(ctx: dict[str, Any], response: Any) -> None:
    assert reverse("viewing:live_stream", args=[ctx["camera"].pk]) in response.content.decode()


def first_bytes(ctx: dict[str, Any], response: Any) -> None:
    assert boxes(read(response, 2000))[:2] == ["ftyp", "moov"]


CASES = [
    ViewCase(
        "live_grid",
        lambda ctx: reverse("viewing:live_grid") + f"?school={ctx['school'].pk}",
        LIVE,
        REVIEWER,
        setup=grid_camera,
        check=shows_camera,
    ),
    ViewCase(
        "live_stream",
        lambda ctx: reverse("viewing:live_stream", args=[ctx["camera"].pk]),
        LIVE,
        REVIEWER,
        setup=streaming,
        check=first_bytes,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_live_view_permissions(case: ViewCase, school: Any, other_school: Any, camera_port: int) -> None:
    run_view_case(case, {"school": school, "other_school": other_school, "port": camera_port})


# --- the stream ------------------------------------------------------------------------------------------


def test_a_live_stream_is_fragmented_mp4_and_each_session_is_audited(school: Any, camera_port: int) -> None:
    camera = allowed_camera(school, name="Playground", main_stream_url=stream_url(camera_port, 1))
    viewer = person(LIVE, school)
    asked = time.monotonic()
    response = sign_in(Client(), viewer).get(reverse("viewing:live_stream", args=[camera.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "video/mp4"
    assert response["X-Live-Codecs"].startswith('video/mp4; codecs="avc1.')
    assert "no-store" in response["Cache-Control"]
    assert len(events("viewing.live_started", viewer)) == 1 and not events("viewing.live_ended", viewer)

    data, first_moof = b"", None
    for chunk in response.streaming_content:
        data += chunk
        if first_moof is None and b"moof" in chunk:
            first_moof = time.monotonic() - asked
        if len(data) >= 200_000:
            break
    hang_up(response)  # the camera connection closes and the session ends

    kinds = boxes(data)
    assert kinds[:2] == ["ftyp", "moov"], kinds[:4]
    assert kinds[2:6] == ["moof", "mdat", "moof", "mdat"], kinds[:8]
    assert first_moof is not None and first_moof < 30  # the figure itself: design/viewing.md
    ended = events("viewing.live_ended", viewer)
    assert len(ended) == 1 and ended[0].object_id == str(camera.pk)
    assert ended[0].details["seconds"] >= 0 and ended[0].school == school


@pytest.mark.clause("8.2", "R8")
def test_a_live_session_ends_after_its_maximum_length(settings: Any, school: Any, camera_port: int) -> None:
    settings.WATCHKEEPER_LIVE_MAX_SECONDS = 2
    camera = allowed_camera(school, main_stream_url=stream_url(camera_port, 1))
    viewer = person(LIVE, school)
    response = sign_in(Client(), viewer).get(reverse("viewing:live_stream", args=[camera.pk]))
    data = b"".join(response.streaming_content)  # ends by itself: the server stops after 2 s
    assert "moof" in boxes(data)
    (ended,) = events("viewing.live_ended", viewer)
    assert 2 <= ended.details["seconds"] < 60


# --- refusals --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [REVIEWER, Role.HEADTEACHER])
@pytest.mark.clause("8.1", "R8")
def test_anyone_but_a_live_viewer_is_refused_and_the_attempt_audited(school: Any, role: str) -> None:
    camera = allowed_camera(school)
    user = person(role, school)
    client = sign_in(Client(), user)
    assert client.get(reverse("viewing:live_grid")).status_code == 403
    assert client.get(reverse("viewing:live_stream", args=[camera.pk])).status_code == 403
    refused = events("viewing.live_refused", user)
    assert len(refused) == 2 and refused[1].object_id == str(camera.pk)
    assert not events("viewing.live_started", user)


@pytest.mark.clause("8.1", "14.1", "R7")
def test_a_live_viewer_whose_training_lapsed_is_refused(school: Any) -> None:
    camera = allowed_camera(school)
    viewer = person(LIVE, school, trained=False)  # 14.1: the grant stays, its authority does not
    client = sign_in(Client(), viewer)
    assert client.get(reverse("viewing:live_grid")).status_code == 403
    assert client.get(reverse("viewing:live_stream", args=[camera.pk])).status_code == 403
    assert len(events("viewing.live_refused", viewer)) == 2


def test_another_schools_camera_is_not_found_and_the_attempt_audited(school: Any, other_school: Any) -> None:
    theirs = allowed_camera(other_school)
    viewer = person(LIVE, school)
    response = sign_in(Client(), viewer).get(reverse("viewing:live_stream", args=[theirs.pk]))
    assert response.status_code == 404
    assert events("viewing.live_refused", viewer)[0].object_id == str(theirs.pk)


def test_a_camera_with_privacy_zones_is_listed_to_be_watched_masked(school: Any) -> None:
    """5.3: no longer refused (it used to be, until live masking); shown masked — test_live_masked.py checks
    the pixels. An unreachable masked camera is a 503 like any other, and starts no session."""
    camera = allowed_camera(school, name="Changing corridor", privacy_zones=ZONE)
    plain = allowed_camera(school, name="Playground")
    viewer = person(LIVE, school)
    client = sign_in(Client(), viewer)
    page = client.get(reverse("viewing:live_grid")).content.decode()
    assert reverse("viewing:live_stream", args=[camera.pk]) in page
    assert page.count("Privacy zones blacked out (5.3)") == 1 and reverse(
        "viewing:live_stream", args=[plain.pk]
    )
    response = client.get(reverse("viewing:live_stream", args=[camera.pk]))
    assert response.status_code == 503
    assert not events("viewing.live_started", viewer) and not events("viewing.live_refused", viewer)


def test_only_cameras_the_gates_allow_are_shown(school: Any) -> None:
    shown = allowed_camera(school, name="Shown camera")
    no_dpia = CameraFactory(school=school, name="Camera without a DPIA", status=CameraStatus.ACTIVE)
    suspended = allowed_camera(school, name="Suspended camera", status=CameraStatus.SUSPENDED)
    client = sign_in(Client(), person(LIVE, school))
    page = client.get(reverse("viewing:live_grid")).content.decode()
    assert reverse("viewing:live_stream", args=[shown.pk]) in page
    assert "Camera without a DPIA" in page and "7.1" in page
    assert reverse("viewing:live_stream", args=[no_dpia.pk]) not in page
    assert "Suspended camera" not in page
    for camera in (no_dpia, suspended):
        assert client.get(reverse("viewing:live_stream", args=[camera.pk])).status_code in (403, 404)


def test_an_unreachable_camera_is_a_503_and_starts_no_session(school: Any) -> None:
    camera = allowed_camera(school, main_stream_url=f"rtsp://127.0.0.1:{free_port()}/cam1")
    viewer = person(LIVE, school)
    response = sign_in(Client(), viewer).get(reverse("viewing:live_stream", args=[camera.pk]))
    assert response.status_code == 503
    assert not events("viewing.live_started", viewer)


@pytest.mark.parametrize(
    ("extradata", "expected"),
    [
        (bytes.fromhex("01640028ffe1"), 'video/mp4; codecs="avc1.640028"'),
        (bytes.fromhex("00000001674d401fabcd0000000168ee"), 'video/mp4; codecs="avc1.4d401f"'),
        (b"", 'video/mp4; codecs="avc1.42e01e"'),
    ],
)
def test_the_codecs_string_comes_from_the_parameter_sets(extradata: bytes, expected: str) -> None:
    assert codecs_from_extradata(extradata) == expected


def test_the_live_grid_starts_its_tiles_and_fits_each_picture_to_its_tile(school: Any) -> None:
    """Issue 15 §5: no Watch to press for the first cameras; the picture fills its tile."""
    allowed_camera(school, name="Playground")
    page = sign_in(Client(), person(LIVE, school)).get(reverse("viewing:live_grid")).content.decode()
    assert "viewing/viewing.css" in page and "viewing/live.js" in page and "starts by itself" in page
    static = Path(__file__).resolve().parents[2] / "src/watchkeeper/viewing/static/viewing"
    assert ".slice(0, AUTOSTART).forEach(watch)" in (static / "live.js").read_text()
    assert ".live-grid .live video.screen" in (static / "viewing.css").read_text()
