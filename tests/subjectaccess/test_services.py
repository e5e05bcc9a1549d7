"""Subject access services (10.1–10.4): intake and the hold, the clock's inputs, review, outcomes, closure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.factories import CameraFactory, person
from tests.subjectaccess.conftest import WINDOW_END, WINDOW_START, approve_review, attest_row, days, log
from watchkeeper.audit.models import AuditEvent
from watchkeeper.audit.services import record
from watchkeeper.audit.templatetags.audit_words import in_words
from watchkeeper.core.actors import SYSTEM
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.people.models import Role
from watchkeeper.recording.models import Hold, HoldPurpose
from watchkeeper.redaction.models import Redaction
from watchkeeper.redaction.models import Status as RedactionStatus
from watchkeeper.subjectaccess import services
from watchkeeper.subjectaccess.clock import ClockState, add_months
from watchkeeper.subjectaccess.models import CaseStatus, IdentityBasis, OtherPersonBasis, Provision
from watchkeeper.viewing.models import ReasonCategory

pytestmark = pytest.mark.django_db

FACTORS = {
    "information_type": "Images of an adult walking past the gate; nothing sensitive",
    "duty_of_confidence": "None owed: a public path at pick-up time",
    "consent_steps": "Not identifiable to us; no means of contact",
    "capacity": "An adult, presumed capable",
    "refusal": "No refusal known",
}


def _problems(excinfo) -> str:
    return " | ".join(excinfo.value.problems)


@pytest.mark.clause("10.2", "R21", "R22")
def test_logging_a_case_holds_its_cameras_and_window_until_the_deadline(case, cameras):
    hold = case.hold
    assert hold is not None and hold.released_at is None
    assert {c.pk for c in hold.cameras.all()} == {c.pk for c in cameras}
    assert (hold.start, hold.end) == (WINDOW_START, WINDOW_END)
    assert hold.review_on == case.deadline(timezone.localdate()) >= add_months(timezone.localdate(), 1)
    assert case.reference in hold.reason
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-2:] == ["subjectaccess.logged", "recording.hold_placed"]
    logged = AuditEvent.objects.get(action="subjectaccess.logged")
    assert "Pat Parent" not in str(logged.details) and "pat@" not in str(logged.details)


@pytest.mark.clause("10.1", "10.2")
def test_intake_refusals_name_their_clauses(handler, school, other_school, cameras):
    stranger = CameraFactory(school=other_school)
    with pytest.raises(PolicyRefusal) as excinfo:
        log(
            handler,
            school,
            [*cameras, stranger],
            requester_name=" ",
            requester_contact="",
            description="",
            received_on=days(1),
            window_end=WINDOW_START,
            identity_note="",
        )
    text = _problems(excinfo)
    for expected in [
        "10.1: give the requester's name",
        "10.1: give a contact",
        "10.2: describe the person",
        "10.1: the day the request was received cannot be in the future",
        "10.2: a case covers cameras of its own school only",
        "10.2: the window's end must be after its start",
        "10.2: record why the requester is known to staff",
    ]:
        assert expected in text
    assert not Hold.objects.exists()


def test_only_the_school_handlers_may_log(school, other_school, cameras, reviewer):
    with pytest.raises(PermissionDenied):
        log(reviewer, school, cameras)
    with pytest.raises(PermissionDenied):
        log(person(Role.SAR_HANDLER, other_school), school, cameras)
    assert log(person(Role.DESIGNATED_PERSON, school), school, cameras).status == CaseStatus.OPEN


@pytest.mark.clause("10.2", "R21")
def test_clock_waits_for_identity_then_runs_from_confirmation(handler, school, cameras):
    case = log(handler, school, cameras, identity_basis="", identity_note="", identity_confirmed_on=None)
    today = timezone.localdate()
    assert case.deadline(today) is None and case.clock_state(today) == ClockState.NOT_STARTED
    with pytest.raises(PolicyRefusal, match="10.2: record how identity was verified"):
        services.confirm_identity(
            handler,
            case,
            basis=IdentityBasis.VERIFIED,
            note=" ",
            confirmed_on=today,
            today=timezone.localdate(),
        )
    services.confirm_identity(
        handler,
        case,
        basis=IdentityBasis.VERIFIED,
        note="Passport seen by the office",
        confirmed_on=today,
        today=timezone.localdate(),
    )
    case.refresh_from_db()
    assert case.deadline(today) is not None and case.clock_state(today) == ClockState.ON_TIME


@pytest.mark.clause("10.2", "R21")
def test_clarification_pauses_the_clock_and_the_hold_follows(case, handler):
    today = timezone.localdate()
    before = case.deadline(today)
    services.ask_clarification(handler, case, question="Which afternoon last week?", today=today)
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_CLARIFICATION
    with pytest.raises(PolicyRefusal, match="already waiting"):
        services.ask_clarification(handler, case, question="Again?", today=today)
    services.clarification_received(handler, case, answer="Tuesday", today=today + timedelta(days=10))
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    later = case.deadline(today + timedelta(days=10))
    assert later is not None and later >= before + timedelta(days=10)
    case.hold.refresh_from_db()
    assert case.hold.review_on == later
    assert AuditEvent.objects.filter(action="recording.hold_reviewed").exists()


@pytest.mark.clause("10.2", "R21")
def test_extension_needs_notice_in_the_first_month(handler, school, cameras):
    received = timezone.localdate() - timedelta(days=45)
    case = log(handler, school, cameras, received_on=received, identity_confirmed_on=received)
    with pytest.raises(PolicyRefusal) as excinfo:
        services.extend(
            handler,
            case,
            months=1,
            notified_on=timezone.localdate(),
            reason="Many cameras",
            today=timezone.localdate(),
        )
    assert "after the first month" in _problems(excinfo) and "12(3)" in _problems(excinfo)
    services.extend(
        handler,
        case,
        months=2,
        notified_on=received + timedelta(days=20),
        reason="Many cameras",
        today=timezone.localdate(),
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.EXTENDED and case.extension_months == 2
    with pytest.raises(PolicyRefusal, match="at most two"):
        services.extend(
            handler,
            case,
            months=1,
            notified_on=received + timedelta(days=20),
            reason="More",
            today=timezone.localdate(),
        )


@pytest.mark.clause("10.2")
def test_review_goes_through_the_viewing_workflow(case, reviewer, head, handler):
    with pytest.raises(PermissionDenied):
        services.request_review(
            handler, case, now=timezone.now()
        )  # a handler is not an approved reviewer (10.2)
    services.request_review(reviewer, case, now=timezone.now())
    case.refresh_from_db()
    auth = case.review
    assert auth.reason_category == ReasonCategory.SUBJECT_ACCESS and case.reference in auth.reason
    assert (auth.start, auth.end) == (case.window_start, case.window_end)
    assert not services.review_approved(case)
    with pytest.raises(PolicyRefusal, match="already has a review"):
        services.request_review(reviewer, case, now=timezone.now())


def _clip(handler, case, **overrides):
    fields = {
        "camera": case.cameras.first(),
        "start": WINDOW_START + timedelta(minutes=5),
        "end": WINDOW_START + timedelta(minutes=6),
        "only_requester": True,
        "provision": Provision.COPY,
    }
    fields.update(overrides)
    return services.record_clip(handler, case, **fields, now=timezone.now())


@pytest.mark.clause("10.2", "10.3")
def test_clip_outcomes_need_an_approved_review_and_follow_10_3(case, handler, reviewer, head):
    with pytest.raises(PolicyRefusal, match="10.2: the footage is reviewed by an approved user"):
        _clip(handler, case)
    approve_review(case, reviewer, head)
    with pytest.raises(PolicyRefusal) as excinfo:
        _clip(handler, case, only_requester=False, provision=Provision.VIEWING)
    assert "10.3: viewing in school is strictly limited" in _problems(excinfo)
    assert "10.3: give the date and time of the viewing appointment" in _problems(excinfo)
    with pytest.raises(PolicyRefusal, match="inside one of the case's windows"):
        _clip(handler, case, end=WINDOW_END + timedelta(minutes=1))
    with pytest.raises(PolicyRefusal, match="needs the word of the reviewer who watched"):
        _clip(handler, case, provision=Provision.VIEWING, appointment_at=timezone.now() + timedelta(days=2))
    attest_row(case)
    clip = _clip(
        handler, case, provision=Provision.VIEWING, appointment_at=timezone.now() + timedelta(days=2)
    )
    assert clip.decided_by == handler


@pytest.fixture
def reviewed(case, reviewer, head):
    """Reviewed, and the reviewer's word that only the requester appears on the first camera (10.3)."""
    reviewed = approve_review(case, reviewer, head)
    attest_row(reviewed)
    return reviewed


