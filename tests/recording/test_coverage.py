"""Nothing is accepted that cannot succeed (issue 15 §2): a viewing request, a download request, a
redaction, a subject access clip and a police or outside body's decision over a window with no recording
(or only footage the requester may not see) are refused when they are made, with the reason in plain
words and the clause — by one check, recording/coverage.py. Each kind: one refused, one accepted."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.disclosures import cases as disclosure
from tests.factories import CameraFactory, person
from tests.recording.helpers import store
from tests.subjectaccess.conftest import log
from tests.viewing.conftest import RECORDED, approved, code_for, data_dir, fast_passwords
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.disclosures import services as disclosures
from watchkeeper.disclosures.models import RequestStatus
from watchkeeper.estate.models import Camera, CameraStatus
from watchkeeper.evidence import services as evidence
from watchkeeper.people.models import Role
from watchkeeper.recording import coverage
from watchkeeper.recording.models import Segment
from watchkeeper.recording.services import place_hold
from watchkeeper.redaction.services import start_redaction
from watchkeeper.subjectaccess import services as subjectaccess
from watchkeeper.subjectaccess.models import Provision
from watchkeeper.viewing import services as viewing

__all__ = ["data_dir", "fast_passwords"]

pytestmark = pytest.mark.django_db

START, END = RECORDED, RECORDED + timedelta(minutes=10)
NOTHING = "nothing was recorded by"


@pytest.fixture
def gate(school) -> Camera:
    """A camera with one stored 10 s segment a minute into the window."""
    camera = CameraFactory(school=school, name="Main gate", status=CameraStatus.ACTIVE)
    store(camera, START + timedelta(minutes=1))
    return camera


@pytest.fixture
def yard(school) -> Camera:
    """A camera in service that recorded nothing in the window."""
    return CameraFactory(school=school, name="Playground", status=CameraStatus.ACTIVE)


def refusal_of(call: Any) -> list[str]:
    with pytest.raises(PolicyRefusal) as refused:
        call()
    return refused.value.problems


# --- the check itself -------------------------------------------------------------------------------------


@pytest.mark.clause("9.2", "9.5")
def test_the_check_names_the_cameras_and_the_window_in_plain_words(gate, yard) -> None:
    [problem] = coverage.footage_problems("9.5", [yard], START, END)
    assert problem.startswith(f"9.5: {NOTHING} Playground between ")
    assert "choose a window when the camera was recording" in problem
    assert coverage.footage_problems("9.5", [gate, yard], START, END) == []  # one of them recorded
    # Whole segments only, as a viewing serves and a package seals them: a window inside one is empty.
    inside = START + timedelta(minutes=1, seconds=2)
    assert coverage.footage_problems("9.5", [gate], inside, inside + timedelta(seconds=5))
    assert [s.camera_id for s in coverage.segments_within([gate, yard], START, END)] == [gate.pk]


@pytest.mark.clause("9.6", "13.1")
def test_only_cameras_that_can_have_footage_are_offered(school, gate) -> None:
    proposed = CameraFactory(school=school, name="Reception")  # never recorded (7.1)
    gone = CameraFactory(school=school, name="Old hall", status=CameraStatus.DECOMMISSIONED)
    kept = CameraFactory(school=school, name="Old gate", status=CameraStatus.DECOMMISSIONED)
    store(kept, START)  # decommissioned, its footage not yet erased
    offered = coverage.may_have_footage(Camera.objects.filter(school=school))
    assert set(offered) == {gate, kept}
    [problem] = coverage.camera_problems("11.7", [gate, proposed, gone])
    assert problem.startswith("11.7: Reception and Old hall cannot have any recorded footage")
    assert "Reception: proposed" in problem and "Old hall: decommissioned" in problem


# --- 1. a viewing request (9.2) ---------------------------------------------------------------------------


def ask_to_view(asker: Any, camera: Camera) -> Any:
    return viewing.request_authorisation(
        asker, [camera], START, END, "safeguarding", "Child hurt at the gate", now=timezone.now()
    )


@pytest.mark.clause("9.2", "9.6")
def test_a_viewing_request_without_footage_the_requester_may_see_is_refused(school, gate, yard) -> None:
    reviewer = person(Role.FOOTAGE_REVIEWER, school)
    [problem] = refusal_of(lambda: ask_to_view(reviewer, yard))
    assert problem.startswith(f"9.2: {NOTHING} Playground")
    assert ask_to_view(reviewer, gate).status == "pending"
    # Footage held as evidence is the CCTV administrator's alone (9.6): refused to the reviewer only.
    admin = person(Role.CCTV_ADMIN, school)
    today = timezone.localdate()
    place_hold(admin, school, [gate], START, END, "Assault", today + timedelta(days=7), today=today)
    [held] = refusal_of(lambda: ask_to_view(reviewer, gate))
    assert held.startswith("9.6: all the footage of Main gate") and "CCTV system administrator" in held
    assert ask_to_view(admin, gate).status == "pending"


# --- 2. a download request (9.5) ---------------------------------------------------------------------------


def ask_to_download(asker: Any, camera: Camera) -> Any:
    return evidence.request_download(
        asker,
        school=camera.school,
        cameras=[camera],
        start=START,
        end=END,
        purpose="internal",
        reason_category="safeguarding",
        reason="Child hurt at the gate",
        requestor_user=asker,
        now=timezone.now(),
    )


@pytest.mark.clause("9.5")
def test_a_download_request_over_no_footage_is_refused(school, gate, yard) -> None:
    reviewer = person(Role.FOOTAGE_REVIEWER, school)
    [problem] = refusal_of(lambda: ask_to_download(reviewer, yard))
    assert problem.startswith(f"9.5: {NOTHING} Playground")
    assert ask_to_download(reviewer, gate).status == "requested"


@pytest.mark.clause("9.5")
def test_footage_erased_after_the_request_stops_the_authorisation_before_a_password(school, gate) -> None:
    req = ask_to_download(person(Role.FOOTAGE_REVIEWER, school), gate)
    Segment.objects.filter(camera=gate).delete()  # erased since (retention, a lost disk)
    head = person(Role.HEADTEACHER, school)
    decide = lambda: evidence.decide_download(  # noqa: E731
        head, req, approve=True, otp_code=code_for(head), now=timezone.now()
    )
    [problem] = refusal_of(decide)
    assert problem.startswith(f"9.5: {NOTHING} Main gate")
    req.refresh_from_db()
    assert req.status == "requested"


# --- 3. a redaction (10.4.1) --------------------------------------------------------------------------------


@pytest.mark.clause("10.4.1", "9.6")
def test_a_redaction_of_a_window_with_no_footage_is_refused(school, gate, yard) -> None:
    reviewer = person(Role.FOOTAGE_REVIEWER, school)
    auth = approved(reviewer, [gate, yard], START, END)
    start = lambda camera: start_redaction(reviewer, auth, camera, START, END, now=timezone.now())  # noqa: E731
    [problem] = refusal_of(lambda: start(yard))
    assert problem.startswith(f"10.4.1: {NOTHING} Playground")
    assert len(start(gate).segments) == 1


# --- 4. a subject access clip (10.2) ------------------------------------------------------------------------


@pytest.mark.clause("10.2", "10.3")
def test_a_subject_access_clip_with_nothing_recorded_is_refused(school, gate, yard) -> None:
    handler, reviewer = person(Role.SAR_HANDLER, school), person(Role.FOOTAGE_REVIEWER, school)
    head = person(Role.HEADTEACHER, school)
    case = log(handler, school, [gate, yard], window_start=START, window_end=END)
    subjectaccess.request_review(reviewer, case, now=timezone.now())
    case.refresh_from_db()
    viewing.decide(head, case.review, approve=True, code=code_for(head), now=timezone.now())
    case.refresh_from_db()

    def clip(camera: Camera, provision: str = Provision.COPY) -> Any:
        return subjectaccess.record_clip(
            handler,
            case,
            camera=camera,
            start=START,
            end=END,
            only_requester=False,
            provision=provision,
            now=timezone.now(),
        )

    [problem] = refusal_of(lambda: clip(yard))
    assert problem.startswith(f"10.2: {NOTHING} Playground")
    assert clip(gate).provision == Provision.COPY
    # "The requester does not appear" is a true answer for a camera that recorded nothing.
    assert clip(yard, Provision.NOT_FOUND).provision == Provision.NOT_FOUND


# --- 5. a police or outside body's decision (11.3, 11.5) ----------------------------------------------------


@pytest.mark.clause("11.3", "11.5")
def test_a_police_decision_over_footage_no_longer_recorded_is_refused(school) -> None:
    erased = disclosure.reviewed(disclosure.police_request(school))
    Segment.objects.filter(camera__in=erased.cameras.all()).delete()  # erased since the review
    gate = disclosure.recorded_camera(school, name="Front gate")
    kept = disclosure.reviewed(disclosure.police_request(school, camera=gate))
    head = person(Role.HEADTEACHER, school)

    def approve(req: Any, steps: int) -> Any:
        return disclosures.decide(
            head,
            req,
            approve=True,
            code=code_for(head, steps),
            reason="Theft from the rack",
            confirmed_purpose=req.purpose,
            now=timezone.now(),
        )

    [problem] = refusal_of(lambda: approve(erased, 0))
    assert problem.startswith(f"11.3: {NOTHING} Main gate")  # before the authenticator code is asked
    erased.refresh_from_db()
    assert erased.status == RequestStatus.PENDING and erased.download_request_id is None
    assert approve(kept, 1).status == RequestStatus.APPROVED
