"""The kernel's helpers for services: the actor check and the lock-and-transition step."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction

from tests.factories import CameraFactory, person
from watchkeeper.core.actors import SYSTEM, is_person, person_or_none, require_person
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.transitions import lock_in_state
from watchkeeper.estate.models import Camera, CameraStatus
from watchkeeper.people.models import Role

pytestmark = pytest.mark.django_db


def test_only_a_signed_in_active_person_is_a_person(school) -> None:
    staff = person(Role.HEADTEACHER, school)
    assert is_person(staff) and require_person(staff, "9.2: no") is staff and person_or_none(staff) is staff
    for nobody in (SYSTEM, AnonymousUser(), None):
        assert not is_person(nobody) and person_or_none(nobody) is None
        with pytest.raises(PermissionDenied, match="9.2: only a signed-in member of staff"):
            require_person(nobody, "9.2: only a signed-in member of staff may ask")
    staff.is_active = False
    assert not is_person(staff)


def test_a_transition_is_checked_against_the_locked_row_not_the_callers_copy(school) -> None:
    camera = CameraFactory(school=school, status=CameraStatus.PROPOSED)
    Camera.objects.filter(pk=camera.pk).update(status=CameraStatus.ACTIVE)  # someone else got there first
    assert camera.status == CameraStatus.PROPOSED  # the caller's stale copy
    with pytest.raises(PolicyRefusal, match="7.1: already decided"), transaction.atomic():
        lock_in_state(camera, {CameraStatus.PROPOSED}, "7.1: already decided")
    assert camera.status == CameraStatus.ACTIVE  # reloaded in place from the locked row
    with transaction.atomic():
        assert lock_in_state(camera, {CameraStatus.ACTIVE}, "7.1: no") is camera