@pytest.mark.clause("10.4", "10.4.1", "10.4.2", "10.4.3", "R23")
def test_each_other_person_needs_redaction_consent_or_all_five_para_16_factors(reviewed, handler, school):
    clip = _clip(handler, reviewed, only_requester=False)
    with pytest.raises(PolicyRefusal) as excinfo:
        services.record_other_person(
            handler, clip, description="Child in blue", basis=OtherPersonBasis.REASONABLE, now=timezone.now()
        )
    assert _problems(excinfo).count("10.4.3 (DPA 2018 Sch 2 Part 3 para 16)") == 5
    partial = {**FACTORS, "refusal": " "}
    with pytest.raises(PolicyRefusal, match="any express refusal"):
        services.record_other_person(
            handler,
            clip,
            description="Adult",
            basis=OtherPersonBasis.REASONABLE,
            factors=partial,
            now=timezone.now(),
        )
    with pytest.raises(PolicyRefusal) as excinfo:
        services.record_other_person(
            handler, clip, description="Adult", basis=OtherPersonBasis.CONSENT, now=timezone.now()
        )
    assert "10.4.2: record who" in _problems(excinfo) and "10.4.2: record how" in _problems(excinfo)
    with pytest.raises(PolicyRefusal, match="10.4.1: choose the redaction"):
        services.record_other_person(
            handler, clip, description="Adult", basis=OtherPersonBasis.REDACTED, now=timezone.now()
        )
    other = services.record_other_person(
        handler,
        clip,
        description="Adult in grey",
        basis=OtherPersonBasis.REASONABLE,
        factors=FACTORS,
        now=timezone.now(),
    )
    assert other.refusal == FACTORS["refusal"]


