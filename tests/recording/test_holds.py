"""Holds (9.6): placed and released only by the school's CCTV administrator; every change audited."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.factories import CameraFactory, person
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.actors import SYSTEM
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.people.models import Role
from watchkeeper.recording.models import Hold, HoldPurpose
from watchkeeper.recording.services import place_hold, release_hold, review_hold

pytestmark = pytest.mark.django_db


def hold_args(camera, **changes):
    now = timezone.now()
    args = {
        "school": camera.school,
        "cameras": [camera],
        "start": now - timedelta(days=3),
        "end": now - timedelta(days=2),
        "reason": "Incident 42: damage to the bike shed",
        "review_on": timezone.localdate() + timedelta(days=30),
        "today": timezone.localdate(),
    }
    return {**args, **changes}


@pytest.mark.clause("9.6", "R12")
def test_the_cctv_administrator_places_and_releases_a_hold(school) -> None:
    camera = CameraFactory(school=school)
    admin = person(Role.CCTV_ADMIN, school)
    hold = place_hold(admin, **hold_args(camera))
    assert list(hold.cameras.all()) == [camera] and hold.owner == admin
    placed = AuditEvent.objects.get(action="recording.hold_placed")
    assert placed.school == school and placed.details["cameras"] == [camera.pk]
    assert placed.actor == admin and placed.reason == "Incident 42: damage to the bike shed"
    release_hold(admin, hold, "Insurance claim settled", now=timezone.now())
    hold.refresh_from_db()
    assert hold.released_at is not None and hold.released_by == admin
    assert AuditEvent.objects.get(action="recording.hold_released").reason == "Insurance claim settled"
    with pytest.raises(PolicyRefusal, match="already been released"):
        release_hold(admin, hold, "again", now=timezone.now())


@pytest.mark.parametrize("role", [Role.HEADTEACHER, Role.FOOTAGE_REVIEWER, Role.DPO])
@pytest.mark.clause("9.6", "R12")
def test_other_roles_may_not_place_holds(school, role: str) -> None:
    camera = CameraFactory(school=school)
    actor = person(role, None if role == Role.DPO else school)
    with pytest.raises(PermissionDenied, match="9.6"):
        place_hold(actor, **hold_args(camera))
    assert (
        not Hold.objects.exists() and not AuditEvent.objects.filter(action="recording.hold_placed").exists()
    )


def test_another_schools_administrator_may_not_place_or_release(school, other_school) -> None:
    camera = CameraFactory(school=school)
    hold = place_hold(person(Role.CCTV_ADMIN, school), **hold_args(camera))
    outsider = person(Role.CCTV_ADMIN, other_school)
    with pytest.raises(PermissionDenied):
        place_hold(outsider, **hold_args(camera))
    with pytest.raises(PermissionDenied):
        release_hold(outsider, hold, "not mine", now=timezone.now())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("foreign camera", "9.6: a hold covers cameras of its own school only"),
        ("no cameras", "9.6: a hold names at least one camera"),
        ("backwards", "9.6: the hold's end must be after its start"),
        ("no reason", "9.6: give the reason the footage must be kept"),
        ("review today", "13.1: a hold needs a review date in the future"),
    ],
)
@pytest.mark.clause("9.6", "13.1")
def test_a_hold_must_make_sense(school, other_school, change: str, message: str) -> None:
    camera = CameraFactory(school=school)
    args = hold_args(camera)
    if change == "foreign camera":
        args["cameras"] = [camera, CameraFactory(school=other_school)]
    elif change == "no cameras":
        args["cameras"] = []
    elif change == "backwards":
        args["end"] = args["start"]
    elif change == "no reason":
        args["reason"] = "  "
    else:
        args["review_on"] = timezone.localdate()
    with pytest.raises(PolicyRefusal) as refusal:
        place_hold(person(Role.CCTV_ADMIN, school), **args)
    assert any(p.startswith(message) for p in refusal.value.problems)
    assert not Hold.objects.exists()


def test_a_revoked_administrator_may_not_place_holds(school) -> None:
    camera = CameraFactory(school=school)
    admin = person(Role.CCTV_ADMIN, school)
    admin.role_grants.update(revoked_at=timezone.now())
    with pytest.raises(PermissionDenied):
        place_hold(admin, **hold_args(camera))


@pytest.mark.clause("10", "11")
def test_a_request_hold_is_released_with_its_request_not_from_the_holds_page(school) -> None:
    """A subject-access or disclosure hold belongs to its open request (10, 11): the CCTV administrator
    cannot release it under the request's feet; the system releases it when the request closes."""
    camera = CameraFactory(school=school)
    hold = place_hold(SYSTEM, **hold_args(camera), purpose=HoldPurpose.SUBJECT_ACCESS)
    with pytest.raises(PolicyRefusal, match="open request"):
        release_hold(person(Role.CCTV_ADMIN, school), hold, "Not needed", now=timezone.now())
    assert release_hold(SYSTEM, hold, "SAR-1 closed", now=timezone.now()).released_at is not None


@pytest.mark.clause("9.6", "13.1")
def test_a_hold_is_judged_on_the_callers_day_and_released_at_the_callers_moment(school) -> None:
    """Issue 12 §4: the services read no clock. A review date that is past by the wall clock is in the
    future on the day the caller names, and the release is stamped with the caller's moment."""
    camera = CameraFactory(school=school)
    admin = person(Role.CCTV_ADMIN, school)
    day = date(2026, 3, 2)
    hold = place_hold(admin, **hold_args(camera, review_on=day + timedelta(days=1), today=day))
    review_hold(admin, hold, "Still needed for the appeal", day + timedelta(days=2), today=day)
    with pytest.raises(PolicyRefusal, match="13.1"):
        review_hold(admin, hold, "Still needed", day, today=day)
    moment = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert release_hold(admin, hold, "Appeal decided", now=moment).released_at == moment
