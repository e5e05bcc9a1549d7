"""11.2 (issue 13 §1): a police request is checked against the purposes of the cameras it asks for, not
only the trust's list (4.1): logging it, and the Headteacher's confirmed purpose at the decision."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.disclosures.cases import HEAD, code, police_request, recorded_camera, reviewed
from tests.factories import person
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.disclosures import services
from watchkeeper.disclosures.models import DisclosureRequest, RequestStatus
from watchkeeper.estate.models import Camera

pytestmark = pytest.mark.django_db
NOT_FOR_CRIME = "11.2: 4.1.4 is not among the purposes of Playground (purposes 4.1.1)"


@pytest.mark.clause("4.1", "11.2", "R24")
def test_the_purpose_must_be_one_of_each_cameras_purposes_pure() -> None:
    gate = Camera(name="Gate", purposes=["4.1.1", "4.1.4"])
    yard = Camera(name="Playground", purposes=["4.1.1"])
    assert services.camera_purpose_problems([gate], "4.1.4") == []
    (problem,) = services.camera_purpose_problems([gate, yard], "4.1.4")
    assert problem.startswith(NOT_FOR_CRIME) and "leave that camera out, or refuse" in problem
    assert services.camera_purpose_problems([gate, yard], "4.1.1") == []
    assert services.camera_purpose_problems([yard], "9.9") == []  # police_problems names a bad purpose


@pytest.mark.clause("4.1", "11.2", "R24")
def test_a_police_request_for_a_camera_not_there_for_its_purpose_is_refused(school) -> None:
    yard = recorded_camera(school, name="Playground", purposes=["4.1.1"])
    with pytest.raises(PolicyRefusal) as refusal:
        police_request(school, camera=yard)
    assert any(p.startswith(NOT_FOR_CRIME) for p in refusal.value.problems), refusal.value.problems
    assert not DisclosureRequest.objects.exists()
    # For a purpose the camera is there for, it is logged.
    assert police_request(school, camera=yard, purpose="4.1.1").status == RequestStatus.PENDING


@pytest.mark.clause("4.1", "11.2", "R24")
def test_the_confirmed_purpose_must_be_one_of_each_cameras_purposes(school) -> None:
    gate = recorded_camera(school, name="Playground", purposes=["4.1.1", "4.1.4"])
    req = reviewed(police_request(school, camera=gate))
    gate.purposes = ["4.1.1"]  # the camera's purposes narrowed after the request was logged
    gate.save()
    head = person(HEAD, school)
    with pytest.raises(PolicyRefusal) as refusal:
        services.decide(
            head,
            req,
            approve=True,
            code=code(head),
            reason="Theft",
            confirmed_purpose="4.1.4",
            now=timezone.now(),
        )
    assert any(p.startswith(NOT_FOR_CRIME) for p in refusal.value.problems), refusal.value.problems
    req.refresh_from_db()
    assert req.status == RequestStatus.PENDING
