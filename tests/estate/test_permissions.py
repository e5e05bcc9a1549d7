"""The generic permission case (anonymous / other school / wrong role / permitted) for every estate view."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.factories import ApprovedDPIAFactory, CameraFactory, SignFactory, VehicleFactory
from tests.permission_case import ViewCase, run_view_case
from watchkeeper.audit.models import AuditEvent
from watchkeeper.estate.models import Camera, CameraStatus, Vehicle
from watchkeeper.people.models import Role

pytestmark = pytest.mark.django_db


def camera_data(ctx: dict[str, Any], **changes: Any) -> dict[str, Any]:
    data = {
        "school": ctx["school"].pk,
        "name": "Gate camera",
        "location_description": "Main gate, facing the street door",
        "location_type": "entrance",
        "purposes": ["4.1.1", "4.1.3"],
        "visibly_sited": "on",
        "main_stream_url": "rtsp://127.0.0.1:8554/gate",
        "sub_stream_url": "",
        "retention_days": "30",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def make_camera(ctx: dict[str, Any]) -> None:
    ctx["camera"] = CameraFactory(school=ctx["school"], name="Gate camera")
    ctx["hidden"] = CameraFactory(school=ctx["other_school"], name="Hidden camera")


def make_activatable_camera(ctx: dict[str, Any]) -> None:
    make_camera(ctx)
    ApprovedDPIAFactory(school=ctx["school"], cameras=[ctx["camera"]])
    SignFactory(school=ctx["school"])


def make_vehicles(ctx: dict[str, Any]) -> None:
    VehicleFactory(school=ctx["school"], registration="OURS 1")
    VehicleFactory(school=ctx["other_school"], registration="THEIRS 1")


def camera_url(name: str) -> Any:
    return lambda ctx: reverse(name, args=[ctx["camera"].pk])


def school_url(name: str) -> Any:
    return lambda ctx: f"{reverse(name)}?school={ctx['school'].pk}"


def lists_own_camera_only(ctx: dict[str, Any], response: Any) -> None:
    assert b"Gate camera" in response.content
    assert b"Hidden camera" not in response.content


def lists_every_camera(ctx: dict[str, Any], response: Any) -> None:
    assert b"Gate camera" in response.content
    assert b"Hidden camera" in response.content


def registered(ctx: dict[str, Any], response: Any) -> None:
    camera = Camera.objects.get(school=ctx["school"], name="Gate camera")
    assert response["Location"] == reverse("estate:camera_detail", args=[camera.pk])
    assert camera.status == CameraStatus.PROPOSED
    assert AuditEvent.objects.filter(action="estate.camera_registered", object_id=str(camera.pk)).exists()


def updated(ctx: dict[str, Any], response: Any) -> None:
    camera = Camera.objects.get(pk=ctx["camera"].pk)
    assert camera.name == "Front gate camera"
    assert AuditEvent.objects.filter(action="estate.camera_updated", object_id=str(camera.pk)).exists()


def activated(ctx: dict[str, Any], response: Any) -> None:
    camera = Camera.objects.get(pk=ctx["camera"].pk)
    assert camera.status == CameraStatus.ACTIVE
    event = AuditEvent.objects.get(action="estate.camera_status_changed", object_id=str(camera.pk))
    assert event.reason == "Installed and checked"
    assert event.actor == ctx["user"]


def vehicle_registered(ctx: dict[str, Any], response: Any) -> None:
    vehicle = Vehicle.objects.get(registration="AB12 CDE")
    assert vehicle.school == ctx["school"]
    assert AuditEvent.objects.filter(action="estate.vehicle_registered", object_id=str(vehicle.pk)).exists()


def lists_own_vehicles_only(ctx: dict[str, Any], response: Any) -> None:
    assert b"OURS 1" in response.content
    assert b"THEIRS 1" not in response.content


CASES = [
    ViewCase(
        "camera_list",
        school_url("estate:camera_list"),
        Role.LIVE_VIEWER,
        None,
        setup=make_camera,
        check=lists_own_camera_only,
    ),
    ViewCase(
        "camera_list_dpo",
        lambda ctx: reverse("estate:camera_list"),
        Role.DPO,
        None,
        trust_wide=True,
        setup=make_camera,
        check=lists_every_camera,
    ),
    ViewCase(
        "camera_detail",
        camera_url("estate:camera_detail"),
        Role.FOOTAGE_REVIEWER,
        None,
        setup=make_camera,
        check=lambda ctx, r: assert_contains(r, "Gate camera"),
    ),
    ViewCase(
        "camera_register_get",
        school_url("estate:camera_register"),
        Role.CCTV_ADMIN,
        Role.LIVE_VIEWER,
        check=lambda ctx, r: assert_contains(r, "Register camera"),
    ),
    ViewCase(
        "camera_register_post",
        lambda ctx: reverse("estate:camera_register"),
        Role.CCTV_ADMIN,
        Role.LIVE_VIEWER,
        method="post",
        data=camera_data,
        ok=(302,),
        check=registered,
    ),
    ViewCase(
        "camera_edit_get",
        camera_url("estate:camera_edit"),
        Role.DESIGNATED_PERSON,
        Role.SAR_HANDLER,
        setup=make_camera,
        check=lambda ctx, r: assert_contains(r, "Save changes"),
    ),
    ViewCase(
        "camera_edit_post",
        camera_url("estate:camera_edit"),
        Role.HEADTEACHER,
        Role.FOOTAGE_REVIEWER,
        method="post",
        data=lambda ctx: camera_data(ctx, name="Front gate camera", school=None),
        ok=(302,),
        setup=make_camera,
        check=updated,
    ),
    ViewCase(
        "camera_status_post",
        camera_url("estate:camera_status"),
        Role.CCTV_ADMIN,
        Role.LIVE_VIEWER,
        method="post",
        data=lambda ctx: {"status": "active", "reason": "Installed and checked"},
        ok=(302,),
        setup=make_activatable_camera,
        check=activated,
    ),
    ViewCase(
        "vehicle_list",
        school_url("estate:vehicle_list"),
        Role.FOOTAGE_REVIEWER,
        None,
        setup=make_vehicles,
        check=lists_own_vehicles_only,
    ),
    ViewCase(
        "vehicle_register_get",
        school_url("estate:vehicle_register"),
        Role.HEADTEACHER,
        Role.SAR_HANDLER,
        check=lambda ctx, r: assert_contains(r, "Register minibus"),
    ),
    ViewCase(
        "vehicle_register_post",
        lambda ctx: reverse("estate:vehicle_register"),
        Role.HEADTEACHER,
        Role.SAR_HANDLER,
        method="post",
        ok=(302,),
        check=vehicle_registered,
        data=lambda ctx: {"school": ctx["school"].pk, "registration": "ab12 cde", "description": "Blue"},
    ),
]


def assert_contains(response: Any, text: str) -> None:
    assert text in response.content.decode(), f"{text!r} not on the page"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_permissions(case: ViewCase, school, other_school) -> None:
    run_view_case(case, {"school": school, "other_school": other_school})