@pytest.mark.clause("10.4.1")
def test_a_redaction_must_be_approved_before_the_response(reviewed, handler, school, other_school):
    clip = _clip(handler, reviewed, only_requester=False)
    foreign = _redaction_of(clip, school=other_school)
    with pytest.raises(PolicyRefusal, match="this school's footage"):
        services.record_other_person(
            handler,
            clip,
            description="Child",
            basis=OtherPersonBasis.REDACTED,
            redaction=foreign,
            now=timezone.now(),
        )
    redaction = _redaction_of(clip, status=RedactionStatus.REVIEW)
    services.record_other_person(
        handler,
        clip,
        description="Child",
        basis=OtherPersonBasis.REDACTED,
        redaction=redaction,
        now=timezone.now(),
    )
    with pytest.raises(
        PolicyRefusal, match=f"10.4.1: clip {clip.pk} .* redaction {redaction.pk} is not approved"
    ):
        services.respond(handler, reviewed, today=timezone.localdate())
    redaction.status = RedactionStatus.APPROVED
    redaction.save()
    assert services.respond(handler, reviewed, today=timezone.localdate()).status == CaseStatus.RESPONDED


def _redaction_of(clip, status=RedactionStatus.APPROVED, **overrides):
    """A redaction of the clip's camera over exactly the clip's window, unless overridden."""
    fields = {"school": clip.case.school, "camera": clip.camera, "start": clip.start, "end": clip.end}
    fields.update(overrides)
    return Redaction.objects.create(status=status, **fields)


def test_a_redaction_of_another_time_or_camera_cannot_cover_a_clip(reviewed, handler, school):
    """10.4.1: the requester's package ships the redaction instead of the master, so a redaction of
    another window (another incident) or another camera must never stand in for the clip."""
    clip = _clip(handler, reviewed, only_requester=False)
    other_camera = reviewed.cameras.exclude(pk=clip.camera_id).get()
    wrong = {
        "an earlier window": {"start": clip.start - timedelta(hours=2), "end": clip.end - timedelta(hours=2)},
        "half the window": {"end": clip.start + (clip.end - clip.start) / 2},
        "a window starting late": {"start": clip.start + timedelta(seconds=1)},
        "another camera": {"camera": other_camera},
        "no camera": {"camera": None},
        "no window": {"start": None, "end": None},
    }
    for label, overrides in wrong.items():
        redaction = _redaction_of(clip, **overrides)
        with pytest.raises(PolicyRefusal, match="10.4.1: .*redaction") as excinfo:
            services.record_other_person(
                handler,
                clip,
                description="Child",
                basis=OtherPersonBasis.REDACTED,
                redaction=redaction,
                now=timezone.now(),
            )
        assert "10.4.1" in _problems(excinfo), label
    assert not clip.others.exists()
    wider = _redaction_of(clip, start=clip.start - timedelta(minutes=1), end=clip.end + timedelta(minutes=1))
    other = services.record_other_person(
        handler,
        clip,
        description="Child",
        basis=OtherPersonBasis.REDACTED,
        redaction=wider,
        now=timezone.now(),
    )
    assert other.redaction == wider


