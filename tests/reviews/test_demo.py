"""Issue 18 §2 done: the demo holds CCTV policy version 4 with acknowledgements and a maintenance schedule
with one overdue check; running the demo twice adds nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from watchkeeper.estate.models import School
from watchkeeper.health import schedule
from watchkeeper.health.models import MaintenanceSchedule
from watchkeeper.reviews import demo
from watchkeeper.reviews.models import Acknowledgement, PolicyVersion

pytestmark = pytest.mark.django_db


def test_demo_holds_a_policy_version_with_acknowledgements_and_one_overdue_check():
    call_command("demo")
    version = PolicyVersion.objects.get()
    assert version.version == "4" and version.approved_by.username == "board"
    acknowledged = set(Acknowledgement.objects.values_list("user__username", flat=True))
    assert {"reviewer-oak", "admin-river", "head-oak"} <= acknowledged and "board" not in acknowledged
    today = timezone.localdate()
    overdue = [c for c in schedule.due_checks(MaintenanceSchedule.objects.all()) if c.overdue(today)]
    assert len(overdue) == 1 and overdue[0].schedule.camera.name == "Main gate"
    call_command("demo")
    demo.seed_demo(School.objects.get(name="Oakfield Primary School"), timezone.now())
    assert PolicyVersion.objects.count() == 1 and MaintenanceSchedule.objects.count() == 2
