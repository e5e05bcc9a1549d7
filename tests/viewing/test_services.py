"""Asking to view footage and deciding (9.2, 9.4): who may ask and decide, never on one's own request, a
fresh authenticator code for every decision, expiry, and an audit event for every step (16)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.factories import CameraFactory, GrantFactory, TrainingFactory, person
from tests.recording.helpers import store
from tests.viewing.conftest import RECORDED, code_for, wrong_code_for
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.second_factor import SecondFactorRefused
from watchkeeper.people.models import Role
from watchkeeper.viewing.models import Status, ViewingAuthorisation
from watchkeeper.viewing.services import decide, request_authorisation

pytestmark = pytest.mark.django_db
START, END = RECORDED, RECORDED + timedelta(minutes=10)


@pytest.fixture
def cameras(school):
    """Two cameras, one of which recorded in the window: a request over them can succeed (issue 15 §2)."""
    gate = CameraFactory(school=school, name="Main gate")
    store(gate, START + timedelta(minutes=1))
    return [gate, CameraFactory(school=school, name="Playground")]


@pytest.fixture
def reviewer(school):
    return person(Role.FOOTAGE_REVIEWER, school)


@pytest.fixture
def head(school):
    return person(Role.HEADTEACHER, school)


@pytest.fixture
def pending(reviewer, cameras):
    return request_authorisation(
        reviewer, cameras, START, END, "safeguarding", "Child reported hurt at 9:05", now=timezone.now()
    )


def events(action: str):
    return list(AuditEvent.objects.filter(action=action))


@pytest.mark.clause("9.2", "9.4", "R9")
def test_a_request_is_recorded_with_its_cameras_window_and_reason(pending, reviewer, cameras, school) -> None:
    assert pending.status == Status.PENDING and pending.school == school
    assert set(pending.cameras.all()) == set(cameras)
    [event] = events("viewing.requested")
    assert (event.actor, event.school, event.reason) == (reviewer, school, "Child reported hurt at 9:05")
    assert event.details == {
        "authorisation": pending.pk,
        "cameras": sorted(c.pk for c in cameras),
        "camera_names": [c.name for c in sorted(cameras, key=lambda c: c.pk)],
        "start": START.isoformat(),
        "end": END.isoformat(),
        "reason_category": "safeguarding",
    }


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"end": START}, "9.2: the window's end must be after its start"),
        ({"end": timezone.now() + timedelta(hours=1)}, "9.2: the window must have ended already"),
        ({"reason": "  "}, "9.2: say in words why the footage must be seen"),
        ({"reason_category": "curiosity"}, "9.4: choose the kind of reason"),
        ({"cameras": []}, "9.2: name at least one camera"),
    ],
)
@pytest.mark.clause("9.2", "R9")
def test_a_request_without_a_clear_reason_or_window_is_refused(reviewer, cameras, change, problem) -> None:
    asked = {
        "cameras": cameras,
        "start": START,
        "end": END,
        "reason_category": "misconduct",
        "reason": "Allegation",
        "now": timezone.now(),
    }
    with pytest.raises(PolicyRefusal) as refusal:
        request_authorisation(reviewer, **{**asked, **change})
    assert any(p.startswith(problem) for p in refusal.value.problems), refusal.value.problems
    assert not ViewingAuthorisation.objects.exists() and not events("viewing.requested")


def test_one_request_covers_one_school(reviewer, cameras, other_school) -> None:
    GrantFactory(user=reviewer, school=other_school, role=Role.FOOTAGE_REVIEWER)
    TrainingFactory(user=reviewer, school=other_school)
    theirs = CameraFactory(school=other_school)
    with pytest.raises(PolicyRefusal, match="one request covers the cameras of one school"):
        request_authorisation(
            reviewer, [cameras[0], theirs], START, END, "safeguarding", "Fight", now=timezone.now()
        )


@pytest.mark.parametrize("role", [Role.LIVE_VIEWER, Role.HEADTEACHER, Role.DPO])
def test_only_footage_reviewers_and_cctv_admins_may_ask(school, cameras, role) -> None:
    asker = person(role, None if role == Role.DPO else school)
    with pytest.raises(PermissionDenied):
        request_authorisation(asker, cameras, START, END, "safeguarding", "Fight", now=timezone.now())


def test_the_cctv_administrator_may_ask_for_held_footage(school, cameras) -> None:
    """9.6: held footage is for the CCTV administrator; they still need the Headteacher's authorisation."""
    auth = request_authorisation(
        person(Role.CCTV_ADMIN, school), cameras, START, END, "safeguarding", "Held", now=timezone.now()
    )
    assert auth.status == "pending"


def test_a_reviewer_of_another_school_may_not_ask(other_school, cameras) -> None:
    with pytest.raises(PermissionDenied):
        request_authorisation(
            person(Role.FOOTAGE_REVIEWER, other_school),
            cameras,
            START,
            END,
            "safeguarding",
            "x",
            now=timezone.now(),
        )


