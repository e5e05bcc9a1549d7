"""A viewing reason (9.4) outside a camera's purposes (4.1) needs a recorded reason (issue 13 §1): refused
without one, recorded and shown to the decider with one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.factories import CameraFactory, person, recorded
from tests.refusals import shows_refusal
from tests.viewing.conftest import RECORDED
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.estate.models import Camera
from watchkeeper.people.models import Role
from watchkeeper.viewing.models import ViewingAuthorisation
from watchkeeper.viewing.rules import cameras_outside_purposes
from watchkeeper.viewing.services import request_authorisation

START, END = RECORDED, RECORDED + timedelta(minutes=10)
OUTSIDE = "4.1: this kind of reason is not among the purposes of Playground (4.1.1)"


@pytest.mark.clause("4.1", "9.4", "R1")
@pytest.mark.parametrize(
    ("category", "purposes", "outside"),
    [
        ("criminal_activity", ["4.1.1"], True),
        ("criminal_activity", ["4.1.1", "4.1.4"], False),
        ("criminal_activity", ["4.1.2"], False),
        ("safeguarding", ["4.1.4"], True),
        ("safeguarding", ["4.1.1"], False),
        ("misconduct", ["4.1.2", "4.1.3"], True),
        ("risk_to_others", ["4.1.1"], False),
        ("subject_access", ["4.1.4"], False),  # a right of the data subject, not a use of the footage
        ("disclosure", ["4.1.2"], False),  # checked by the disclosures app against the request (11.2)
    ],
)
def test_which_kinds_of_reason_fall_outside_a_cameras_purposes(category, purposes, outside):
    camera = Camera(name="Cam", purposes=purposes)
    assert cameras_outside_purposes([camera], category) == ([camera] if outside else [])


@pytest.fixture
def playground(school):
    return recorded(CameraFactory(school=school, name="Playground", purposes=["4.1.1"]), START)


@pytest.mark.django_db
@pytest.mark.clause("4.1", "9.4", "R1")
def test_a_reason_outside_the_cameras_purposes_needs_a_recorded_reason(school, playground):
    reviewer = person(Role.FOOTAGE_REVIEWER, school)
    gate = recorded(CameraFactory(school=school, name="Gate", purposes=["4.1.4"]), START)
    asked = (reviewer, [gate, playground], START, END, "criminal_activity", "Bike stolen")
    with pytest.raises(PolicyRefusal) as refusal:
        request_authorisation(*asked, now=timezone.now())
    assert refusal.value.problems == [
        f"{OUTSIDE} — say why viewing it is still in line with the camera's purposes, or leave the camera out"
    ]
    assert not ViewingAuthorisation.objects.exists()

    why = "The thief crossed the playground: pupils' safety while on site"
    auth = request_authorisation(*asked, now=timezone.now(), purpose_reason=why)
    assert auth.purpose_reason == why
    event = AuditEvent.objects.get(action="viewing.requested")
    assert event.details["outside_purposes"] == [playground.pk]
    assert event.details["purpose_reason"] == why

    # Within its purposes, no such reason is asked for, and the audit details stay as they were.
    inside = request_authorisation(reviewer, [gate], START, END, "criminal_activity", "x", now=timezone.now())
    assert inside.purpose_reason == ""
    assert (
        "outside_purposes" not in AuditEvent.objects.filter(action="viewing.requested").latest("pk").details
    )


@pytest.mark.django_db
@pytest.mark.clause("4.1", "9.4")
def test_the_request_page_asks_for_the_reason_and_the_decider_reads_it(school, playground):
    client = sign_in(Client(), person(Role.FOOTAGE_REVIEWER, school))
    local = timezone.localtime
    data = {
        "cameras": [playground.pk],
        "start": local(START).strftime("%Y-%m-%dT%H:%M:%S"),
        "end": local(END).strftime("%Y-%m-%dT%H:%M:%S"),
        "reason_category": "criminal_activity",
        "reason": "Bike stolen from the rack",
    }
    url = reverse("viewing:authorisation_request")
    page = client.get(url).content.decode()
    assert "Playground — Northfield Primary (purposes 4.1.1)" in page
    response = client.post(url, data)
    assert response.status_code == 400 and shows_refusal(response, OUTSIDE)

    data["purpose_reason"] = "Taken from beside the infants' play area"
    assert client.post(url, data).status_code == 302
    auth = ViewingAuthorisation.objects.get()
    head = sign_in(Client(), person(Role.HEADTEACHER, school))
    page = head.get(reverse("viewing:authorisation_detail", args=[auth.pk])).content.decode()
    assert 'id="purpose-reason"' in page and "beside the infants" in page
