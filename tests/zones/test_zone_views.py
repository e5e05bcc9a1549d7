"""The privacy-zone editor's views (5.3, 9.6): the generic permission case for each, then what only the
CCTV system administrator sees — a live reference frame, asked for by the page and taken by the job worker
(issue 14 §5), audited, never cached, shown once — and what a refusal keeps."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.factories import CameraFactory, person
from tests.permission_case import ViewCase, run_view_case
from tests.recording.conftest import Simulator
from tests.refusals import shows_refusal
from watchkeeper.audit.models import AuditEvent
from watchkeeper.estate.models import Camera
from watchkeeper.people.models import Role
from watchkeeper.recording import reference_frames
from watchkeeper.recording.models import FrameState, ReferenceFrame
from watchkeeper.recording.simulator import stream_url

pytestmark = pytest.mark.django_db

ZONES = [[[0.0, 0.0], [0.4, 0.0], [0.4, 0.3]], [[0.6, 0.6], [1.0, 0.6], [1.0, 1.0], [0.6, 1.0]]]


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Any) -> Any:
    """Each test's own data dir: the sealed pictures (and their school keys) are its own."""
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def ctx(school, other_school) -> dict[str, Any]:
    return {"school": school, "other_school": other_school}


def make_camera(ctx: dict[str, Any]) -> None:
    url = ctx.get("stream", "rtsp://127.0.0.1:9/none")
    ctx["camera"] = CameraFactory(school=ctx["school"], name="Gate camera", main_stream_url=url)
    CameraFactory(school=ctx["other_school"], name="Hidden camera")


def zones_url(ctx: dict[str, Any]) -> str:
    return reverse("estate:camera_zones", args=[ctx["camera"].pk])


def request_url(ctx: dict[str, Any]) -> str:
    return reverse("estate:camera_reference_request", args=[ctx["camera"].pk])


def status_url(ctx: dict[str, Any]) -> str:
    return reverse("estate:camera_reference_status", args=[ctx["camera"].pk, ctx["frame"].pk])


def frame_url(ctx: dict[str, Any]) -> str:
    return reverse("estate:camera_reference_frame", args=[ctx["camera"].pk, ctx["frame"].pk])


def asked(ctx: dict[str, Any]) -> None:
    """A picture asked for by another CCTV administrator of the school; not yet taken."""
    make_camera(ctx)
    admin = person(Role.CCTV_ADMIN, ctx["school"])
    ctx["frame"] = reference_frames.ask(ctx["camera"], admin, [], whole=False, now=timezone.now())


def taken(ctx: dict[str, Any]) -> None:
    """… and taken by the job's function from the camera (the simulator, or nothing listening)."""
    asked(ctx)
    reference_frames.take(str(ctx["frame"].pk), now=timezone.now())


def editor_without_picture(ctx: dict[str, Any], response: Any) -> None:
    assert b'id="zone-editor"' in response.content and b'id="zone-frame"' not in response.content
    assert b"Only the school's CCTV system administrator sees the camera" in response.content


def editor_with_picture(ctx: dict[str, Any], response: Any) -> None:
    assert request_url(ctx).encode() in response.content  # zones.js asks for the picture
    assert b"<script>" not in response.content  # no inline script (Content-Security-Policy)


def zones_saved(ctx: dict[str, Any], response: Any) -> None:
    assert response["Location"] == reverse("estate:camera_detail", args=[ctx["camera"].pk])
    assert Camera.objects.get(pk=ctx["camera"].pk).privacy_zones == ZONES
    event = AuditEvent.objects.get(action="estate.privacy_zones_set", object_id=str(ctx["camera"].pk))
    assert event.actor == ctx["user"] and event.details == {"zones": 2}


def picture_asked(ctx: dict[str, Any], response: Any) -> None:
    """The web process only writes the request: the picture waits for the job worker."""
    (frame,) = ReferenceFrame.objects.filter(requested_by=ctx["user"])
    assert frame.state == FrameState.QUEUED and frame.camera == ctx["camera"]
    assert response.json() == {
        "status": reverse("estate:camera_reference_status", args=[ctx["camera"].pk, frame.pk])
    }
    assert response["Cache-Control"] == "no-store, private"
    (event,) = AuditEvent.objects.filter(action="estate.reference_frame_requested")
    assert event.actor == ctx["user"] and event.details["zones_applied"] == 0


def progress_told(ctx: dict[str, Any], response: Any) -> None:
    assert response.json() == {"state": "queued", "message": ""}


def frame_served(ctx: dict[str, Any], response: Any) -> None:
    assert response["Content-Type"] == "image/jpeg" and response["Cache-Control"] == "no-store, private"
    assert response.content[:2] == b"\xff\xd8" and response.content[-2:] == b"\xff\xd9"  # a whole JPEG
    (event,) = AuditEvent.objects.filter(action="estate.reference_frame_viewed")
    assert event.actor == ctx["user"] and event.object_id == str(ctx["camera"].pk)
    assert event.details["bytes"] == len(response.content)


