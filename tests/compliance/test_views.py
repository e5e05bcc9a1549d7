"""What the compliance pages do: DPIA approval is the DPO's alone (7.1, 7.3) and sets the yearly review
(18.1); approved DPIAs keep their cameras; documents and sign photos only through permission-checked
downloads; policy refusals shown with their clause and nothing saved (6.1, 7.1); the exceptions list."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.compliance.helpers import PDF, audited, pdf, photo, streamed
from tests.factories import (
    ApprovedDPIAFactory,
    CameraFactory,
    DPIAFactory,
    GrantFactory,
    SignFactory,
    VehicleFactory,
    person,
)
from tests.refusals import shows_refusal
from watchkeeper.audit.models import AuditEvent
from watchkeeper.compliance import files
from watchkeeper.compliance.models import DPIA, DPIADocument, DPIAStatus, Sign
from watchkeeper.compliance.services import approve_dpia, attach_dpia_document, one_year_on
from watchkeeper.core.actors import SYSTEM
from watchkeeper.people.models import Role

pytestmark = pytest.mark.django_db


def field_errors(response: Any) -> str:
    return " ".join(
        re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S)
    )


@pytest.fixture
def camera(school):
    return CameraFactory(school=school, name="Gate camera")


@pytest.fixture
def draft(school, camera):
    return DPIAFactory(school=school, title="Main gate DPIA", cameras=[camera])


@pytest.fixture
def head(school):
    return person(Role.HEADTEACHER, school)


@pytest.fixture
def dpo():
    return person(Role.DPO, None)


@pytest.fixture
def as_head(signed_in, head):
    return signed_in(head)


@pytest.fixture
def as_dpo(signed_in, dpo):
    return signed_in(dpo)


def detail(dpia: DPIA) -> str:
    return reverse("compliance:dpia_detail", args=[dpia.pk])


# --- Approval (7.1, 7.3, 18.1) ---------------------------------------------------------------------------


def test_a_headteacher_cannot_approve_and_nothing_is_written(as_head, draft):
    events = AuditEvent.objects.count()
    response = as_head.post(reverse("compliance:dpia_approve", args=[draft.pk]))
    assert response.status_code == 403
    draft.refresh_from_db()
    assert (draft.status, draft.approved_by, draft.approved_at, draft.next_review_on) == (
        DPIAStatus.DRAFT,
        None,
        None,
        None,
    )
    assert AuditEvent.objects.count() == events


def test_only_the_dpo_is_offered_the_approve_button(signed_in, head, dpo, draft):
    approve = b">Approve</button>"
    assert approve not in signed_in(head).get(detail(draft)).content
    assert b"Awaiting approval by the Data Protection Officer" in signed_in(head).get(detail(draft)).content
    assert approve in signed_in(dpo).get(detail(draft)).content


@pytest.mark.clause("7.1", "18.1", "R3")
def test_approval_by_the_dpo_sets_the_review_a_year_on(as_dpo, dpo, draft):
    response = as_dpo.post(reverse("compliance:dpia_approve", args=[draft.pk]), follow=True)
    draft.refresh_from_db()
    today = timezone.localdate()
    assert draft.status == DPIAStatus.APPROVED and draft.approved_by == dpo
    assert draft.next_review_on == one_year_on(today)
    assert draft.next_review_on in {today.replace(year=today.year + 1), dt.date(today.year + 1, 2, 28)}
    assert f"next review by {draft.next_review_on:%d/%m/%Y}".encode() in response.content
    assert audited("compliance.dpia_approved", draft, dpo)


def test_a_review_due_on_29_february_falls_on_28_february_next_year(dpo, draft):
    assert one_year_on(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
    assert one_year_on(dt.date(2024, 3, 1)) == dt.date(2025, 3, 1)
    approve_dpia(dpo, draft, dt.datetime(2024, 2, 29, 12, tzinfo=dt.UTC))
    draft.refresh_from_db()
    assert draft.next_review_on == dt.date(2025, 2, 28)


def test_a_dpia_without_cameras_is_not_approved(as_dpo, school):
    empty = DPIAFactory(school=school, title="Empty DPIA")
    response = as_dpo.post(reverse("compliance:dpia_approve", args=[empty.pk]), follow=True)
    assert b"must cover at least one camera" in response.content
    empty.refresh_from_db()
    assert empty.status == DPIAStatus.DRAFT
    assert not AuditEvent.objects.filter(action="compliance.dpia_approved").exists()


# --- Drafting and cameras --------------------------------------------------------------------------------


def test_cameras_of_an_approved_dpia_cannot_change(as_head, school, camera):
    approved = ApprovedDPIAFactory(school=school, title="Approved DPIA", cameras=[camera])
    hall = CameraFactory(school=school, name="Hall camera")
    assert b"Edit cameras" not in as_head.get(detail(approved)).content
    response = as_head.post(reverse("compliance:dpia_cameras", args=[approved.pk]), {"cameras": [hall.pk]})
    assert response.status_code == 400
    assert shows_refusal(response, "7.1: an approved or superseded DPIA cannot change")
    assert list(approved.cameras.all()) == [camera]
    assert not AuditEvent.objects.filter(action="compliance.dpia_cameras_set").exists()


def test_a_dpia_naming_another_schools_camera_is_refused_and_the_form_kept(
    signed_in, school, other_school, camera
):
    head_of_both = person(Role.HEADTEACHER, school)
    GrantFactory(user=head_of_both, school=other_school, role=Role.HEADTEACHER)
    theirs = CameraFactory(school=other_school, name="Their camera")
    response = signed_in(head_of_both).post(
        reverse("compliance:dpia_create"),
        {
            "school": school.pk,
            "title": "Mixed-up DPIA",
            "cameras": [camera.pk, theirs.pk],
        },
    )
    assert response.status_code == 400
    assert shows_refusal(response, "7.1: these cameras belong to another school: Their camera")
    assert b'value="Mixed-up DPIA"' in response.content
    assert not DPIA.objects.exists()


def test_a_dpia_for_a_school_without_authority_is_404(as_head, other_school):
    response = as_head.post(reverse("compliance:dpia_create"), {"school": other_school.pk, "title": "Sneaky"})
    assert response.status_code == 404
    assert not DPIA.objects.exists()


def test_view_only_roles_see_the_register_but_cannot_draft(signed_in, draft):
    board = signed_in(person(Role.BOARD_MEMBER, None))
    listing = board.get(reverse("compliance:dpia_list"))
    assert listing.status_code == 200 and b"Main gate DPIA" in listing.content
    assert b"Draft a DPIA" not in listing.content
    assert board.get(reverse("compliance:dpia_create")).status_code == 403
    assert (
        board.post(reverse("compliance:dpia_document_upload", args=[draft.pk]), {"file": pdf()}).status_code
        == 404
    )
    assert not DPIADocument.objects.exists()


def test_an_overdue_review_is_highlighted(as_head, school, camera):
    ApprovedDPIAFactory(
        school=school,
        title="Stale DPIA",
        cameras=[camera],
        next_review_on=timezone.localdate() - dt.timedelta(days=1),
    )
    ApprovedDPIAFactory(school=school, title="Fresh DPIA", cameras=[camera])
    content = as_head.get(reverse("compliance:dpia_list")).content.decode()
    assert content.count("Overdue since") == 1
    row = next(r for r in content.split("<tr>") if "Stale DPIA" in r)
    assert "badge bad" in row


def test_a_made_up_school_filter_is_404(as_head):
    assert as_head.get(reverse("compliance:dpia_list"), {"school": "x"}).status_code == 404


# --- Documents -------------------------------------------------------------------------------------------


def test_a_document_round_trips_byte_for_byte(as_head, head, draft):
    response = as_head.post(
        reverse("compliance:dpia_document_upload", args=[draft.pk]), {"file": pdf("Gate DPIA.pdf")}
    )
    assert response.status_code == 302
    document = draft.documents.get()
    assert audited("compliance.dpia_document_attached", document, head)
    page = as_head.get(detail(draft)).content.decode()
    link = reverse("compliance:dpia_document_download", args=[document.pk])
    assert f'href="{link}"' in page
    download = as_head.get(link)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert "Gate DPIA.pdf" in download["Content-Disposition"]
    assert streamed(download) == PDF


def test_uploads_are_readable_by_watchkeeper_alone(as_head, school, draft):
    """Issue 11 §4 (9.1): DPIA documents and sign photos are 0600 in 0700 folders, whatever the umask."""
    sign = SignFactory(school=school, last_checked_on=None)
    previous = os.umask(0)  # the most permissive process there is
    try:
        upload = reverse("compliance:dpia_document_upload", args=[draft.pk])
        assert as_head.post(upload, {"file": pdf()}).status_code == 302
        check = reverse("compliance:sign_check", args=[sign.pk])
        form = {"checked_on": timezone.localdate().isoformat(), "photo": photo()}
        assert as_head.post(check, form).status_code == 302
    finally:
        os.umask(previous)
    kept = [draft.documents.get().stored, Sign.objects.get(pk=sign.pk).photo_file]
    stored = [files.store().path(files.object_name(f.school_id, f.pk)) for f in kept]
    for path in stored:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700, path.parent


def test_an_oversize_document_is_refused(as_head, draft, settings):
    settings.MAX_UPLOAD_BYTES = len(PDF) - 1
    response = as_head.post(reverse("compliance:dpia_document_upload", args=[draft.pk]), {"file": pdf()})
    assert response.status_code == 400
    assert "files may be at most" in field_errors(response)
    assert not DPIADocument.objects.exists()
    assert not AuditEvent.objects.filter(action="compliance.dpia_document_attached").exists()


def test_a_document_exactly_at_the_limit_is_accepted(as_head, draft, settings):
    settings.MAX_UPLOAD_BYTES = len(PDF)
    response = as_head.post(reverse("compliance:dpia_document_upload", args=[draft.pk]), {"file": pdf()})
    assert response.status_code == 302 and DPIADocument.objects.count() == 1


def test_another_schools_document_is_404(as_head, other_school):
    theirs = DPIAFactory(school=other_school, title="Their DPIA")
    document = attach_dpia_document(SYSTEM, theirs, pdf())
    client = as_head
    assert client.get(reverse("compliance:dpia_document_download", args=[document.pk])).status_code == 404
    assert client.get(detail(theirs)).status_code == 404


def test_documents_are_not_served_as_public_media(draft, client):
    document = attach_dpia_document(SYSTEM, draft, pdf())
    name = files.object_name(document.stored.school_id, document.stored.pk)
    assert client.get("/" + name).status_code == 404
    assert client.get("/compliance/" + name).status_code == 404


# --- Supersession ----------------------------------------------------------------------------------------


def test_a_draft_cannot_replace_an_approved_dpia(as_dpo, school, camera, draft):
    old = ApprovedDPIAFactory(school=school, title="2024 DPIA", cameras=[camera])
    response = as_dpo.post(reverse("compliance:dpia_supersede", args=[old.pk]), {"replacement": draft.pk})
    assert response.status_code == 400
    old.refresh_from_db()
    assert old.status == DPIAStatus.APPROVED and old.superseded_by is None


# --- Signs (6.1) -----------------------------------------------------------------------------------------


@pytest.mark.clause("6.1", "R5")
def test_a_minibus_sign_must_name_the_minibus(as_head, school):
    response = as_head.post(
        reverse("compliance:sign_register"),
        {
            "school": school.pk,
            "placement": "inside_vehicle",
            "location_description": "Behind the driver",
        },
    )
    assert response.status_code == 400
    assert shows_refusal(response, "6.1: a sign inside a minibus names the minibus")
    assert b"Behind the driver" in response.content
    assert not Sign.objects.exists()


def test_a_minibus_sign_is_registered_with_its_minibus(as_head, head, school):
    minibus = VehicleFactory(school=school, registration="MB01 BUS")
    response = as_head.post(
        reverse("compliance:sign_register"),
        {
            "school": school.pk,
            "vehicle": minibus.pk,
            "placement": "inside_vehicle",
            "location_description": "Behind the driver",
            "last_checked_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    sign = Sign.objects.get()
    assert (sign.vehicle, sign.checked_by) == (minibus, head)
    assert audited("compliance.sign_registered", sign, head)
    assert b"MB01 BUS" in as_head.get(reverse("compliance:sign_list")).content


def test_a_sign_check_cannot_be_in_the_future(as_head, school):
    sign = SignFactory(school=school, last_checked_on=None)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = as_head.post(
        reverse("compliance:sign_check", args=[sign.pk]), {"checked_on": tomorrow.isoformat()}
    )
    assert response.status_code == 400
    assert shows_refusal(response, "6.1: a sign check cannot be dated in the future")
    sign.refresh_from_db()
    assert sign.last_checked_on is None
    assert not AuditEvent.objects.filter(action="compliance.sign_checked").exists()


def test_an_oversize_sign_photo_is_refused(as_head, school, settings):
    settings.MAX_UPLOAD_BYTES = 4
    sign = SignFactory(school=school, last_checked_on=None)
    response = as_head.post(
        reverse("compliance:sign_check", args=[sign.pk]),
        {
            "checked_on": timezone.localdate().isoformat(),
            "photo": photo(),
        },
    )
    assert response.status_code == 400 and "files may be at most" in field_errors(response)
    sign.refresh_from_db()
    assert sign.last_checked_on is None and sign.photo_file is None


def test_a_sign_without_a_photo_has_no_download(as_head, school):
    sign = SignFactory(school=school)
    assert as_head.get(reverse("compliance:sign_photo", args=[sign.pk])).status_code == 404


def test_a_sign_unchecked_for_a_year_is_flagged(as_head, school):
    SignFactory(
        school=school,
        location_description="Old post",
        last_checked_on=timezone.localdate() - dt.timedelta(days=400),
    )
    assert b"Not checked in the last year" in as_head.get(reverse("compliance:sign_list")).content


# --- Exceptions ------------------------------------------------------------------------------------------


def test_exceptions_list_a_legacy_camera_and_an_overdue_dpia(as_head, school):
    legacy = CameraFactory(school=school, name="Old yard camera", legacy=True, status="active")
    ApprovedDPIAFactory(school=school, title="Yard DPIA", cameras=[legacy])  # not retrospective
    overdue = CameraFactory(school=school, name="Car park camera", status="active")
    ApprovedDPIAFactory(
        school=school, cameras=[overdue], next_review_on=timezone.localdate() - dt.timedelta(days=3)
    )
    fine = CameraFactory(school=school, name="Reception camera", legacy=True, status="active")
    ApprovedDPIAFactory(school=school, cameras=[fine], retrospective=True)
    SignFactory(school=school)
    content = as_head.get(reverse("compliance:exceptions")).content.decode()
    rows = {
        name: row
        for row in content.split("<tr>")
        for name in ("Old yard", "Car park", "Reception")
        if name in row
    }
    assert "Legacy camera without an approved retrospective DPIA" in rows["Old yard"]
    assert "(policy 7.3)" in rows["Old yard"]
    assert "DPIA review overdue." in rows["Car park"] and "(policy 18.1)" in rows["Car park"]
    assert "Reception" not in rows


@pytest.mark.clause("11.6")
def test_a_draft_without_its_sharing_section_tells_the_dpo_to_write_it_instead_of_offering_approve(
    signed_in, dpo, school, camera
):
    empty = DPIAFactory(school=school, title="Unfinished DPIA", cameras=[camera], summary="")
    page = signed_in(dpo).get(detail(empty)).content.decode()
    assert ">Approve</button>" not in page
    sharing = reverse("compliance:dpia_sharing", args=[empty.pk])
    assert "must say how information will be shared (11.6)" in page and f'href="{sharing}">write that' in page