@pytest.mark.clause("10.2", "10.4")
def test_response_needs_every_other_person_decided(reviewed, handler):
    _clip(handler, reviewed, only_requester=False)
    with pytest.raises(PolicyRefusal, match="10.4: clip .* shows other people"):
        services.respond(handler, reviewed, today=timezone.localdate())


@pytest.mark.clause("10.2")
def test_respond_then_close_releases_the_hold_with_an_audit_event(reviewed, handler):
    _clip(handler, reviewed)
    services.respond(handler, reviewed, note="Copy sent", today=timezone.localdate())
    event = AuditEvent.objects.get(action="subjectaccess.responded")
    assert event.details["on_time"] is True
    assert reviewed.hold.released_at is None  # still held until the case closes
    services.close(handler, reviewed, note="Requester collected the copy", now=timezone.now())
    reviewed.hold.refresh_from_db()
    assert reviewed.hold.released_at is not None
    released = AuditEvent.objects.get(action="recording.hold_released")
    assert reviewed.reference in released.reason
    with pytest.raises(PolicyRefusal, match="closed already"):
        services.close(handler, reviewed, note="again", now=timezone.now())


@pytest.mark.clause("10.2", "R21")
def test_refusal_as_manifestly_unfounded_needs_a_reason_and_releases_the_hold(case, handler):
    with pytest.raises(PolicyRefusal, match="12\\(5\\)"):
        services.refuse(handler, case, reason=" ", now=timezone.now())
    services.refuse(handler, case, reason="Fifth identical request this month", now=timezone.now())
    case.refresh_from_db()
    assert case.status == CaseStatus.REFUSED and case.hold.released_at is not None
    with pytest.raises(PolicyRefusal, match="nothing more can be done"):
        services.ask_clarification(handler, case, question="?", today=timezone.localdate())


def test_flags_show_cases_near_or_past_their_deadline_to_the_right_people(
    handler, school, other_school, cameras
):
    today = timezone.localdate()
    soon = log(handler, school, cameras, received_on=today - timedelta(days=27), identity_confirmed_on=None)
    late = log(handler, school, cameras, received_on=today - timedelta(days=40), identity_confirmed_on=None)
    log(handler, school, cameras)  # on time: not flagged
    flags = services.flags_for(handler, today)
    assert [(f.case.pk, f.state) for f in flags] == [
        (late.pk, ClockState.OVERDUE),
        (soon.pk, ClockState.DUE_SOON),
    ]
    assert [f.case.pk for f in services.flags_for(person(Role.DPO, None), today)] == [late.pk, soon.pk]
    assert [f.case.pk for f in services.flags_for(person(Role.HEADTEACHER, school), today)] == [
        late.pk,
        soon.pk,
    ]
    assert services.flags_for(person(Role.SAR_HANDLER, other_school), today) == []
    assert services.flags_for(person(Role.FOOTAGE_REVIEWER, school), today) == []
    services.refuse(handler, late, reason="Withdrawn in writing", now=timezone.now())
    assert [f.case.pk for f in services.flags_for(handler, today)] == [soon.pk]


def test_timeline_gathers_the_case_hold_and_review_events(reviewed, handler):
    _clip(handler, reviewed)
    actions = [e.action for e in services.timeline(reviewed)]
    assert actions == [
        "subjectaccess.logged",
        "recording.hold_placed",
        "viewing.requested",
        "subjectaccess.review_requested",
        "viewing.approved",
        "subjectaccess.clip_decided",
    ]


