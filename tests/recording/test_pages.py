"""The recording pages: camera health and storage (12.1) and evidential holds (9.6, 13.1). Every view runs
through the generic permission case; holds are the CCTV administrator's alone, so a Headteacher of the
same school is the wrong role."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ApprovedDPIAFactory, CameraFactory, SignFactory, person
from tests.permission_case import ViewCase, run_view_case
from tests.recording.helpers import store
from tests.refusals import shows_refusal
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.actors import SYSTEM
from watchkeeper.estate.models import CameraStatus
from watchkeeper.health.models import Alert, AlertKind
from watchkeeper.people.models import Role
from watchkeeper.recording.models import CameraState, Gap, Hold, StreamState
from watchkeeper.recording.services import place_hold, release_hold

pytestmark = pytest.mark.django_db
HEAD, CCTV, LIVE, DPO = Role.HEADTEACHER, Role.CCTV_ADMIN, Role.LIVE_VIEWER, Role.DPO


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


def url(name: str, key: str | None = None) -> Any:
    return lambda ctx: reverse(f"recording:{name}", args=[ctx[key].pk] if key else [])


def school_url(name: str) -> Any:
    return lambda ctx: f"{reverse(f'recording:{name}')}?school={ctx['school'].pk}"


def review_date(days: int = 60) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def shows(*texts: str, hidden: tuple[str, ...] = ()) -> Any:
    def check(ctx: dict[str, Any], response: Any) -> None:
        page = response.content.decode()
        for text in texts:
            assert text in page, text
        for text in hidden:
            assert text not in page, text

    return check


def cameras(ctx: dict[str, Any]) -> None:
    """A recording camera with footage, a gap and an open alert; one the gates refuse; another school's."""
    now = timezone.now()
    school = ctx["school"]
    ctx["camera"] = camera = CameraFactory(school=school, name="Gate camera", status=CameraStatus.ACTIVE)
    ApprovedDPIAFactory(school=school, cameras=[camera])
    SignFactory(school=school)
    CameraState.objects.create(camera=camera, state=StreamState.RECORDING, since=now, updated_at=now)
    store(camera, now - timedelta(seconds=20), 10, b"x" * 3000)
    store(camera, now - timedelta(seconds=10), 10, b"y" * 3000)
    Gap.objects.create(
        camera=camera,
        start=now - timedelta(hours=1),
        end=now - timedelta(minutes=59),
        reason="stream dropped: connection reset",
    )
    Alert.objects.create(camera=camera, kind=AlertKind.BLURRED, opened_at=now, detail="12.1: blurred lens")
    CameraFactory(school=school, name="Hall camera", status=CameraStatus.ACTIVE)  # no DPIA covers it
    ctx["hidden"] = CameraFactory(
        school=ctx["other_school"], name="Hidden camera", status=CameraStatus.ACTIVE
    )


def holds(ctx: dict[str, Any]) -> None:
    ctx["camera"] = CameraFactory(school=ctx["school"], name="Gate camera")
    hidden = CameraFactory(school=ctx["other_school"], name="Hidden camera")
    start = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    ctx["hold"] = place_hold(
        SYSTEM,
        ctx["school"],
        [ctx["camera"]],
        start,
        start + timedelta(hours=1),
        "Incident 7: damage to the gate",
        timezone.localdate() + timedelta(days=30),
        today=timezone.localdate(),
    )
    released = place_hold(
        SYSTEM,
        ctx["school"],
        [ctx["camera"]],
        start,
        start + timedelta(minutes=5),
        "Incident 3: resolved",
        timezone.localdate() + timedelta(days=30),
        today=timezone.localdate(),
    )
    release_hold(SYSTEM, released, "Incident closed", now=timezone.now())
    place_hold(
        SYSTEM,
        ctx["other_school"],
        [hidden],
        start,
        start + timedelta(hours=1),
        "Their incident",
        timezone.localdate() + timedelta(days=30),
        today=timezone.localdate(),
    )


