"""The demo trust's cameras have their lawful footing (issue 13 §1): public task, and each school's
Headteacher named as the person responsible for its cameras."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from watchkeeper.audit.models import AuditEvent
from watchkeeper.estate.models import Camera, LawfulBasis, School
from watchkeeper.people.models import Role, RoleGrant

pytestmark = pytest.mark.django_db


@pytest.mark.clause("R1", "R6")
def test_demo_cameras_rest_on_public_task_with_a_named_responsible_person(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo")
    cameras = Camera.objects.select_related("school__responsible_person")
    assert cameras.exists()
    assert {camera.lawful_basis for camera in cameras} == {LawfulBasis.PUBLIC_TASK}
    for school in School.objects.all():
        head = RoleGrant.objects.current().get(school=school, role=Role.HEADTEACHER).user
        assert school.responsible_person == head
    assert all(camera.responsible() is not None for camera in cameras)
    assert AuditEvent.objects.filter(action="estate.school_responsible_set").count() == 2
