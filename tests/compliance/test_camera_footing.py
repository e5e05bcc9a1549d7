"""The camera page shows the camera's lawful footing together (issue 13 §1): beside its Art 6 basis, the
Art 9 / Art 10 conditions of the DPO's settings where its purposes serve safeguarding or crime uses, the
appropriate policy document's state, the school's privacy notice; and, on a decommissioned camera, the way to
its erasure before disposal (13.1) for the CCTV administrator."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import CameraFactory, person
from tests.recording.helpers import store
from watchkeeper.compliance.models import PrivacyNotice
from watchkeeper.compliance.trust import update_trust_settings
from watchkeeper.core.actors import SYSTEM
from watchkeeper.estate.models import CameraStatus, Purpose
from watchkeeper.people.models import Role

NOW = dt.datetime(2026, 12, 7, 10, tzinfo=dt.UTC)


def row(page: str, row_id: str) -> str:
    start = page.index(f'id="{row_id}"')
    return page[start : page.index("</td>", start)]


@pytest.mark.django_db
@pytest.mark.clause("4.1", "R1", "R5")
def test_the_camera_page_shows_the_conditions_the_policy_document_and_the_privacy_notice(signed_in, school):
    camera = CameraFactory(school=school, purposes=[Purpose.SAFETY.value])  # safeguarding, not crime
    client = signed_in(person(Role.HEADTEACHER, school))
    page = client.get(reverse("estate:camera_detail", args=[camera.pk])).content.decode()
    conditions = row(page, "camera-conditions")
    assert 'Special-category information (Art 9): <span class="badge bad">No condition chosen' in conditions
    assert "Art 10" not in conditions  # its purposes are not used for crime
    assert "No appropriate policy document is recorded" in conditions
    assert "No privacy notice recorded" in row(page, "camera-privacy-notice")
    assert reverse("compliance:school", args=[school.pk]) in row(page, "camera-privacy-notice")

    update_trust_settings(
        SYSTEM,
        school.trust,
        {
            "art9_condition": "sch1_para18",
            "art10_condition": "sch1_para10",
            "policy_link": "https://example.org/apd",
            "policy_approved_on": timezone.localdate() - dt.timedelta(days=30),
            "policy_review_by": timezone.localdate() + dt.timedelta(days=300),
        },
        now=NOW,
    )
    PrivacyNotice.objects.create(
        school=school, text="CCTV notice", published_where="Reception", reviewed_on=timezone.localdate()
    )
    camera.purposes = [Purpose.SAFETY.value, Purpose.CRIME.value]
    camera.save()
    page = client.get(reverse("estate:camera_detail", args=[camera.pk])).content.decode()
    conditions = row(page, "camera-conditions")
    assert "No condition chosen" not in conditions and "Criminal-offence information (Art 10)" in conditions
    assert '<span class="badge ok" id="camera-policy-document">In place: approved' in conditions
    assert "Published at Reception" in row(page, "camera-privacy-notice") and "In date" in page


@pytest.mark.django_db
@pytest.mark.clause("13.1")
def test_a_decommissioned_cameras_page_leads_the_cctv_administrator_to_its_erasure(
    signed_in, school, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    camera = CameraFactory(school=school, status=CameraStatus.DECOMMISSIONED)
    url = reverse("estate:camera_detail", args=[camera.pk])
    erasures = reverse("recording:erasure_list")
    page = signed_in(person(Role.CCTV_ADMIN, school)).get(url).content.decode()
    assert "No recordings of this camera are stored: there is nothing to erase" in page
    assert erasures not in page  # no page with nothing to do on it
    store(camera, timezone.now() - dt.timedelta(minutes=5))  # a real sealed segment still stored
    page = signed_in(person(Role.CCTV_ADMIN, school)).get(url).content.decode()
    assert "Erasure before disposal (13.1)" in page and f"{erasures}?school={school.pk}" in page
    assert erasures not in signed_in(person(Role.HEADTEACHER, school)).get(url).content.decode()
    active = CameraFactory(school=school, status=CameraStatus.ACTIVE)
    page = signed_in(person(Role.CCTV_ADMIN, school)).get(reverse("estate:camera_detail", args=[active.pk]))
    assert erasures not in page.content.decode()