def hold_placed(ctx: dict[str, Any], response: Any) -> None:
    hold = Hold.objects.get(reason="Fight at the gate")
    assert response["Location"] == reverse("recording:hold_detail", args=[hold.pk])
    # Typed as UK summer time (BST, UTC+1); stored in UTC.
    assert (hold.start, hold.end) == (
        datetime(2026, 7, 1, 8, 0, tzinfo=UTC),
        datetime(2026, 7, 1, 9, 30, tzinfo=UTC),
    )
    assert list(hold.cameras.all()) == [ctx["camera"]] and hold.owner == ctx["user"]
    assert AuditEvent.objects.filter(action="recording.hold_placed", object_id=str(hold.pk)).count() == 1


def hold_reviewed(ctx: dict[str, Any], response: Any) -> None:
    hold = Hold.objects.get(pk=ctx["hold"].pk)
    assert hold.review_on.isoformat() == review_date(90)
    event = AuditEvent.objects.get(action="recording.hold_reviewed", object_id=str(hold.pk))
    assert (event.actor, event.reason) == (ctx["user"], "Police still investigating")


def hold_released(ctx: dict[str, Any], response: Any) -> None:
    hold = Hold.objects.get(pk=ctx["hold"].pk)
    assert hold.released_at is not None and hold.released_by == ctx["user"]
    assert AuditEvent.objects.filter(action="recording.hold_released", object_id=str(hold.pk)).count() == 1


