"""The kernel's helpers for services: the actor check, the lock-and-transition step, the audit event about
an object, the CSV writer and a command's `--now`."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from tests.factories import CameraFactory, person
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.actors import SYSTEM, is_person, person_or_none, require_person
from watchkeeper.core.auditing import audit_about
from watchkeeper.core.commands import now_option
from watchkeeper.core.csvfiles import csv_lines
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.transitions import lock_and_check, lock_in_state
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


def test_a_change_is_checked_against_the_locked_row(school) -> None:
    camera = CameraFactory(school=school, status=CameraStatus.PROPOSED)
    Camera.objects.filter(pk=camera.pk).update(status=CameraStatus.ACTIVE)  # someone else got there first

    def problems(locked: Camera) -> list[str]:
        return ["7.1: already active"] if locked.status == CameraStatus.ACTIVE else []

    with pytest.raises(PolicyRefusal, match="7.1: already active"), transaction.atomic():
        lock_and_check(camera, problems)
    assert camera.status == CameraStatus.ACTIVE  # reloaded in place from the locked row


def test_an_event_about_an_object_is_filed_under_its_school(school) -> None:
    camera = CameraFactory(school=school)
    staff = person(Role.HEADTEACHER, school)
    audit_about("estate.test_event", staff, camera, reason="why", answer=42)
    event = AuditEvent.objects.get(action="estate.test_event")
    assert (event.school_id, event.object_id, event.reason) == (school.pk, str(camera.pk), "why")
    assert event.details == {"answer": 42}


def test_csv_lines_quote_cells_a_spreadsheet_would_run() -> None:
    lines = list(csv_lines(["name", "n"], [["=HYPERLINK(1)", 3], ["plain", -1]]))
    assert lines == ["name,n\r\n", "'=HYPERLINK(1),3\r\n", "plain,-1\r\n"]


def test_a_commands_now_is_the_clock_or_an_iso_time() -> None:
    assert now_option("2026-03-02T08:30:00+00:00") == datetime.fromisoformat("2026-03-02T08:30:00+00:00")
    assert timezone.is_aware(now_option("2026-03-02T08:30"))
    assert abs((now_option(None) - timezone.now()).total_seconds()) < 5
    with pytest.raises(CommandError, match="not an ISO date-time"):
        now_option("yesterday")
