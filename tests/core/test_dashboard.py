import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import ApprovedDPIAFactory, CameraFactory, DPIAFactory, SignFactory, person
from watchkeeper.compliance.services import compliance_summary
from watchkeeper.estate.models import Camera, CameraStatus, School
from watchkeeper.people.models import Role

pytestmark = pytest.mark.django_db


def test_summary_counts_each_schools_registers(school, other_school):
    today = timezone.localdate()
    active = CameraFactory(school=school, status=CameraStatus.ACTIVE)
    CameraFactory(school=school)
    ApprovedDPIAFactory(school=school, cameras=[active])
    ApprovedDPIAFactory(school=school, cameras=[active], next_review_on=today - dt.timedelta(days=1))
    DPIAFactory(school=school)
    SignFactory(school=school)
    SignFactory(school=school, last_checked_on=today - dt.timedelta(days=400))
    rows = {r.school: r for r in compliance_summary(School.objects.all(), Camera.objects.all(), today)}
    mine, theirs = rows[school], rows[other_school]
    assert mine.cameras_by_status == {"active": 1, "proposed": 1}
    assert (mine.dpias_approved, mine.dpias_overdue, mine.dpias_draft) == (1, 1, 1)
    assert (mine.signs_checked, mine.signs_unchecked) == (1, 1)
    assert mine.exceptions == 1 and not mine.ok  # the active camera: 18.1 review overdue
    assert theirs.ok and theirs.cameras_by_status == {}


def test_dashboard_shows_a_headteacher_only_their_school(client, school, other_school, signed_in):
    signed_in(person(Role.HEADTEACHER, school))
    page = client.get("/").content.decode()
    assert school.name in page and other_school.name not in page


def test_dpo_dashboard_lists_every_school(client, school, other_school, signed_in):
    signed_in(person(Role.DPO, None))
    page = client.get("/").content.decode()
    assert "Compliance at a glance" in page
    assert school.name in page and other_school.name in page


def test_role_without_registers_sees_its_schools_only_as_cards(client, school, other_school, signed_in):
    signed_in(person(Role.SAR_HANDLER, school))
    page = client.get("/").content.decode()
    assert "Compliance at a glance" not in page
    assert school.name in page and other_school.name not in page


def test_dashboard_sends_anonymous_people_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