CASES = [
    ViewCase(
        "health-list",
        school_url("health_list"),
        HEAD,
        LIVE,
        setup=cameras,
        check=shows(
            "Gate camera",
            "Recording",
            "stream dropped: connection reset",
            "Blurred picture",
            "12.1: blurred lens",
            "Hall camera",
            "Not allowed",
            "7.1: no approved DPIA covers Hall camera",
            "full in about",
            hidden=("Hidden camera",),
        ),
    ),
    ViewCase("health-list-cctv-admin", school_url("health_list"), CCTV, LIVE, setup=cameras),
    ViewCase(
        "health-list-dpo",
        url("health_list"),
        DPO,
        LIVE,
        trust_wide=True,
        setup=cameras,
        check=shows("Gate camera", "Hidden camera"),
    ),
    ViewCase(
        "hold-list",
        school_url("hold_list"),
        CCTV,
        HEAD,
        setup=holds,
        check=shows("Incident 7: damage to the gate", "Incident 3: resolved", hidden=("Their incident",)),
    ),
    ViewCase("hold-place-get", school_url("hold_place"), CCTV, HEAD, setup=holds, check=shows("Gate camera")),
    ViewCase(
        "hold-place-post",
        url("hold_place"),
        CCTV,
        HEAD,
        method="post",
        ok=(302,),
        setup=holds,
        data=lambda ctx: {
            "school": ctx["school"].pk,
            "cameras": [ctx["camera"].pk],
            "start": "2026-07-01T09:00",
            "end": "2026-07-01T10:30:00",
            "reason": "Fight at the gate",
            "review_on": review_date(),
        },
        check=hold_placed,
    ),
    ViewCase(
        "hold-detail",
        url("hold_detail", "hold"),
        CCTV,
        HEAD,
        setup=holds,
        check=shows("Incident 7: damage to the gate", "Placed", "Release hold"),
    ),
    ViewCase(
        "hold-review",
        url("hold_review", "hold"),
        CCTV,
        HEAD,
        method="post",
        ok=(302,),
        setup=holds,
        data=lambda ctx: {"note": "Police still investigating", "next_review_on": review_date(90)},
        check=hold_reviewed,
    ),
    ViewCase(
        "hold-release",
        url("hold_release", "hold"),
        CCTV,
        HEAD,
        method="post",
        ok=(302,),
        setup=holds,
        data=lambda ctx: {"reason": "Police have their copy"},
        check=hold_released,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_permission_case(case: ViewCase, school, other_school) -> None:
    run_view_case(case, {"school": school, "other_school": other_school})


@pytest.fixture
def as_cctv_admin(signed_in, school):
    return signed_in(person(CCTV, school))


def test_a_refused_hold_shows_the_clauses_and_keeps_what_was_typed(as_cctv_admin, school):
    camera = CameraFactory(school=school, name="Gate camera")
    response = as_cctv_admin.post(
        reverse("recording:hold_place"),
        {
            "school": school.pk,
            "cameras": [camera.pk],
            "start": "2026-07-01T10:00",
            "end": "2026-07-01T09:00",
            "reason": "Fight at the gate",
            "review_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400
    assert shows_refusal(response, "9.6: the hold's end must be after its start")
    assert shows_refusal(response, "13.1: a hold needs a review date in the future")
    assert "Fight at the gate" in response.content.decode()
    assert not Hold.objects.exists()


def test_a_time_the_clocks_skip_or_repeat_is_refused_not_guessed(as_cctv_admin, school):
    camera = CameraFactory(school=school)
    for moment in ("2026-10-25T01:30", "2026-03-29T01:30"):  # repeated in October, skipped in March
        response = as_cctv_admin.post(
            reverse("recording:hold_place"),
            {
                "school": school.pk,
                "cameras": [camera.pk],
                "start": moment,
                "end": "2026-11-01T09:00",
                "reason": "Incident",
                "review_on": review_date(),
            },
        )
        assert response.status_code == 400
        assert "couldn’t be interpreted in time zone Europe/London" in response.content.decode()
    assert not Hold.objects.exists()


def test_a_hold_of_another_schools_camera_is_refused(as_cctv_admin, school, other_school):
    theirs = CameraFactory(school=other_school)
    response = as_cctv_admin.post(
        reverse("recording:hold_place"),
        {
            "school": school.pk,
            "cameras": [theirs.pk],
            "start": "2026-07-01T09:00",
            "end": "2026-07-01T10:00",
            "reason": "Incident",
            "review_on": review_date(),
        },
    )
    assert response.status_code == 400 and not Hold.objects.exists()


@pytest.mark.clause("9.6", "13.1")
def test_a_review_without_a_note_is_refused_and_a_released_hold_cannot_be_reviewed(as_cctv_admin, school):
    camera = CameraFactory(school=school)
    start = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    hold = place_hold(
        SYSTEM,
        school,
        [camera],
        start,
        start + timedelta(hours=1),
        "Incident",
        timezone.localdate() + timedelta(days=30),
        today=timezone.localdate(),
    )
    review = reverse("recording:hold_review", args=[hold.pk])
    response = as_cctv_admin.post(review, {"note": " ", "next_review_on": timezone.localdate().isoformat()})
    assert response.status_code == 400
    release_hold(SYSTEM, hold, "Done", now=timezone.now())
    response = as_cctv_admin.post(review, {"note": "Still needed", "next_review_on": review_date()})
    assert response.status_code == 400
    assert shows_refusal(response, "9.6: this hold has been released")
    assert not AuditEvent.objects.filter(action="recording.hold_reviewed").exists()


def test_the_review_and_release_forms_show_only_on_a_current_hold(as_cctv_admin, school):
    camera = CameraFactory(school=school)
    start = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    hold = place_hold(
        SYSTEM,
        school,
        [camera],
        start,
        start + timedelta(hours=1),
        "Incident",
        timezone.localdate() + timedelta(days=30),
        today=timezone.localdate(),
    )
    detail = reverse("recording:hold_detail", args=[hold.pk])
    assert "Release hold" in as_cctv_admin.get(detail).content.decode()
    release_hold(SYSTEM, hold, "Police have their copy", now=timezone.now())
    page = as_cctv_admin.get(detail).content.decode()
    assert "Release hold" not in page and "Police have their copy" in page


def test_the_recording_link_is_in_the_navigation_of_those_who_may_see_it(client, signed_in, school):
    link = f'href="{reverse("recording:health_list")}"'
    assert link in signed_in(person(HEAD, school)).get("/").content.decode()
    assert link not in signed_in(person(LIVE, school)).get("/").content.decode()
