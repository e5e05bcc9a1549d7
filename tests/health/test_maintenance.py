"""The maintenance page (12.1): every view through the generic permission case; manual checks and their
refusals; the reference view; open alerts on the dashboard."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from tests.factories import CameraFactory, person
from tests.health.conftest import MOVING, clip, segment
from tests.permission_case import ViewCase, run_view_case
from tests.refusals import shows_refusal
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.health.models import (
    Alert,
    AlertKind,
    CheckResult,
    CheckType,
    EntryKind,
    MaintenanceEntry,
    ReferenceFeatures,
)
from watchkeeper.health.services import record_check, set_reference_view
from watchkeeper.people.models import Role

pytestmark = pytest.mark.django_db
HEAD, CCTV, LIVE, DPO = Role.HEADTEACHER, Role.CCTV_ADMIN, Role.LIVE_VIEWER, Role.DPO


def school_url(name: str) -> Any:
    return lambda ctx: f"{reverse(f'health:{name}')}?school={ctx['school'].pk}"


def cameras(ctx: dict[str, Any]) -> None:
    ctx["camera"] = CameraFactory(school=ctx["school"], name="Gate camera")
    ctx["hidden"] = CameraFactory(school=ctx["other_school"], name="Hidden camera")
    MaintenanceEntry.objects.create(
        school=ctx["school"],
        camera=ctx["camera"],
        kind=EntryKind.MANUAL,
        check_type=CheckType.HOUSING,
        result=CheckResult.OK,
        notes="Lens wiped",
        at=timezone.now(),
    )
    MaintenanceEntry.objects.create(
        school=ctx["other_school"],
        camera=ctx["hidden"],
        kind=EntryKind.MANUAL,
        check_type=CheckType.CLOCK,
        result=CheckResult.FAULT,
        notes="Their clock is wrong",
        at=timezone.now(),
    )


def recorded_camera(ctx: dict[str, Any]) -> None:
    cameras(ctx)
    segment(ctx["camera"], timezone.now(), clip(MOVING))


def shows(*texts: str, hidden: tuple[str, ...] = ()) -> Any:
    def check(ctx: dict[str, Any], response: Any) -> None:
        page = response.content.decode()
        for text in texts:
            assert text in page, text
        for text in hidden:
            assert text not in page, text

    return check


def check_logged(ctx: dict[str, Any], response: Any) -> None:
    entry = MaintenanceEntry.objects.get(notes="Picture clear at night")
    assert response["Location"] == f"{reverse('health:maintenance')}?school={ctx['school'].pk}"
    assert (entry.camera, entry.kind, entry.check_type, entry.result, entry.by) == (
        ctx["camera"],
        EntryKind.MANUAL,
        CheckType.PICTURE_QUALITY,
        CheckResult.OK,
        ctx["user"],
    )
    assert AuditEvent.objects.filter(action="health.check_recorded", object_id=str(entry.pk)).count() == 1


def reference_taken(ctx: dict[str, Any], response: Any) -> None:
    reference = ReferenceFeatures.objects.get(camera=ctx["camera"])
    assert (reference.width, reference.height, len(bytes(reference.thumbnail))) == (32, 18, 576)
    assert reference.set_by == ctx["user"] and reference.sharpness > 25
    assert ReferenceFeatures.objects.count() == 1  # the refused attempts stored nothing
    assert (
        AuditEvent.objects.filter(action="health.reference_set", object_id=str(ctx["camera"].pk)).count() == 1
    )


CASES = [
    ViewCase(
        "maintenance",
        school_url("maintenance"),
        HEAD,
        LIVE,
        setup=cameras,
        check=shows("Gate camera", "Lens wiped", hidden=("Hidden camera", "Their clock is wrong")),
    ),
    ViewCase("maintenance-cctv-admin", school_url("maintenance"), CCTV, DPO, setup=cameras),
    ViewCase(
        "check-record-get", school_url("check_record"), HEAD, LIVE, setup=cameras, check=shows("Gate camera")
    ),
    ViewCase(
        "check-record-post",
        lambda ctx: reverse("health:check_record"),
        HEAD,
        LIVE,
        method="post",
        ok=(302,),
        setup=cameras,
        data=lambda ctx: {
            "school": ctx["school"].pk,
            "camera": ctx["camera"].pk,
            "check_type": CheckType.PICTURE_QUALITY,
            "result": CheckResult.OK,
            "notes": "Picture clear at night",
            "at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
        check=check_logged,
    ),
    ViewCase(
        "reference-set",
        lambda ctx: reverse("health:reference_set", args=[ctx["camera"].pk]),
        CCTV,
        LIVE,
        method="post",
        ok=(302,),
        setup=recorded_camera,
        check=reference_taken,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_permission_case(case: ViewCase, school, other_school) -> None:
    run_view_case(case, {"school": school, "other_school": other_school})


def test_a_fault_needs_notes_and_the_form_keeps_what_was_typed(signed_in, school):
    camera = CameraFactory(school=school, name="Gate camera")
    client = signed_in(person(HEAD, school))
    response = client.post(
        reverse("health:check_record"),
        {
            "school": school.pk,
            "camera": camera.pk,
            "check_type": CheckType.CLOCK,
            "result": CheckResult.FAULT,
            "notes": "",
            "at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 400
    assert shows_refusal(response, "12.1: describe the fault found")
    assert 'value="clock" selected' in response.content.decode()
    assert not MaintenanceEntry.objects.exists()


@pytest.mark.clause("12.1", "R27")
def test_record_check_refusals(school, other_school):
    head = person(HEAD, school)
    theirs = CameraFactory(school=other_school)
    now = timezone.now()
    with pytest.raises(PolicyRefusal) as refused:
        record_check(
            head, school, theirs, CheckType.BLACK, CheckResult.OK, "", now + timedelta(hours=1), now=now
        )
    assert refused.value.problems == [
        "12.1: the camera belongs to another school",
        "12.1: “black” is not a manual check",
        "12.1: a check cannot be recorded as done in the future",
    ]
    with pytest.raises(PermissionDenied):
        record_check(head, other_school, None, CheckType.SIGNAGE, CheckResult.OK, "", now, now=now)
    with pytest.raises(PermissionDenied):
        record_check(person(DPO, None), school, None, CheckType.SIGNAGE, CheckResult.OK, "", now, now=now)
    entry = record_check(
        head, school, None, CheckType.SIGNAGE, CheckResult.OK, " Both signs fine ", now, now=now
    )
    assert (entry.camera, entry.notes, entry.by) == (None, "Both signs fine", head)


@pytest.mark.clause("12.1")
def test_a_reference_view_needs_a_recording(school):
    camera = CameraFactory(school=school)
    with pytest.raises(PolicyRefusal, match="12.1: nothing has been recorded from this camera"):
        set_reference_view(person(CCTV, school), camera, timezone.now())
    assert not ReferenceFeatures.objects.exists()


def test_a_refused_reference_view_is_shown_on_the_refused_page(signed_in, school):
    camera = CameraFactory(school=school, name="Gate camera")
    response = signed_in(person(CCTV, school)).post(reverse("health:reference_set", args=[camera.pk]))
    assert response.status_code == 400
    assert shows_refusal(response, "12.1: nothing has been recorded from this camera")


def test_open_alerts_are_on_the_dashboard_of_the_schools_people_only(client, signed_in, school, other_school):
    camera = CameraFactory(school=school, name="Gate camera")
    theirs = CameraFactory(school=other_school, name="Hidden camera")
    now = timezone.now()
    Alert.objects.create(
        camera=camera, kind=AlertKind.BLACK, opened_at=now, detail="12.1: the picture is black"
    )
    Alert.objects.create(camera=theirs, kind=AlertKind.FROZEN, opened_at=now, detail="12.1: frozen")
    Alert.objects.create(
        camera=camera, kind=AlertKind.BLURRED, opened_at=now, closed_at=now, detail="old one"
    )
    for role in (HEAD, CCTV):
        page = signed_in(person(role, school)).get("/").content.decode()
        assert "Open camera alerts" in page and "Gate camera" in page and "12.1: the picture is black" in page
        assert "Hidden camera" not in page and "old one" not in page
    page = signed_in(person(LIVE, school)).get("/").content.decode()
    assert "Open camera alerts" not in page
