"""Issue 13 §3 in the disclosures app: the register lists every decision with its reason and the state of
its package (11.1); FOI requests name cameras and a window and hold them (11.7); a police request to keep
the copy longer says until when and goes onto the copy (13.2); every release carries the social-media
prohibition (11.4)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.disclosures.cases import (
    ADMIN,
    DEPUTY,
    END,
    HEAD,
    SAR,
    START,
    code,
    foi_request,
    police_fields,
    police_request,
    recorded_camera,
    reviewed,
)
from tests.evidence.downloads import build
from tests.factories import CameraFactory, person
from tests.viewing.conftest import code_for
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.release_terms import SOCIAL_MEDIA_PROHIBITION
from watchkeeper.disclosures import register, services
from watchkeeper.disclosures.models import Disclosure, DisclosureRequest, FOIDecision
from watchkeeper.evidence import services as evidence
from watchkeeper.evidence.models import DownloadRequest
from watchkeeper.evidence.models import RequestStatus as DownloadStatus
from watchkeeper.recording.models import HoldPurpose, Segment

pytestmark = pytest.mark.django_db


def approve(head: Any, req: Any) -> None:
    services.decide(
        head,
        req,
        approve=True,
        code=code(head),
        reason="Theft from the rack",
        confirmed_purpose="4.1.4",
        now=timezone.now(),
    )


def rows_by_reference(school: Any) -> dict[str, register.Row]:
    return {row.reference: row for row in services.register_rows(person(HEAD, school), school)}


# --- the register (11.1) -----------------------------------------------------------------------------------


@pytest.mark.clause("11.1", "R24")
def test_an_approved_police_request_whose_package_failed_stays_in_the_register(school) -> None:
    req = reviewed(police_request(school))
    head = person(HEAD, school)
    approve(head, req)
    row = rows_by_reference(school)[req.reference]
    assert (row.decision, row.reason) == (register.APPROVED, "Theft from the rack")
    assert row.package.startswith("Awaiting authorisation")
    download = DownloadRequest.objects.get(pk=req.download_request_id)
    decided = evidence.decide_download(
        head, download, approve=True, otp_code=code_for(head, 1), now=timezone.now()
    )
    # The footage is erased after the authorisation (retention, a lost disk): the build fails.
    Segment.objects.filter(camera__in=req.cameras.all()).delete()
    with pytest.raises(PolicyRefusal):
        build(download, decided.password or "")
    download.refresh_from_db()
    assert download.status == DownloadStatus.FAILED
    row = rows_by_reference(school)[req.reference]
    assert row.decision == register.APPROVED and row.package.startswith("Package failed: ")
    assert "no recorded footage" in row.package
    # Listed once: the download request made for the approval is not a second row.
    assert len([r for r in services.register_rows(head, school) if r.reference == req.reference]) == 1


@pytest.mark.clause("11.1", "R24")
def test_refusals_are_decisions_in_the_register_with_their_reasons(school) -> None:
    req = police_request(school)
    deputy = person(DEPUTY, school)
    services.decide(
        deputy, req, approve=False, code=code(deputy), reason="No crime purpose", now=timezone.now()
    )
    foi = foi_request(school)
    services.decide_foi(
        person(HEAD, school),
        foi,
        decision=FOIDecision.WITHHELD,
        reason="Pupils identifiable",
        now=timezone.now(),
    )
    found = rows_by_reference(school)
    police, withheld = found[req.reference], found[f"FOI-{foi.pk}"]
    assert (police.decision, police.reason, police.package) == (
        register.REFUSED,
        "No crime purpose",
        "None: refused, nothing released",
    )
    assert (withheld.decision, withheld.reason) == (register.REFUSED, "Pupils identifiable")
    cells = withheld.cells()
    assert register.HEADINGS[5] == "Reason" and cells[5] == "Pupils identifiable"


@pytest.mark.clause("11.1", "R24")
def test_an_undecided_request_is_not_yet_in_the_register(school) -> None:
    req = police_request(school)
    assert req.reference not in rows_by_reference(school)


# --- FOI requests name footage and hold it (11.7) ---------------------------------------------------------


@pytest.mark.clause("11.7", "R22", "R25")
def test_an_foi_request_names_cameras_and_a_window_and_holds_them(school) -> None:
    camera = recorded_camera(school, name="Playground")
    foi = foi_request(school, camera)
    hold = foi.hold
    assert hold is not None and hold.released_at is None and hold.purpose == HoldPurpose.DISCLOSURE
    assert (hold.start, hold.end, list(hold.cameras.all())) == (START, END, [camera])
    assert (foi.start, foi.end, list(foi.cameras.all())) == (START, END, [camera])
    services.decide_foi(
        person(HEAD, school), foi, decision=FOIDecision.WITHHELD, reason="s40(2)", now=timezone.now()
    )
    hold.refresh_from_db()
    assert hold.released_at is not None  # nothing leaves: the footage follows its retention again


@pytest.mark.clause("11.7", "R25")
def test_a_released_foi_keeps_its_hold_and_an_foi_without_footage_is_refused(school, other_school) -> None:
    foi = foi_request(school)
    services.decide_foi(
        person(HEAD, school), foi, decision=FOIDecision.RELEASED, reason="No people shown", now=timezone.now()
    )
    foi.hold.refresh_from_db()
    assert foi.hold.released_at is None
    terms: dict[str, Any] = {
        "school": school,
        "requester_name": "Sam Reed",
        "contact": "sam@example.org",
        "received_on": timezone.localdate(),
        "sought": "Footage",
        "start": START,
        "end": END,
        "now": timezone.now(),
    }
    with pytest.raises(PolicyRefusal, match="11.7: name at least one camera"):
        services.log_foi_request(person(ADMIN, school), cameras=[], **terms)
    elsewhere = CameraFactory(school=other_school, name="Gate")
    with pytest.raises(PolicyRefusal, match="11.7: every camera must be one of this school's"):
        services.log_foi_request(person(ADMIN, school), cameras=[elsewhere], **terms)


# --- 13.2: keeping the police's copy longer ----------------------------------------------------------------


@pytest.mark.clause("13.2", "R14")
def test_a_police_request_to_keep_longer_says_until_when_and_reaches_the_download(school) -> None:
    until = timezone.localdate() + timedelta(days=400)
    camera = recorded_camera(school, name="Main gate")
    fields = police_fields(school, camera, keep_longer=True, keep_longer_reason="Trial expected next year")
    with pytest.raises(PolicyRefusal, match="13.2: say until when"):
        services.log_police_request(person(ADMIN, school), now=timezone.now(), **fields)
    req = services.log_police_request(person(ADMIN, school), now=timezone.now(), keep_until=until, **fields)
    assert req.keep_until == until
    reviewed(req)
    approve(person(HEAD, school), req)
    download = DownloadRequest.objects.get(pk=req.download_request_id)
    assert download.keep_until == until
    assert "PC Jane Holt" in download.keep_asked_by and "Midshire Police" in download.keep_asked_by
    assert "Trial expected next year" in download.keep_reason


# --- 11.4: the social-media prohibition ---------------------------------------------------------------------


@pytest.mark.clause("11.4")
def test_the_police_approval_text_carries_the_social_media_prohibition(school) -> None:
    assert SOCIAL_MEDIA_PROHIBITION in services.RELEASE_CONDITIONS
    req = reviewed(police_request(school))
    head = person(HEAD, school)
    approve(head, req)
    page = sign_in(Client(), head).get(reverse("disclosures:request_detail", args=[req.pk])).content.decode()
    assert 'id="release-conditions"' in page and SOCIAL_MEDIA_PROHIBITION in page


@pytest.mark.clause("11.4")
def test_an_foi_release_and_an_in_school_viewing_record_the_prohibition(school) -> None:
    foi = foi_request(school)
    services.decide_foi(
        person(HEAD, school), foi, decision=FOIDecision.PARTLY, reason="Blurred stills", now=timezone.now()
    )
    released = Disclosure.objects.get(reference=f"FOI-{foi.pk}")
    assert SOCIAL_MEDIA_PROHIBITION in released.conditions
    assert released.reason.startswith("Freedom of Information request (11.7)")
    viewing = services.record_disclosure(
        person(SAR, school),
        school=school,
        recipient_name="Pat Jones",
        recipient_organisation="",
        what="In-school viewing (10.3)",
        legal_basis="UK GDPR Art 15",
        authorised_by=person(HEAD, school),
        disclosed_at=timezone.now(),
        now=timezone.now(),
        reason="Subject access request",
    )
    assert SOCIAL_MEDIA_PROHIBITION in viewing.conditions and viewing.reason == "Subject access request"


@pytest.mark.clause("13.2", "R14")
def test_the_police_form_takes_the_date_they_ask_the_copy_kept_until(school) -> None:
    from tests.disclosures.test_views import police_post, url

    ctx: dict[str, Any] = {"school": school}
    until = timezone.localdate() + timedelta(days=300)
    data = police_post(ctx) | {
        "keep_longer": "on",
        "keep_until": until.isoformat(),
        "keep_longer_reason": "Trial listed for next spring",
    }
    client = sign_in(Client(), person(ADMIN, school))
    response = client.post(url("police_new", school=True)(ctx), data)
    assert response.status_code == 302
    req = DisclosureRequest.objects.get(reference="MP/24/09999")
    assert (req.keep_longer, req.keep_until) == (True, until)
    page = client.get(response["Location"]).content.decode()
    assert 'id="keep-longer"' in page and f"{until:%d/%m/%Y}" in page