CASES = [
    ViewCase("zones page (Headteacher, no picture)", zones_url, Role.HEADTEACHER, Role.LIVE_VIEWER,
             setup=make_camera, check=editor_without_picture),
    ViewCase("zones page (CCTV administrator)", zones_url, Role.CCTV_ADMIN, Role.FOOTAGE_REVIEWER,
             setup=make_camera, check=editor_with_picture),
    ViewCase("save zones", zones_url, Role.CCTV_ADMIN, Role.LIVE_VIEWER, method="post",
             data=lambda ctx: {"zones": json.dumps(ZONES)}, ok=(302,), setup=make_camera, check=zones_saved),
    # The Headteacher may change the camera (estate.change) but not see its picture here (9.6).
    ViewCase("ask for a picture", request_url, Role.CCTV_ADMIN, Role.HEADTEACHER, method="post", ok=(202,),
             setup=make_camera, check=picture_asked),
    ViewCase("picture progress", status_url, Role.CCTV_ADMIN, Role.HEADTEACHER,
             setup=asked, check=progress_told),
    ViewCase("reference frame", frame_url, Role.CCTV_ADMIN, Role.HEADTEACHER,
             setup=taken, check=frame_served),
]  # fmt: skip


@pytest.mark.parametrize("case", [c for c in CASES if c.id != "reference frame"], ids=lambda c: c.id)
def test_zone_views_permissions(case: ViewCase, ctx) -> None:
    run_view_case(case, ctx)


@pytest.mark.clause("9.6")
def test_reference_frame_permissions_with_a_live_camera(simulator: Simulator, ctx) -> None:
    """A real RTSP camera (the simulator): the job's function takes the frame; it is shown once (its
    sealed object then goes once the showing commits: test_reference_frames.py)."""
    (case,) = [c for c in CASES if c.id == "reference frame"]
    ctx["stream"] = stream_url(simulator.port, 1)
    run_view_case(case, ctx)
    assert AuditEvent.objects.filter(action="estate.reference_frame_viewed").count() == 1  # refusals: none
    again = sign_in(Client(), ctx["user"]).get(frame_url(ctx))
    assert again.status_code == 404 and b"No picture" in again.content  # shown once, then deleted
    assert ReferenceFrame.objects.get(pk=ctx["frame"].pk).state == FrameState.SHOWN


def test_an_unreachable_camera_gives_no_picture_and_no_audit_event(client, ctx, school) -> None:
    taken(ctx)  # rtsp://127.0.0.1:9: nothing listens there
    sign_in(client, person(Role.CCTV_ADMIN, school))
    answer = client.get(status_url(ctx)).json()
    assert answer["state"] == "failed" and "the camera's stream cannot be opened" in answer["message"]
    response = client.get(frame_url(ctx))
    assert response.status_code == 404 and b"No picture" in response.content
    assert not AuditEvent.objects.filter(action="estate.reference_frame_viewed").exists()


def test_a_refused_zone_is_shown_and_the_drawing_kept(client, ctx, school) -> None:
    make_camera(ctx)
    sign_in(client, person(Role.CCTV_ADMIN, school))
    drawn = json.dumps([[[0.1, 0.1], [1.5, 0.1], [0.5, 0.5]]])
    response = client.post(zones_url(ctx), {"zones": drawn})
    assert response.status_code == 400
    assert shows_refusal(response, "5.3: a privacy zone needs at least 3 points inside the picture")
    assert json.loads(response.context["form"]["zones"].value()) == json.loads(drawn)
    assert Camera.objects.get(pk=ctx["camera"].pk).privacy_zones == []


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ("not json", b"The zones could not be read"),
        (json.dumps({"a": 1}), b"Each zone is a list of points"),
        (json.dumps([[[0.1, "x"]]]), b"Each zone is a list of points"),
        (json.dumps([[[0.1, 0.1]] * 65]), b"At most 16 zones of 64 points each"),
    ],
)
@pytest.mark.clause("5.3", "R4")
def test_malformed_zones_are_refused(client, ctx, school, posted, message) -> None:
    make_camera(ctx)
    sign_in(client, person(Role.CCTV_ADMIN, school))
    response = client.post(zones_url(ctx), {"zones": posted})
    assert response.status_code == 400 and message in response.content
    assert Camera.objects.get(pk=ctx["camera"].pk).privacy_zones == []


def test_the_camera_page_links_to_the_zone_editor(client, ctx, school) -> None:
    make_camera(ctx)
    sign_in(client, person(Role.HEADTEACHER, school))
    response = client.get(reverse("estate:camera_detail", args=[ctx["camera"].pk]))
    assert zones_url(ctx).encode() in response.content
    sign_in(client, person(Role.LIVE_VIEWER, school))
    response = client.get(reverse("estate:camera_detail", args=[ctx["camera"].pk]))
    assert zones_url(ctx).encode() not in response.content
