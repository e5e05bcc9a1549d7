"""Complaints services (17.1; DPA 2018 s164A): recorded however they arrived, routed by who complains, the
DPO told, footage held when asked, acknowledged, looked into and answered — each change audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from tests.complaints.conftest import NOW, TODAY, WINDOW_END, WINDOW_START, record
from tests.factories import CameraFactory, person
from tests.subjectaccess.conftest import log as log_sar
from watchkeeper.audit.models import AuditEvent
from watchkeeper.complaints import services
from watchkeeper.complaints.clock import Stage
from watchkeeper.complaints.letter import ICO_CONTACT, outcome_letter, paragraphs
from watchkeeper.complaints.models import Channel, Complainant, Outcome, Status, StepKind
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.people.models import Role
from watchkeeper.recording.models import HoldPurpose

pytestmark = [pytest.mark.django_db, pytest.mark.clause("17.1", "R29")]


@pytest.mark.parametrize("channel", Channel.values)
def test_a_complaint_is_recorded_however_it_arrived(sar_handler, school, channel):
    complaint = record(sar_handler, school, channel=channel)
    assert complaint.channel == channel and complaint.logged_by == sar_handler
    event = AuditEvent.objects.get(action="complaints.recorded")
    assert event.details["complaint"] == complaint.reference and "Alex" not in str(event.details)


def test_the_public_go_to_the_complaints_policy_and_employees_to_the_grievance_procedure(head, school):
    public = record(head, school)
    employee = record(head, school, complainant=Complainant.EMPLOYEE, route_reference="GR-2026-3")
    assert public.route == "the Trust's Complaints Policy"
    assert employee.route == "the Trust's Grievance Procedure" and employee.route_reference == "GR-2026-3"
    services.set_route_reference(head, public, reference="CP-2026-12", now=NOW)
    public.refresh_from_db()
    assert public.route_reference == "CP-2026-12"


def test_the_dpo_is_e_mailed_a_reference_and_a_link_only(
    sar_handler, school, dpo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = record(sar_handler, school)
    [message] = mail.outbox
    assert message.to == ["dpo@trust.example"] and complaint.reference in message.subject
    assert f"/complaints/{complaint.pk}/" in message.body and "Alex" not in message.body


def test_people_outside_the_complaint_roles_may_not_record_one(school):
    with pytest.raises(PermissionDenied):
        record(person(Role.FOOTAGE_REVIEWER, school), school)


def test_what_is_missing_is_refused_with_its_clause(head, school, gate, other_school):
    theirs = CameraFactory(school=other_school)
    with pytest.raises(PolicyRefusal) as refused:
        record(
            head,
            school,
            complainant_name=" ",
            received_on=TODAY + timedelta(days=1),
            cameras=[theirs],
            window_start=WINDOW_START,
            window_end=None,
            hold=True,
        )
    problems = " ".join(refused.value.problems)
    for words in ("in the future", "complainant's name", "both ends", "cameras of its own school", "a hold"):
        assert words in problems
    assert all(p.startswith("17.1") for p in refused.value.problems)


def test_footage_asked_for_is_held_at_once_until_the_outcome(head, school, gate):
    complaint = record(
        head, school, cameras=[gate], window_start=WINDOW_START, window_end=WINDOW_END, hold=True
    )
    hold = complaint.hold
    assert hold.purpose == HoldPurpose.COMPLAINT and list(hold.cameras.all()) == [gate]
    assert (hold.start, hold.end, hold.released_at) == (WINDOW_START, WINDOW_END, None)
    services.record_outcome(
        head, complaint, outcome=Outcome.NOT_UPHELD, note="Signs are in place.", told_on=TODAY, now=NOW
    )
    hold.refresh_from_db()
    assert hold.released_at == NOW


def test_a_hold_may_be_asked_for_later(complaint, sar_handler, gate):
    hold = services.hold_footage(
        sar_handler, complaint, cameras=[gate], window_start=WINDOW_START, window_end=WINDOW_END, now=NOW
    )
    complaint.refresh_from_db()
    assert complaint.hold == hold and list(complaint.cameras.all()) == [gate]
    with pytest.raises(PolicyRefusal, match="held already"):
        services.hold_footage(
            sar_handler, complaint, cameras=[gate], window_start=WINDOW_START, window_end=WINDOW_END, now=NOW
        )


def test_a_complaint_about_a_subject_access_request_links_to_it(sar_handler, school, gate, other_school):
    case = log_sar(sar_handler, school, [gate])
    complaint = record(sar_handler, school, subject_access=case)
    assert list(case.complaints.all()) == [complaint]
    theirs = log_sar(
        person(Role.SAR_HANDLER, other_school), other_school, [CameraFactory(school=other_school)]
    )
    with pytest.raises(PolicyRefusal, match="its own school"):
        record(sar_handler, school, subject_access=theirs)


def test_acknowledgement_is_recorded_once_and_a_late_one_says_so(complaint, sar_handler):
    assert complaint.next_step().stage == Stage.ACKNOWLEDGE
    late_day = complaint.received_on + timedelta(days=32)
    services.acknowledge(sar_handler, complaint, acknowledged_on=late_day, now=NOW + timedelta(days=40))
    event = AuditEvent.objects.get(action="complaints.acknowledged")
    assert event.details["late_by_days"] == 2
    assert complaint.next_step().stage == Stage.UPDATE
    with pytest.raises(PolicyRefusal, match="acknowledged already"):
        services.acknowledge(sar_handler, complaint, acknowledged_on=late_day, now=NOW + timedelta(days=40))


def test_an_acknowledgement_needs_a_day_not_in_the_future(complaint, sar_handler):
    for day in (None, TODAY + timedelta(days=1)):
        with pytest.raises(PolicyRefusal):
            services.acknowledge(sar_handler, complaint, acknowledged_on=day, now=NOW)


def test_progress_updates_move_the_next_prompt(complaint, sar_handler):
    services.acknowledge(sar_handler, complaint, acknowledged_on=TODAY, now=NOW)
    services.add_step(
        sar_handler, complaint, kind=StepKind.ENQUIRY, on=TODAY, note="Asked the site team", now=NOW
    )
    assert complaint.next_step().due == TODAY + timedelta(days=30)
    later = NOW + timedelta(days=10)
    day = TODAY + timedelta(days=10)
    services.add_step(sar_handler, complaint, kind=StepKind.PROGRESS, on=day, note="Wrote to say", now=later)
    assert complaint.next_step().due == day + timedelta(days=30)
    with pytest.raises(PolicyRefusal, match="say what the update was"):
        services.add_step(sar_handler, complaint, kind=StepKind.PROGRESS, on=day, note=" ", now=later)


def test_the_outcome_is_the_headteachers_or_the_dpos(complaint, school, dpo):
    with pytest.raises(PermissionDenied):
        services.record_outcome(
            person(Role.DESIGNATED_PERSON, school),
            complaint,
            outcome=Outcome.UPHELD,
            note="x",
            told_on=TODAY,
            now=NOW,
        )
    services.record_outcome(
        dpo, complaint, outcome=Outcome.PARTLY_UPHELD, note="We moved the camera.", told_on=TODAY, now=NOW
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED and complaint.acknowledged_on == TODAY  # the letter acknowledges
    assert complaint.next_step().stage == Stage.NONE
    with pytest.raises(PolicyRefusal, match="has its outcome already"):
        services.add_step(dpo, complaint, kind=StepKind.ENQUIRY, on=TODAY, note="More", now=NOW)


def test_the_outcome_letter_names_the_ico_and_the_route(complaint, head):
    with pytest.raises(PolicyRefusal, match="record the outcome first"):
        outcome_letter(complaint)
    services.record_outcome(
        head, complaint, outcome=Outcome.NOT_UPHELD, note="The camera is lawful.", told_on=TODAY, now=NOW
    )
    text = "\n".join(paragraphs(complaint))
    assert ICO_CONTACT in text and "0303 123 1113" in text and "Complaints Policy" in text
    assert "not upheld" in text and "The camera is lawful." in text and "the CCTV system" in text
    assert outcome_letter(complaint).startswith(b"%PDF")


def test_a_complaint_not_about_personal_data_still_learns_of_the_ico(head, school):
    complaint = record(head, school, data_protection=False)
    assert complaint.next_step().stage == Stage.NONE  # no statutory clock
    services.record_outcome(
        head, complaint, outcome=Outcome.WITHDRAWN, note="Resolved.", told_on=TODAY, now=NOW
    )
    text = "\n".join(paragraphs(complaint))
    assert "concerns how we use personal information" in text and ICO_CONTACT in text
