"""The DPO's settings (issue 13): what an overdue review does to a camera in service (flag and escalate, the
default, or suspend; 18.1, 6.1), activation still refused without an approved DPIA (7.1), legacy cameras only
under a retrospective DPIA (7.3), the sharing section required at approval (11.6), the appropriate policy
document (DPA 2018 Sch 1 Part 4), privacy notices beside the signs (R5) and the differences the DPO should
know on the compliance report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from tests.compliance.helpers import audited, pdf
from tests.factories import ApprovedDPIAFactory, CameraFactory, DPIAFactory, SignFactory, person
from tests.refusals import shows_refusal
from watchkeeper.compliance.differences import differences
from watchkeeper.compliance.gates import activation_problems, in_service_problems
from watchkeeper.compliance.models import DPIA, DPIAStatus, OverdueReviews, PrivacyNotice, Sign
from watchkeeper.compliance.notices import record_privacy_notice, review_due
from watchkeeper.compliance.services import approve_dpia, exceptions_for, set_dpia_sharing
from watchkeeper.compliance.trust import policy_document_status, settings_of, update_trust_settings
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.estate.models import Camera, CameraStatus
from watchkeeper.people.models import Role
from watchkeeper.recording.recorder import footage_problems

TODAY = dt.date(2026, 12, 7)
NOW = dt.datetime(2026, 12, 7, 10, tzinfo=dt.UTC)


def approved(review_on: dt.date = TODAY + dt.timedelta(days=100), **fields: object) -> DPIA:
    return DPIA(status=DPIAStatus.APPROVED, next_review_on=review_on, **fields)


def checked(days_ago: int | None = 10) -> Sign:
    on = None if days_ago is None else TODAY - dt.timedelta(days=days_ago)
    return Sign(school_id=1, placement="entrance", last_checked_on=on)


def gate_camera(**fields: object) -> Camera:
    values = {"school_id": 1, "name": "Main gate", "location_type": "entrance", "purposes": ["4.1.1"]}
    return Camera(**{**values, **fields})


OVERDUE = approved(TODAY - dt.timedelta(days=1))


# --- The gates, pure (18.1, 6.1, 7.1, 7.3) --------------------------------------------------------------


@pytest.mark.clause("18.1", "6.1", "R3")
def test_flag_and_escalate_keeps_a_camera_with_an_overdue_review_or_sign_check_recording() -> None:
    camera = gate_camera()
    assert in_service_problems(camera, [OVERDUE], [checked()], TODAY, suspend_overdue=False) == []
    assert in_service_problems(camera, [approved()], [checked(400)], TODAY, suspend_overdue=False) == []


@pytest.mark.clause("18.1", "6.1", "R3")
def test_suspend_stops_a_camera_with_an_overdue_review_or_sign_check() -> None:
    camera = gate_camera()
    assert in_service_problems(camera, [OVERDUE], [checked()], TODAY, suspend_overdue=True) == [
        "7.1/18.1: the DPIA covering Main gate is past its review date — review and re-approve it"
    ]
    assert in_service_problems(camera, [approved()], [checked(400)], TODAY, suspend_overdue=True) == [
        "6.1: the school has no checked CCTV sign at an entrance point"
    ]


@pytest.mark.clause("7.1", "6.1", "R2")
def test_no_approved_dpia_or_a_sign_never_checked_stops_a_camera_whatever_the_setting() -> None:
    camera = gate_camera()
    draft = DPIA(status=DPIAStatus.DRAFT)
    for suspend in (False, True):
        assert in_service_problems(camera, [draft], [checked()], TODAY, suspend_overdue=suspend) == [
            "7.1: no approved DPIA covers Main gate"
        ]
        assert in_service_problems(camera, [approved()], [checked(None)], TODAY, suspend_overdue=suspend) == [
            "6.1: the school has no checked CCTV sign at an entrance point"
        ]


@pytest.mark.clause("7.1", "18.1", "R2")
def test_activation_still_needs_an_in_date_dpia_and_a_sign_checked_this_year() -> None:
    camera = gate_camera()
    assert activation_problems(camera, [OVERDUE], [checked()], TODAY) != []
    assert activation_problems(camera, [approved()], [checked(400)], TODAY) != []
    assert activation_problems(camera, [approved()], [checked()], TODAY) == []


@pytest.mark.clause("7.3", "R2")
def test_a_legacy_camera_records_only_under_a_retrospective_dpia() -> None:
    legacy = gate_camera(legacy=True)
    refused = [
        "7.3: Main gate was installed before DPIAs, so it records only under an approved retrospective DPIA "
        "— draft a retrospective DPIA for it and ask the DPO to approve it"
    ]
    assert activation_problems(legacy, [approved()], [checked()], TODAY) == refused
    assert in_service_problems(legacy, [approved()], [checked()], TODAY, suspend_overdue=False) == refused
    assert activation_problems(legacy, [approved(retrospective=True)], [checked()], TODAY) == []
    # An ordinary camera is covered by a retrospective DPIA as well as an ordinary one.
    assert activation_problems(gate_camera(), [approved(retrospective=True)], [checked()], TODAY) == []


# --- The setting, end to end: the recorder's gate and the exceptions list -------------------------------


@pytest.fixture
def dpo():
    return person(Role.DPO, None)


@pytest.fixture
def overdue_camera(db, school):
    camera = CameraFactory(school=school, name="Yard", status=CameraStatus.ACTIVE)
    ApprovedDPIAFactory(
        school=school, cameras=[camera], next_review_on=timezone.localdate() - dt.timedelta(days=1)
    )
    SignFactory(school=school)
    return camera


def _suspend(dpo, trust) -> None:
    update_trust_settings(dpo, trust, {"overdue_reviews": OverdueReviews.SUSPEND}, now=NOW)


@pytest.mark.django_db
@pytest.mark.clause("18.1", "R3")
def test_by_default_the_recorder_keeps_recording_and_the_exceptions_list_escalates(overdue_camera, school):
    today = timezone.localdate()
    assert settings_of(school.trust_id).overdue_reviews == OverdueReviews.FLAG
    assert footage_problems(overdue_camera, Sign.objects.filter(school=school), today) == []
    [(camera, found)] = exceptions_for(Camera.objects.all(), today)
    assert found == [
        "18.1: DPIA review overdue — review and re-approve it; the camera keeps recording meanwhile "
        "(the DPO's setting: flag and escalate)"
    ]


@pytest.mark.django_db
@pytest.mark.clause("18.1", "R3")
def test_under_suspend_the_recorder_stops_and_the_exceptions_list_says_so(overdue_camera, school, trust, dpo):
    _suspend(dpo, trust)
    today = timezone.localdate()
    assert footage_problems(overdue_camera, Sign.objects.filter(school=school), today) == [
        "7.1/18.1: the DPIA covering Yard is past its review date — review and re-approve it"
    ]
    [(camera, found)] = exceptions_for(Camera.objects.all(), today)
    assert found == [
        "18.1: DPIA review overdue — review and re-approve it; the camera has stopped recording until it is "
        "done (the DPO's setting: suspend)"
    ]


@pytest.mark.django_db
@pytest.mark.clause("6.1", "R5")
def test_a_lapsed_sign_check_is_flagged_as_overdue_under_flag_and_escalate(school):
    camera = CameraFactory(school=school, name="Gate", status=CameraStatus.ACTIVE)
    ApprovedDPIAFactory(school=school, cameras=[camera])
    SignFactory(school=school, last_checked_on=timezone.localdate() - dt.timedelta(days=400))
    assert footage_problems(camera, Sign.objects.filter(school=school), timezone.localdate()) == []
    [(_, found)] = exceptions_for(Camera.objects.all(), timezone.localdate())
    assert found == [
        "6.1: sign check overdue: the CCTV sign at the entrance was last checked over a year ago — check it "
        "and record the check; the camera keeps recording meanwhile (the DPO's setting: flag and escalate)"
    ]


@pytest.mark.django_db
@pytest.mark.clause("7.3", "R3")
def test_the_exceptions_list_says_a_legacy_camera_without_a_retrospective_dpia_does_not_record(school):
    legacy = CameraFactory(school=school, name="Old yard", legacy=True, status=CameraStatus.ACTIVE)
    ApprovedDPIAFactory(school=school, cameras=[legacy])  # an ordinary DPIA: not enough since issue 13
    SignFactory(school=school)
    assert footage_problems(legacy, Sign.objects.filter(school=school), timezone.localdate()) != []
    [(_, found)] = exceptions_for(Camera.objects.all(), timezone.localdate())
    assert found == [
        "7.3: legacy camera without an approved retrospective DPIA — it does not record until the DPO "
        "approves one"
    ]


# --- 11.6: the sharing section is required at approval --------------------------------------------------


@pytest.mark.django_db
@pytest.mark.clause("11.6")
def test_a_dpia_without_its_sharing_section_is_not_approved(school, dpo):
    head = person(Role.HEADTEACHER, school)
    draft = DPIAFactory(school=school, cameras=[CameraFactory(school=school)], summary="  ")
    with pytest.raises(PolicyRefusal) as refused:
        approve_dpia(dpo, draft, NOW)
    assert str(refused.value.problems[0]).startswith("11.6: the DPIA does not yet say how information")
    draft.refresh_from_db()
    assert draft.status == DPIAStatus.DRAFT
    set_dpia_sharing(head, draft, "Seen in school only.")
    assert approve_dpia(dpo, draft, NOW).status == DPIAStatus.APPROVED
    assert audited("compliance.dpia_sharing_set", draft, head)


@pytest.mark.django_db
@pytest.mark.clause("11.6")
def test_the_sharing_page_writes_a_drafts_section(signed_in, school):
    head = person(Role.HEADTEACHER, school)
    draft = DPIAFactory(school=school, summary="")
    page = reverse("compliance:dpia_sharing", args=[draft.pk])
    response = signed_in(head).post(page, {"summary": "Seen in school; encrypted copies only."})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.summary == "Seen in school; encrypted copies only."


# --- The DPO's settings and the appropriate policy document ---------------------------------------------


@pytest.mark.django_db
@pytest.mark.clause("3.5", "R1")
def test_only_the_dpo_changes_the_settings_and_each_change_is_audited(school, trust, dpo):
    head = person(Role.HEADTEACHER, school)
    with pytest.raises(PermissionDenied):
        update_trust_settings(head, trust, {"overdue_reviews": OverdueReviews.SUSPEND}, now=NOW)
    with pytest.raises(PolicyRefusal) as refused:
        update_trust_settings(
            dpo,
            trust,
            {"policy_approved_on": TODAY, "policy_review_by": TODAY - dt.timedelta(days=1)},
            now=NOW,
        )
    assert "review date must come after" in str(refused.value.problems[0])
    settings = update_trust_settings(
        dpo,
        trust,
        {
            "policy_link": "https://example.org/apd",
            "policy_approved_on": TODAY - dt.timedelta(days=10),
            "policy_review_by": TODAY + dt.timedelta(days=355),
        },
        policy_document=pdf("apd.pdf"),
        now=NOW,
    )
    assert audited("compliance.trust_settings_changed", settings, dpo)
    assert settings.policy_file.name == "apd.pdf" and settings.updated_by == dpo


@pytest.mark.clause("R1")
def test_the_policy_document_is_in_place_and_in_date_or_says_why_not() -> None:
    from watchkeeper.compliance.models import TrustSettings

    none = TrustSettings()
    assert policy_document_status(none, TODAY).words == "No appropriate policy document is recorded"
    linked = TrustSettings(policy_link="https://x.example/apd", policy_approved_on=TODAY)
    assert policy_document_status(linked, TODAY).words == "In place, but no review date is set"
    linked.policy_review_by = TODAY - dt.timedelta(days=1)
    status = policy_document_status(linked, TODAY)
    assert (status.in_place, status.ok, status.words) == (True, False, "Review overdue since 06/12/2026")
    linked.policy_review_by = TODAY
    assert policy_document_status(linked, TODAY).ok


@pytest.mark.django_db
def test_the_settings_page_is_the_dpos(signed_in, school, trust, dpo):
    page = reverse("compliance:settings")
    assert signed_in(person(Role.HEADTEACHER, school)).get(page).status_code == 403
    client = signed_in(dpo)
    assert b"No appropriate policy document is recorded" in client.get(page).content
    response = client.post(
        page,
        {
            "art9_condition": "sch1_para18",
            "art10_condition": "sch1_para10",
            "policy_link": "https://example.org/apd",
            "policy_approved_on": "2026-11-01",
            "policy_review_by": "2027-11-01",
            "overdue_reviews": "suspend",
            "clock_drift_alert_seconds": "1.5",
            "escalate_after_working_days": "5",
            "policy_upload": pdf("apd.pdf"),
        },
    )
    assert response.status_code == 302
    settings = settings_of(trust.pk)
    assert (settings.art9_condition, settings.overdue_reviews) == ("sch1_para18", "suspend")
    assert (settings.clock_drift_alert_seconds, settings.escalate_after_working_days) == (1.5, 5)
    assert client.get(reverse("compliance:policy_document")).status_code == 200
    refused = client.post(
        page,
        {
            "overdue_reviews": "flag",
            "clock_drift_alert_seconds": "2",
            "escalate_after_working_days": "3",
            "policy_approved_on": "2026-11-01",
            "policy_review_by": "2026-10-01",
        },
    )
    assert refused.status_code == 400
    assert shows_refusal(refused, "DPA 2018 Sch 1 Part 4: the appropriate policy document's review date")
    head = signed_in(person(Role.HEADTEACHER, school))
    assert head.get(reverse("compliance:policy_document")).status_code == 403


# --- Privacy notices beside the signs (R5) --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.clause("6.1", "18.1", "R5")
def test_a_privacy_notice_is_recorded_shown_and_flagged_when_due(signed_in, school):
    head = person(Role.HEADTEACHER, school)
    client = signed_in(head)
    page = reverse("compliance:privacy_notice", args=[school.pk])
    year_ago = timezone.localdate() - dt.timedelta(days=366)
    response = client.post(
        page,
        {"text": "We use CCTV to keep pupils safe.", "published_where": "Website", "reviewed_on": year_ago},
    )
    assert response.status_code == 302
    notice = PrivacyNotice.objects.get(school=school)
    assert audited("compliance.privacy_notice_recorded", notice, head)
    assert review_due(notice, timezone.localdate())
    shown = client.get(reverse("compliance:school", args=[school.pk])).content.decode()
    assert "We use CCTV to keep pupils safe." in shown and "Review due since" in shown
    signs = client.get(reverse("compliance:sign_list")).content.decode()
    assert "Published: Website" in signs
    assert "Review due" in signs
    # The notices are shown once, after the signs, and the page's title is its name alone.
    assert signs.count("<h2>Privacy notices</h2>") == 1
    assert "<title>CCTV signs · Watchkeeper</title>" in signs
    with pytest.raises(PolicyRefusal) as refused:  # a notice says something: its text or a document
        record_privacy_notice(
            head,
            school,
            text=" ",
            published_where="Website",
            reviewed_on=year_ago,
            today=timezone.localdate(),
        )
    assert str(refused.value.problems[0]).startswith("UK GDPR Art 13: a privacy notice needs its text")


# --- The compliance report: lawful footing and the differences the DPO should know -----------------------


@pytest.mark.clause("11.3", "13.1", "15.1", "17.1", "R24", "R29")
def test_the_differences_name_retention_the_complaints_duty_and_section_29() -> None:
    found = {d.clause: d for d in differences(TODAY)}
    assert set(found) == {"11.3", "13.1", "15.1", "17.1"}
    assert "31 days" in found["13.1"].words and "Watchkeeper enforces 30" in found["13.1"].words
    assert "s164A" in found["17.1"].words and found["17.1"].words.count("Since 19/06/2026") == 1
    assert "From 19/06/2026" in {d.clause: d for d in differences(dt.date(2026, 6, 1))}["17.1"].words
    assert "section 29 of the Data Protection Act 1998" in found["11.3"].words


@pytest.mark.django_db
@pytest.mark.clause("R1", "R5")
def test_the_dashboard_shows_the_policy_document_and_the_differences(signed_in, school, dpo):
    page = signed_in(dpo).get(reverse("site:dashboard")).content.decode()
    assert 'id="lawful-footing"' in page and "No appropriate policy document is recorded" in page
    assert "Complaints: the policy (2022) predates the duty of DPA 2018 s164A" in page
    assert "Retention: 30 days in the policy, 31 in Home Office guidance" in page
    assert "Police requests: the 1998 Act is repealed" in page
    assert reverse("compliance:settings") in page


@pytest.mark.django_db
@pytest.mark.clause("4.1", "9.4")
def test_the_settings_page_shows_which_viewing_reasons_fit_which_camera_purposes(signed_in, dpo):
    page = signed_in(dpo).get(reverse("compliance:settings")).content.decode()
    table = page[page.index('id="reason-purposes"') :]
    assert "<td>Safeguarding (9.4)</td><td>4.1.1 A safe and secure environment" in table
    assert "Criminal activity (9.4)</td><td>4.1.2 Preventing loss" in table
    assert "<input" not in table.split("</table>")[0]  # shown, not edited


@pytest.mark.django_db
@pytest.mark.clause("9.2", "Appendix I")
def test_a_request_escalates_to_the_dpo_after_the_working_days_the_dpo_set(school, trust, dpo):
    from types import SimpleNamespace

    from watchkeeper.people import deciders

    friday = dt.datetime(2026, 12, 4, 10, tzinfo=dt.UTC)  # Wednesday 9th is 3 working days on
    asked = SimpleNamespace(pk=0, school_id=school.pk, requested_at=friday)
    wednesday = friday + dt.timedelta(days=5)
    assert "3 working days" in (deciders.escalation(deciders.VIEWING, asked, wednesday) or "")
    update_trust_settings(dpo, trust, {"escalate_after_working_days": 4}, now=NOW)
    assert deciders.escalation(deciders.VIEWING, asked, wednesday) is None
    thursday = wednesday + dt.timedelta(days=1)
    assert "4 working days" in (deciders.escalation(deciders.VIEWING, asked, thursday) or "")