@pytest.mark.clause("9.2", "R9")
def test_the_headteacher_approves_with_a_fresh_code_and_the_approval_expires(pending, head, settings) -> None:
    settings.WATCHKEEPER_VIEWING_AUTHORISATION_DAYS = 2
    now = timezone.now()
    decide(head, pending, approve=True, code=code_for(head), note="Go ahead", now=now)
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by, pending.decided_at) == (Status.APPROVED, head, now)
    assert pending.expires_at == now + timedelta(days=2)
    [event] = events("viewing.approved")
    assert event.actor == head and event.reason == "Go ahead"
    assert event.details["cameras"] == sorted(c.pk for c in pending.cameras.all())
    assert (event.details["start"], event.details["end"]) == (START.isoformat(), END.isoformat())
    assert event.details["reason_category"] == "safeguarding"
    assert event.details["expires_at"] == pending.expires_at.isoformat()


def test_the_default_approval_lasts_seven_days(pending, school) -> None:
    deputy = person(Role.DESIGNATED_PERSON, school)
    decide(deputy, pending, approve=True, code=code_for(deputy), now=timezone.now())
    pending.refresh_from_db()
    assert timedelta(days=7) - (pending.expires_at - pending.decided_at) == timedelta(0)


@pytest.mark.clause("9.2")
def test_nobody_authorises_their_own_request(school, cameras) -> None:
    head_who_reviews = person(Role.HEADTEACHER, school)
    GrantFactory(user=head_who_reviews, school=school, role=Role.FOOTAGE_REVIEWER)
    own = request_authorisation(
        head_who_reviews, cameras, START, END, "criminal_activity", "Break-in", now=timezone.now()
    )
    with pytest.raises(PolicyRefusal, match="nobody may authorise their own request"):
        decide(head_who_reviews, own, approve=True, code=code_for(head_who_reviews), now=timezone.now())
    own.refresh_from_db()
    assert own.status == Status.PENDING and not events("viewing.approved")


@pytest.mark.clause("9.2", "R15")
def test_a_wrong_code_is_refused_and_recorded(pending, head) -> None:
    with pytest.raises(SecondFactorRefused, match="authenticator code is not right"):
        decide(head, pending, approve=True, code=wrong_code_for(head), now=timezone.now())
    pending.refresh_from_db()
    assert pending.status == Status.PENDING and not events("viewing.approved")
    [event] = events("viewing.second_factor_refused")
    assert event.actor == head and event.details == {"authorisation": pending.pk, "decision": "approve"}


def test_a_code_cannot_be_used_twice(reviewer, cameras, head) -> None:
    first = request_authorisation(reviewer, cameras, START, END, "safeguarding", "One", now=timezone.now())
    second = request_authorisation(reviewer, cameras, START, END, "safeguarding", "Two", now=timezone.now())
    code = code_for(head)
    decide(head, first, approve=True, code=code, now=timezone.now())
    with pytest.raises(SecondFactorRefused):
        decide(head, second, approve=True, code=code, now=timezone.now())


@pytest.mark.clause("9.2")
def test_declining_needs_a_reason_and_is_recorded(pending, head) -> None:
    with pytest.raises(PolicyRefusal, match="say why the request is declined"):
        decide(head, pending, approve=False, code=code_for(head), note="", now=timezone.now())
    decide(head, pending, approve=False, code=code_for(head), note="Not proportionate", now=timezone.now())
    pending.refresh_from_db()
    assert pending.status == Status.DECLINED and pending.expires_at is None
    [event] = events("viewing.declined")
    assert event.reason == "Not proportionate" and event.details["authorisation"] == pending.pk


def test_a_decided_request_cannot_be_decided_again(pending, head, school) -> None:
    decide(head, pending, approve=True, code=code_for(head), now=timezone.now())
    deputy = person(Role.DESIGNATED_PERSON, school)
    with pytest.raises(PolicyRefusal, match="decided already"):
        decide(deputy, pending, approve=False, code=code_for(deputy), note="No", now=timezone.now())


@pytest.mark.parametrize("role", [Role.FOOTAGE_REVIEWER, Role.CCTV_ADMIN, Role.DPO])
def test_only_the_headteacher_or_a_designated_person_decides(pending, school, role) -> None:
    decider = person(role, None if role == Role.DPO else school)
    with pytest.raises(PermissionDenied):
        decide(decider, pending, approve=True, code=code_for(decider), now=timezone.now())


def test_another_schools_headteacher_may_not_decide(pending, other_school) -> None:
    theirs = person(Role.HEADTEACHER, other_school)
    with pytest.raises(PermissionDenied):
        decide(theirs, pending, approve=True, code=code_for(theirs), now=timezone.now())
