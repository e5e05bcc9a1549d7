"""The privacy-zone editor's views (5.3, 9.6): the generic permission case for each, then what only the
CCTV system administrator sees — a live reference frame, audited, never cached — and what a refusal keeps."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from tests.conftest import sign_in
from tests.factories import CameraFactory, person
from tests.permission_case import ViewCase, run_view_case
from tests.recording.conftest import Simulator
from tests.refusals import shows_refusal
from watchkeeper.audit.models import AuditEvent
from watchkeeper.estate.models import Camera
from watchkeeper.people.models import Role
from watchkeeper.recording.simulator import stream_url

pytestmark = pytest.mark.django_db

ZONES = [[[0.0, 0.0], [0.4, 0.0], [0.4, 0.3]], [[0.6, 0.6], [1.0, 0.6], [1.0, 1.0], [0.6, 1.0]]]


@pytest.fixture
def ctx(school, other_school) -> dict[str, Any]:
    return {"school": school, "other_school": other_school}


def make_camera(ctx: dict[str, Any]) -> None:
    url = ctx.get("stream", "rtsp://127.0.0.1:9/none")
    ctx["camera"] = CameraFactory(school=ctx["school"], name="Gate camera", main_stream_url=url)
    CameraFactory(school=ctx["other_school"], name="Hidden camera")


def zones_url(ctx: dict[str, Any]) -> str:
    return reverse("estate:camera_zones", args=[ctx["camera"].pk])


def frame_url(ctx: dict[str, Any]) -> str:
    return reverse("estate:camera_reference_frame", args=[ctx["camera"].pk])


def editor_without_picture(ctx: dict[str, Any], response: Any) -> None:
    assert b'id="zone-editor"' in response.content and b'id="zone-frame"' not in response.content
    assert b"Only the school's CCTV system administrator sees the camera" in response.content


def editor_with_picture(ctx: dict[str, Any], response: Any) -> None:
    assert frame_url(ctx).encode() in response.content


def zones_saved(ctx: dict[str, Any], response: Any) -> None:
    assert response["Location"] == reverse("estate:camera_detail", args=[ctx["camera"].pk])
    assert Camera.objects.get(pk=ctx["camera"].pk).privacy_zones == ZONES
    event = AuditEvent.objects.get(action="estate.privacy_zones_set", object_id=str(ctx["camera"].pk))
    assert event.actor == ctx["user"] and event.details == {"zones": 2}


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
    ViewCase("reference frame", frame_url, Role.CCTV_ADMIN, Role.HEADTEACHER,
             setup=make_camera, check=frame_served),
]  # fmt: skip


@pytest.mark.parametrize("case", [c for c in CASES if c.id != "reference frame"], ids=lambda c: c.id)
def test_zone_views_permissions(case: ViewCase, ctx) -> None:
    run_view_case(case, ctx)


@pytest.mark.clause("9.6")
def test_reference_frame_permissions_with_a_live_camera(simulator: Simulator, ctx) -> None:
    """A real RTSP camera (the simulator): the frame is grabbed live, decoded and JPEG-encoded in memory."""
    (case,) = [c for c in CASES if c.id == "reference frame"]
    run_view_case(case, ctx | {"stream": stream_url(simulator.port, 1)})
    assert AuditEvent.objects.filter(action="estate.reference_frame_viewed").count() == 1  # refusals: none


def test_an_unreachable_camera_gives_no_picture_and_no_audit_event(client, ctx, school) -> None:
    make_camera(ctx)  # rtsp://127.0.0.1:9: nothing listens there
    sign_in(client, person(Role.CCTV_ADMIN, school))
    response = client.get(frame_url(ctx))
    assert (
        response.status_code == 503
        and b"No picture: the camera's stream cannot be opened" in response.content
    )
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
