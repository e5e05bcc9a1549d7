"""A request whose review found nothing of what was sought is approved only as an explicit override, with
its reason, recorded and audited (issue 15 §2; 11.3, 10.2); and the cameras a request may name are those
that can have footage (a proposed camera never recorded)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.disclosures.cases import ADMIN, HEAD, code, foi_request, police_request, recorded_camera, reviewed
from tests.factories import CameraFactory, person
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.disclosures import services
from watchkeeper.disclosures.models import RequestStatus, ReviewOutcome
from watchkeeper.disclosures.services.decision import OVERRIDE_NEEDED
from watchkeeper.estate.models import CameraStatus

pytestmark = pytest.mark.django_db
WHY = "The CPS asked for the approach to the gate as well, to show who was not there"


def approve(head: Any, req: Any, **extra: Any) -> Any:
    return services.decide(
        head,
        req,
        approve=True,
        code=code(head),
        reason="Theft from the rack",
        confirmed_purpose=req.purpose,
        now=timezone.now(),
        **extra,
    )


@pytest.mark.clause("11.3", "10.2", "R24")
def test_a_review_that_found_nothing_is_approved_only_with_an_audited_override(school) -> None:
    req = reviewed(police_request(school), outcome=ReviewOutcome.NOT_SHOWN)
    head = person(HEAD, school)
    with pytest.raises(PolicyRefusal) as refused:
        approve(head, req, override="  ")
    assert refused.value.problems == [OVERRIDE_NEEDED]
    req.refresh_from_db()
    assert req.status == RequestStatus.PENDING and not AuditEvent.objects.filter(
        action="disclosures.request_approved"
    )
    approve(head, req, override=WHY)
    req.refresh_from_db()
    assert (req.status, req.review_override) == (RequestStatus.APPROVED, WHY)
    [overridden] = AuditEvent.objects.filter(action="disclosures.review_overridden")
    assert (overridden.actor, overridden.reason) == (head, WHY)
    assert overridden.details["review_outcome"] == ReviewOutcome.NOT_SHOWN
    [approved] = AuditEvent.objects.filter(action="disclosures.request_approved")
    assert approved.details["review_override"] == WHY and approved.seq > overridden.seq


@pytest.mark.clause("11.3", "10.2")
def test_no_override_is_asked_or_kept_where_the_review_found_what_was_sought(school) -> None:
    req = reviewed(police_request(school))
    approve(person(HEAD, school), req, override="not needed")
    req.refresh_from_db()
    assert req.status == RequestStatus.APPROVED and req.review_override == ""
    assert not AuditEvent.objects.filter(action="disclosures.review_overridden")


@pytest.mark.clause("11.3", "10.2")
def test_the_decision_page_asks_for_the_override_only_when_the_review_found_nothing(school) -> None:
    head = person(HEAD, school)
    found = reviewed(police_request(school))
    nothing = reviewed(
        police_request(school, camera=recorded_camera(school, name="Bike rack")),
        outcome=ReviewOutcome.NOT_SHOWN,
    )
    client = sign_in(Client(), head)
    page = lambda req: client.get(reverse("disclosures:request_detail", args=[req.pk])).content.decode()  # noqa: E731
    assert 'id="field-override"' not in page(found) and 'id="review-found-nothing"' not in page(found)
    shown = page(nothing)
    assert 'id="review-found-nothing"' in shown and 'id="field-override"' in shown


@pytest.mark.clause("11.1", "11.7", "7.1")
def test_the_request_forms_offer_only_cameras_that_can_have_footage(school) -> None:
    gate = recorded_camera(school, name="Front gate")
    CameraFactory(school=school, name="Reception")  # proposed: never recorded
    CameraFactory(school=school, name="Old hall", status=CameraStatus.DECOMMISSIONED)
    client = sign_in(Client(), person(ADMIN, school))
    for name in ("police_new", "outside_new", "foi_new"):
        page = client.get(reverse(f"disclosures:{name}"), {"school": school.pk}).content.decode()
        assert gate.name in page and "Reception" not in page and "Old hall" not in page, name


@pytest.mark.clause("11.7", "7.1")
def test_an_foi_hold_on_a_camera_that_never_recorded_is_refused(school) -> None:
    proposed = CameraFactory(school=school, name="Reception")
    with pytest.raises(PolicyRefusal) as refused:
        foi_request(school, proposed)
    [problem] = refused.value.problems
    assert problem.startswith("11.7: Reception cannot have any recorded footage (Reception: proposed)")