@pytest.mark.clause("9.5", "10.3", "10.4.1")
def test_the_copy_is_asked_for_through_the_evidence_workflow(reviewed, handler, school):
    with pytest.raises(PolicyRefusal, match="nothing to package"):
        services.request_package(handler, reviewed, now=timezone.now())
    clip = _clip(handler, reviewed, only_requester=False)
    redaction = _redaction_of(clip)
    services.record_other_person(
        handler,
        clip,
        description="Child",
        basis=OtherPersonBasis.REDACTED,
        redaction=redaction,
        now=timezone.now(),
    )
    [download] = services.request_package(handler, reviewed, now=timezone.now())
    clip.refresh_from_db()
    assert clip.download_request == download
    assert (download.purpose, download.case_reference, download.redaction) == (
        "subject_access",
        reviewed.reference,
        redaction,
    )
    assert download.recipient_name == "Pat Parent" and "Art 15" in download.legal_basis
    assert list(download.cameras.all()) == [clip.camera]
    assert (download.start, download.end) == (clip.start, clip.end)
    assert download.only_requester_appears is False
    with pytest.raises(PolicyRefusal, match="has its download request already"):
        services.request_package(handler, reviewed, now=timezone.now())
    assert [e.action for e in services.timeline(reviewed)][-2:] == [
        "evidence.download_requested",
        "subjectaccess.package_requested",
    ]


def test_the_timeline_shows_the_redaction_and_package_steps_in_words(reviewed, handler, school):
    """Issue 15 §5: a case's timeline includes its redaction and package steps, and reads in words."""
    clip = _clip(handler, reviewed, only_requester=False)
    redaction = _redaction_of(clip)
    services.record_other_person(
        handler,
        clip,
        description="Child",
        basis=OtherPersonBasis.REDACTED,
        redaction=redaction,
        now=timezone.now(),
    )
    [download] = services.request_package(handler, reviewed, now=timezone.now())
    # The steps the redaction and package jobs record (their own tests run the jobs themselves).
    record("redaction.approved", actor=handler, school=school, obj=redaction)
    record("evidence.package_built", actor=SYSTEM, school=school, obj=download)
    events = list(services.timeline(reviewed))
    assert [e.action for e in events][-2:] == ["redaction.approved", "evidence.package_built"]
    assert in_words(events[-2]) == f"Redaction approved by {handler.get_full_name() or handler.username}"
    assert in_words(events[-1]) == "Sealed package built by the system"


def test_sar_footage_is_reviewed_by_approved_users_not_by_any_role(case, school):
    """10.2: approved reviewers review; a live viewer or the SAR handler alone may not ask to see footage."""
    for role in (Role.LIVE_VIEWER, Role.SAR_HANDLER):
        with pytest.raises(PermissionDenied):
            services.request_review(person(role, school), case, now=timezone.now())
    assert case.hold.purpose == HoldPurpose.SUBJECT_ACCESS  # stops erasure without locking it away (9.6)


@pytest.mark.clause("10.3", "R24")
def test_a_viewing_in_school_is_recorded_and_entered_in_the_disclosure_register(reviewed, handler):
    from watchkeeper.disclosures.models import Disclosure

    copy = _clip(handler, reviewed)
    with pytest.raises(PolicyRefusal, match="not offered as a viewing"):
        services.record_viewing_held(
            handler, copy, attended_by="Pat, Ms Office", held_at=timezone.now(), now=timezone.now()
        )
    viewing = _clip(handler, reviewed, provision=Provision.VIEWING, appointment_at=timezone.now())
    with pytest.raises(PolicyRefusal) as excinfo:
        services.record_viewing_held(
            handler, viewing, attended_by=" ", held_at=timezone.now() + timedelta(days=1), now=timezone.now()
        )
    assert "who was present" in _problems(excinfo) and "before it takes place" in _problems(excinfo)
    held = timezone.now() - timedelta(minutes=5)
    services.record_viewing_held(
        handler, viewing, attended_by="Pat Parent; Ms Office (SAR handler)", held_at=held, now=timezone.now()
    )
    row = Disclosure.objects.get(reference=reviewed.reference)
    assert (row.recipient_name, row.authorised_by, row.disclosed_at) == ("Pat Parent", handler, held)
    assert "Art 15" in row.legal_basis and "In-school viewing (10.3)" in row.what
    with pytest.raises(PolicyRefusal, match="recorded already"):
        services.record_viewing_held(handler, viewing, attended_by="again", held_at=held, now=timezone.now())
