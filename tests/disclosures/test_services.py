"""Disclosure services (11.1–11.7): real database, real files, real TOTP codes, the real evidence workflow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.disclosures.cases import (
    ADMIN,
    DEPUTY,
    DPO,
    HEAD,
    PDF,
    PNG,
    REVIEWER,
    SAR,
    code,
    foi_request,
    outside_request,
    police_fields,
    police_request,
    review_asked,
    review_decided,
    reviewed,
    with_document,
)
from tests.factories import CameraFactory, person
from tests.viewing.conftest import code_for, wrong_code_for
from tests.viewing.footage import store_footage
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.actors import SYSTEM
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.second_factor import SecondFactorRefused
from watchkeeper.disclosures import services
from watchkeeper.disclosures.models import (
    Disclosure,
    DisclosureRequest,
    DocumentKind,
    FOIDecision,
    LegalBasis,
    RequestStatus,
)
from watchkeeper.estate.models import Purpose
from watchkeeper.evidence import services as evidence
from watchkeeper.evidence.models import DownloadRequest
from watchkeeper.recording.models import HoldPurpose
from watchkeeper.viewing import services as viewing

pytestmark = pytest.mark.django_db


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def approve_for_crime(head, req) -> None:
    """The Headteacher approves a reviewed police request for the prevention of crime (4.1.4)."""
    services.decide(
        head,
        req,
        approve=True,
        code=code(head),
        reason="Theft",
        confirmed_purpose="4.1.4",
        now=timezone.now(),
    )


# --- police requests (11.2, 11.3) ---------------------------------------------------------------------------


@pytest.mark.clause("11.2", "R24")
def test_a_police_request_is_logged_with_the_crime_basis_and_audited(school) -> None:
    req = police_request(school)
    assert (req.status, req.legal_basis, req.requester_organisation) == (
        RequestStatus.PENDING,
        LegalBasis.CRIME,
        "Midshire Police",
    )
    [event] = events("disclosures.request_logged")
    assert event.details["collar_number"] == "4471" and event.details["purpose"] == "4.1.4"


@pytest.mark.clause("4.1", "11.2")
def test_a_police_request_that_fits_no_purpose_of_the_cctv_is_refused(school) -> None:
    camera = CameraFactory(school=school)
    with pytest.raises(PolicyRefusal) as refused:
        services.log_police_request(
            person(ADMIN, school), **police_fields(school, camera, purpose="none"), now=timezone.now()
        )
    assert refused.value.problems[0].startswith("11.2:")
    assert not events("disclosures.request_logged")


@pytest.mark.clause("11.1", "11.3")
def test_a_police_request_needs_the_officer_and_reference_and_a_past_window(school) -> None:
    camera = CameraFactory(school=school)
    future = timezone.now() + timedelta(hours=1)
    fields = police_fields(school, camera, collar_number=" ", crime_reference="", end=future)
    with pytest.raises(PolicyRefusal) as refused:
        services.log_police_request(person(ADMIN, school), **fields, now=timezone.now())
    text = " ".join(refused.value.problems)
    assert "collar number" in text and "crime or incident reference" in text and "ended already" in text


def test_another_schools_camera_is_refused(school, other_school) -> None:
    camera = CameraFactory(school=other_school)
    with pytest.raises(PolicyRefusal, match="this school's"):
        services.log_police_request(
            person(ADMIN, school), **police_fields(school, camera), now=timezone.now()
        )


def test_a_reviewer_may_not_log_a_request(school) -> None:
    with pytest.raises(PermissionDenied):
        police_request(school, by=person(REVIEWER, school))


def test_the_s29_note_names_the_repealed_act_and_its_successor() -> None:
    assert "section 29 of the Data Protection Act 1998" in services.S29_NOTE
    assert "repealed" in services.S29_NOTE
    assert "Schedule 2 Part 1 paragraph 2" in services.S29_NOTE


@pytest.mark.clause("11.3", "R24")
def test_the_head_approves_with_a_code_and_the_footage_enters_the_evidence_workflow(school) -> None:
    req = reviewed(police_request(school))
    head = person(HEAD, school)
    services.decide(
        head,
        req,
        approve=True,
        code=code(head),
        reason="Crime: theft",
        confirmed_purpose="4.1.4",
        now=timezone.now(),
    )
    req.refresh_from_db()
    assert (req.status, req.decided_by, req.confirmed_purpose) == (RequestStatus.APPROVED, head, "4.1.4")
    download = DownloadRequest.objects.get(pk=req.download_request_id)
    assert (download.purpose, download.recipient_name, download.recipient_organisation) == (
        "police",
        "PC Jane Holt",
        "Midshire Police",
    )
    assert download.case_reference == "MP/24/01832"
    assert download.legal_basis.startswith("DPA 2018 Sch 2 Part 1 para 2")
    assert list(download.cameras.all()) == list(req.cameras.all())
    [approved] = events("disclosures.request_approved")
    assert approved.actor == head and approved.details["download_request"] == download.pk


@pytest.mark.clause("11.2")
def test_approval_needs_the_head_to_confirm_a_purpose(school) -> None:
    req = police_request(school)
    head = person(HEAD, school)
    with pytest.raises(PolicyRefusal, match="11.2"):
        services.decide(
            head,
            req,
            approve=True,
            code=code(head),
            reason="ok",
            confirmed_purpose="none",
            now=timezone.now(),
        )
    req.refresh_from_db()
    assert req.status == RequestStatus.PENDING and not DownloadRequest.objects.exists()


def test_a_wrong_code_refuses_the_decision_and_is_audited(school) -> None:
    req = police_request(school)
    head = person(HEAD, school)
    with pytest.raises(SecondFactorRefused):
        services.decide(head, req, approve=False, code=wrong_code_for(head), reason="No", now=timezone.now())
    req.refresh_from_db()
    assert req.status == RequestStatus.PENDING
    assert events("disclosures.second_factor_refused")


def test_a_refusal_records_its_reason_and_sends_nothing(school) -> None:
    req = police_request(school)
    deputy = person(DEPUTY, school)
    services.decide(
        deputy,
        req,
        approve=False,
        code=code(deputy),
        reason="Outside the purposes (11.2)",
        now=timezone.now(),
    )
    req.refresh_from_db()
    assert (req.status, req.decision_reason, req.download_request_id) == (
        RequestStatus.REFUSED,
        "Outside the purposes (11.2)",
        None,
    )
    assert not DownloadRequest.objects.exists()
    with pytest.raises(PolicyRefusal, match="decided already"):
        services.decide(
            deputy,
            req,
            approve=True,
            code=code(deputy),
            reason="x",
            confirmed_purpose="4.1.4",
            now=timezone.now(),
        )


def test_a_cctv_admin_may_not_decide(school) -> None:
    req = police_request(school)
    admin = person(ADMIN, school)
    with pytest.raises(PermissionDenied):
        services.decide(admin, req, approve=False, code=code(admin), reason="no", now=timezone.now())


# --- outside bodies and their documents (11.5) --------------------------------------------------------------


@pytest.mark.clause("11.5", "R24")
def test_an_outside_body_is_approved_only_with_documentary_evidence(school) -> None:
    req = outside_request(school)
    head = person(HEAD, school)
    with pytest.raises(PolicyRefusal, match="documentary evidence"):
        services.decide(head, req, approve=True, code=code(head), reason="Claim", now=timezone.now())
    with_document(req)
    reviewed(req)
    services.decide(head, req, approve=True, code=code(head), reason="Claim documented", now=timezone.now())
    download = DownloadRequest.objects.get(pk=req.download_request_id)
    assert download.purpose == "third_party"
    assert download.legal_basis.startswith("DPA 2018 Sch 2 Part 1 para 5")


def test_an_outside_body_cannot_use_the_police_basis(school) -> None:
    camera = CameraFactory(school=school)
    with pytest.raises(PolicyRefusal, match="para 5"):
        services.log_outside_request(
            person(ADMIN, school),
            school=school,
            kind="insurer",
            requester_name="A",
            organisation="B Insurance",
            reference="",
            cameras=[camera],
            start=timezone.now() - timedelta(days=1),
            end=timezone.now() - timedelta(hours=23),
            sought="x",
            reason="claim",
            grounds="legal_proceedings",
            legal_basis=LegalBasis.CRIME,
            received_on=timezone.localdate(),
            now=timezone.now(),
        )


@pytest.mark.clause("9.1", "R15")
def test_a_document_is_encrypted_on_disk_and_opened_only_for_the_school(
    school, other_school, data_dir
) -> None:
    req = outside_request(school)
    secret = PDF + b"Court order: Northfield v Smith, disclose camera footage\n"
    document = services.upload_document(
        person(ADMIN, school),
        req,
        kind=DocumentKind.COURT_ORDER,
        name="order.pdf",
        data=secret,
        now=timezone.now(),
    )
    path = services.document_path(document)
    assert path.is_relative_to(data_dir / "disclosures")
    stored = path.read_bytes()
    assert b"Northfield v Smith" not in stored and not stored.startswith(b"%PDF")
    dpo = person(DPO, None)
    assert services.open_document(dpo, document) == secret
    [opened] = events("disclosures.document_opened")
    assert opened.actor == dpo and opened.details["sha256"] == document.sha256
    with pytest.raises(PermissionDenied):
        services.open_document(person(HEAD, other_school), document)
    assert len(events("disclosures.document_opened")) == 1


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("order.exe", b"MZ\x90\x00", "not a PDF, JPEG or PNG"),
        ("order.pdf", PNG, "its content is not one"),
        ("order.pdf", b"", "is empty"),
    ],
)
@pytest.mark.clause("11.5")
def test_uploads_are_type_checked_with_clear_errors(
    school, data_dir, name: str, data: bytes, words: str
) -> None:
    req = outside_request(school)
    with pytest.raises(PolicyRefusal, match=words):
        services.upload_document(
            person(ADMIN, school), req, kind=DocumentKind.OTHER, name=name, data=data, now=timezone.now()
        )
    assert not req.documents.exists()
    assert not list((data_dir / "disclosures").rglob("*.bin"))


def test_uploads_over_the_size_limit_are_refused(school, settings) -> None:
    settings.MAX_UPLOAD_BYTES = 1000
    req = outside_request(school)
    with pytest.raises(PolicyRefusal, match="at most 1,000 bytes"):
        services.upload_document(
            person(ADMIN, school),
            req,
            kind=DocumentKind.OTHER,
            name="big.pdf",
            data=PDF + b"x" * 1000,
            now=timezone.now(),
        )


def test_a_png_scan_is_accepted(school) -> None:
    req = outside_request(school)
    doc = services.upload_document(
        person(ADMIN, school),
        req,
        kind=DocumentKind.SIGNED_REQUEST,
        name="s.PNG",
        data=PNG,
        now=timezone.now(),
    )
    assert doc.content_type == "image/png"


@pytest.mark.clause("3.5", "11.5")
def test_one_click_escalates_to_the_dpo_who_advises(school) -> None:
    req = with_document(outside_request(school))
    head = person(HEAD, school)
    services.escalate(head, req, "The order is unclear about which cameras", now=timezone.now())
    req.refresh_from_db()
    assert req.escalated_by == head and req.escalated_at is not None
    [event] = events("disclosures.escalated_to_dpo")
    assert event.details["documents"] == 1
    with pytest.raises(PolicyRefusal, match="already"):
        services.escalate(head, req, now=timezone.now())
    with pytest.raises(PermissionDenied):
        services.advise(head, req, "I advise myself", now=timezone.now())
    dpo = person(DPO, None)
    services.advise(dpo, req, "Disclose only the camera the order names", now=timezone.now())
    req.refresh_from_db()
    assert (req.dpo_advice, req.advised_by) == ("Disclose only the camera the order names", dpo)


def test_the_dpo_advises_only_on_referred_requests(school) -> None:
    with pytest.raises(PolicyRefusal, match="not referred"):
        services.advise(person(DPO, None), outside_request(school), "advice", now=timezone.now())


# --- FOI (11.7) ---------------------------------------------------------------------------------------------


@pytest.mark.clause("11.7", "R25")
def test_an_foi_request_is_logged_with_its_deadline(school) -> None:
    foi = foi_request(school)
    [event] = events("disclosures.foi_logged")
    assert event.details["due"] == services.foi_deadline(foi).due.isoformat()


@pytest.mark.clause("11.7", "R25")
def test_withholding_under_s40_2_discloses_nothing(school) -> None:
    foi = foi_request(school)
    head = person(HEAD, school)
    services.decide_foi(
        head, foi, decision=FOIDecision.WITHHELD, reason="Identifiable pupils", now=timezone.now()
    )
    assert not Disclosure.objects.exists()
    with pytest.raises(PolicyRefusal, match="answered already"):
        services.decide_foi(
            head, foi, decision=FOIDecision.RELEASED, reason="changed mind", now=timezone.now()
        )


@pytest.mark.clause("11.1", "11.7", "R24")
def test_a_release_goes_in_the_register(school) -> None:
    foi = foi_request(school)
    head = person(HEAD, school)
    services.decide_foi(
        head, foi, decision=FOIDecision.PARTLY, reason="Stills with faces blurred", now=timezone.now()
    )
    row = Disclosure.objects.get()
    assert (row.recipient_name, row.authorised_by, row.reference) == ("Sam Reed", head, f"FOI-{foi.pk}")
    assert row.legal_basis.startswith("FOIA 2000")


@pytest.mark.clause("11.7", "R25")
def test_closures_change_the_deadline_and_are_audited(school) -> None:
    foi = foi_request(school)
    before = services.foi_deadline(foi).due
    head = person(HEAD, school)
    received = foi.received_on
    period = services.add_closure(
        head,
        school=school,
        first_day=received,
        last_day=received + timedelta(days=14),
        description="Holiday",
        now=timezone.now(),
    )
    assert services.foi_deadline(foi).due > before
    services.remove_closure(head, period)
    assert services.foi_deadline(foi).due == before
    assert events("disclosures.closure_added") and events("disclosures.closure_removed")
    with pytest.raises(PolicyRefusal, match="before its first"):
        services.add_closure(
            head,
            school=school,
            first_day=received,
            last_day=received - timedelta(days=1),
            description="x",
            now=timezone.now(),
        )


# --- record_disclosure (11.1) -------------------------------------------------------------------------------


def test_a_sar_handler_records_an_in_school_viewing(school) -> None:
    handler, head = person(SAR, school), person(HEAD, school)
    row = services.record_disclosure(
        handler,
        school=school,
        recipient_name="Pat Jones",
        recipient_organisation="",
        what="In-school viewing of the main gate footage, 3 June 09:00–09:05",
        legal_basis="UK GDPR Art 15 (subject access)",
        authorised_by=head,
        disclosed_at=timezone.now(),
        reference="SAR-12",
        now=timezone.now(),
    )
    assert row.recorded_by == handler
    [event] = events("disclosures.disclosure_recorded")
    assert event.details["authorised_by"] == head.get_username()


@pytest.mark.clause("11.1", "R24")
def test_record_disclosure_needs_a_basis_and_an_authoriser(school) -> None:
    with pytest.raises(PolicyRefusal) as refused:
        services.record_disclosure(
            SYSTEM,
            school=school,
            recipient_name="X",
            recipient_organisation="",
            what="y",
            legal_basis=" ",
            authorised_by=None,
            disclosed_at=timezone.now(),
            now=timezone.now(),
        )
    assert len(refused.value.problems) == 2


def test_a_reviewer_may_not_record_a_disclosure(school) -> None:
    with pytest.raises(PermissionDenied):
        services.record_disclosure(
            person(REVIEWER, school),
            school=school,
            recipient_name="X",
            recipient_organisation="",
            what="y",
            legal_basis="z",
            authorised_by=person(HEAD, school),
            disclosed_at=timezone.now(),
            now=timezone.now(),
        )


def test_purposes_offered_are_the_policys() -> None:
    assert Purpose.CRIME.value == "4.1.4"


def test_the_approving_head_can_then_authorise_the_download_in_the_evidence_workflow(school) -> None:
    """SYSTEM asks for the download, so the evidence workflow's "never your own request" rule does not stop
    the Headteacher who approved the disclosure from giving the Appendix I authorisation next."""
    req = reviewed(police_request(school))
    head = person(HEAD, school)
    approve_for_crime(head, req)
    download = DownloadRequest.objects.get(pk=req.download_request_id)
    assert download.requested_by is None
    decided = evidence.decide_download(
        head, download, approve=True, otp_code=code_for(head, 1), now=timezone.now()
    )
    assert decided.request.decided_by == head and decided.password


def test_foi_flags_only_near_or_overdue_open_cases(school, other_school) -> None:
    foi = foi_request(school)
    head = person(HEAD, school)
    due = services.foi_deadline(foi).due
    assert services.foi_flags(head, today=foi.received_on) == []
    [flag] = services.foi_flags(head, today=due)
    assert flag.state.flag == "due_soon"
    assert services.foi_flags(head, today=due + timedelta(days=7))[0].state.flag == "overdue"
    assert services.foi_flags(person(HEAD, other_school), today=due) == []


@pytest.mark.clause("11", "R22")
def test_the_footage_sought_is_held_from_logging_and_released_on_refusal(school) -> None:
    req = police_request(school)
    hold = req.hold
    assert hold is not None and hold.released_at is None
    assert (hold.start, hold.end, list(hold.cameras.all())) == (req.start, req.end, list(req.cameras.all()))
    assert hold.review_on > timezone.localdate()
    deputy = person(DEPUTY, school)
    services.decide(
        deputy, req, approve=False, code=code(deputy), reason="No crime purpose", now=timezone.now()
    )
    hold.refresh_from_db()
    assert hold.released_at is not None
    assert events("recording.hold_released")[0].reason.endswith("the disclosure was refused")


def test_an_approved_requests_footage_stays_held_for_the_package(school) -> None:
    req = reviewed(police_request(school))
    head = person(HEAD, school)
    approve_for_crime(head, req)
    req.hold.refresh_from_db()
    assert req.hold.released_at is None


# --- the review before the decision (11.3 applies 10.2) ----------------------------------------------------


@pytest.mark.clause("10.2", "11.3")
def test_approval_waits_for_an_approved_review_and_its_finding(school) -> None:
    req = police_request(school)
    head = person(HEAD, school)

    def approve(step: int) -> None:
        services.decide(
            head,
            req,
            approve=True,
            code=code_for(head, step),
            reason="Theft",
            confirmed_purpose="4.1.4",
            now=timezone.now(),
        )

    with pytest.raises(PolicyRefusal, match=r"11\.3, 10\.2: the footage must be reviewed"):
        approve(0)
    reviewer = review_asked(req)
    with pytest.raises(PolicyRefusal, match=r"11\.3, 10\.2: the footage must be reviewed"):
        approve(0)  # asked for, not yet approved
    review_decided(req)
    with pytest.raises(PolicyRefusal, match="not yet recorded what the footage shows"):
        approve(0)
    req.refresh_from_db()
    assert req.status == RequestStatus.PENDING and not DownloadRequest.objects.exists()
    services.record_finding(
        reviewer, req, outcome="shows", finding="Two people take the bicycles", now=timezone.now()
    )
    approve(0)
    req.refresh_from_db()
    assert req.status == RequestStatus.APPROVED and req.download_request_id is not None
    [approved] = events("disclosures.request_approved")
    assert (approved.details["review"], approved.details["review_outcome"]) == (req.review_id, "shows")


def test_the_review_is_a_disclosure_authorisation_for_the_requests_footage(school) -> None:
    req = police_request(school)
    reviewer = review_asked(req)
    req.refresh_from_db()
    auth = req.review
    assert auth is not None
    assert (auth.reason_category, auth.requested_by, auth.status) == ("disclosure", reviewer, "pending")
    assert (auth.start, auth.end, list(auth.cameras.all())) == (req.start, req.end, list(req.cameras.all()))
    assert "11.3, 10.2" in auth.reason and req.sought in auth.reason
    [asked] = events("disclosures.review_requested")
    assert (asked.actor, asked.details["authorisation"]) == (reviewer, auth.pk)
    assert events("viewing.requested")[0].object_id == str(auth.pk)
    with pytest.raises(PolicyRefusal, match="already has a review authorisation"):
        services.request_review(person(REVIEWER, school), req, now=timezone.now())
    review_decided(req, approve=False)
    services.request_review(
        person(ADMIN, school), req, now=timezone.now()
    )  # declined: the CCTV administrator asks again
    req.refresh_from_db()
    assert req.review is not None and req.review.pk != auth.pk and req.review.status == "pending"


def test_only_approved_reviewers_ask_for_a_review(school, other_school) -> None:
    req = police_request(school)
    for role in (HEAD, DEPUTY, DPO, SAR):
        with pytest.raises(PermissionDenied):
            services.request_review(person(role, school), req, now=timezone.now())
    with pytest.raises(PermissionDenied):
        services.request_review(person(REVIEWER, other_school), req, now=timezone.now())
    with pytest.raises(PermissionDenied):
        services.request_review(SYSTEM, req, now=timezone.now())
    assert not events("disclosures.review_requested")


@pytest.mark.clause("10.2", "11.3")
def test_only_the_reviewer_who_viewed_records_the_finding(school) -> None:
    req = police_request(school)
    reviewer = review_asked(req)
    with pytest.raises(PolicyRefusal, match="has not been approved"):
        services.record_finding(reviewer, req, outcome="shows", finding="Seen", now=timezone.now())
    review_decided(req)
    with pytest.raises(PolicyRefusal, match="only the reviewer who viewed"):
        services.record_finding(
            person(REVIEWER, school), req, outcome="shows", finding="Seen", now=timezone.now()
        )
    with pytest.raises(PolicyRefusal) as refused:
        services.record_finding(reviewer, req, outcome="maybe", finding="  ", now=timezone.now())
    assert len(refused.value.problems) == 2
    services.record_finding(
        reviewer, req, outcome="not_shown", finding="The rack is out of view", now=timezone.now()
    )
    req.refresh_from_db()
    assert (req.review_outcome, req.review_finding, req.finding_by) == (
        "not_shown",
        "The rack is out of view",
        reviewer,
    )
    [found] = events("disclosures.review_finding_recorded")
    assert (found.actor, found.reason, found.details["outcome"]) == (
        reviewer,
        "The rack is out of view",
        "not_shown",
    )


def test_a_decided_request_is_not_reviewed(school) -> None:
    req = police_request(school)
    deputy = person(DEPUTY, school)
    services.decide(
        deputy, req, approve=False, code=code(deputy), reason="No purpose (11.2)", now=timezone.now()
    )
    with pytest.raises(PolicyRefusal, match="decided already"):
        services.request_review(person(REVIEWER, school), req, now=timezone.now())


def test_the_reviewer_views_the_held_footage_under_the_review(school) -> None:
    """The request's hold has purpose DISCLOSURE, so it keeps the footage from erasure without locking it
    away as evidence (9.6): the approved reviewer is served it."""
    req = police_request(school)
    camera = req.cameras.get()
    stored = store_footage(camera, req.start, [(b"first segment", 2.0), (b"second segment", 2.0)])
    reviewer = review_asked(req)
    review_decided(req)
    assert req.hold is not None and req.hold.purpose == HoldPurpose.DISCLOSURE
    now = timezone.now()
    served = viewing.viewable_segments(reviewer, req.review, camera, now)
    assert [s.pk for s in served][: len(stored)] == [s.pk for s in stored]
    assert viewing.open_segment(reviewer, req.review, served[0], now) == b"first segment"


@pytest.mark.clause("11.1", "R24")
def test_exporting_the_register_is_audited_by_the_service_itself(school, other_school) -> None:
    """Issue 12 §4: the service that reads the register for an export records the export, so the web and
    a command record alike; each person gets only the schools they hold the register for."""
    head = person(HEAD, school)
    services.decide_foi(
        head, foi_request(school), decision=FOIDecision.RELEASED, reason="No people shown", now=timezone.now()
    )
    rows = services.export_register(head, school=school, form="csv")
    assert [row.recipient for row in rows] == ["Sam Reed"]
    [event] = events("disclosures.register_exported")
    assert (event.actor_name, event.details) == (
        head.get_username(),
        {"school": school.pk, "rows": 1, "format": "csv"},
    )
    assert services.export_register(person(HEAD, other_school), school=None, form="pdf") == []
    with pytest.raises(ValueError, match="csv or pdf"):
        services.export_register(head, school=school, form="xlsx")


def test_the_services_take_the_moment_from_their_caller(school) -> None:
    """Issue 12 §4: no service reads the clock; what it records as "when" is the moment its caller gave."""
    moment = (timezone.now() - timedelta(hours=3)).replace(microsecond=0)
    head = person(HEAD, school)
    row = services.record_disclosure(
        head,
        school=school,
        recipient_name="Pat Jones",
        recipient_organisation="",
        what="In-school viewing",
        legal_basis="UK GDPR Art 15 (subject access)",
        authorised_by=head,
        disclosed_at=moment,
        now=moment,
    )
    assert row.recorded_at == moment
    req = police_request(school, end=moment, now=moment)
    assert req.logged_at == moment


@pytest.mark.clause("11.5")
def test_two_referrals_of_one_request_at_once_refer_it_once(school) -> None:
    """Issue 12 §4: the referral checks the row it locked, not the copy each caller loaded: the second of
    two people pressing "Refer to the DPO" on the same page is refused."""
    req = outside_request(school)
    first, second = DisclosureRequest.objects.get(pk=req.pk), DisclosureRequest.objects.get(pk=req.pk)
    services.escalate(person(HEAD, school), first, "Unclear order", now=timezone.now())
    with pytest.raises(PolicyRefusal, match="with the DPO already"):
        services.escalate(person(ADMIN, school), second, "Me too", now=timezone.now())
    assert len(events("disclosures.escalated_to_dpo")) == 1
