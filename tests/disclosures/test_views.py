"""Every disclosure page through the generic permission case (tests/permission_case.py), then what the
pages show: the s29 note, the FOI guidance and clock, the DPO's referred list, the register's exports."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.disclosures.cases import (
    ADMIN,
    DEPUTY,
    DPO,
    END,
    HEAD,
    PDF,
    REVIEWER,
    START,
    code,
    foi_request,
    outside_request,
    police_request,
    review_asked,
    review_decided,
    reviewed,
    with_document,
)
from tests.evidence.pdftext import pdf_text
from tests.factories import CameraFactory, person
from tests.permission_case import ViewCase, run_view_case
from tests.refusals import shows_refusal
from watchkeeper.audit.models import AuditEvent
from watchkeeper.disclosures import services
from watchkeeper.disclosures.models import (
    ClosurePeriod,
    DisclosureRequest,
    FOIRequest,
    RequestStatus,
)
from watchkeeper.evidence.models import Download, DownloadRequest, Kind

pytestmark = pytest.mark.django_db
LOCAL = "%Y-%m-%dT%H:%M:%S"


def url(name: str, key: str | None = None, *, school: bool = False) -> Any:
    def build(ctx: dict[str, Any]) -> str:
        path = reverse(f"disclosures:{name}", args=[ctx[key].pk] if key else [])
        return f"{path}?school={ctx['school'].pk}" if school else path

    return build


def shows(*texts: str) -> Any:
    def check(ctx: dict[str, Any], response: Any) -> None:
        page = response.content.decode()
        for text in texts:
            assert text in page, text

    return check


def make_police(ctx: dict[str, Any]) -> None:
    ctx["req"] = police_request(ctx["school"])
    ctx["camera"] = ctx["req"].cameras.get()


def make_reviewed(ctx: dict[str, Any]) -> None:
    make_police(ctx)
    reviewed(ctx["req"])


def make_outside(ctx: dict[str, Any]) -> None:
    ctx["req"] = with_document(outside_request(ctx["school"]))
    ctx["document"] = ctx["req"].documents.get()


def make_referred(ctx: dict[str, Any]) -> None:
    make_outside(ctx)
    services.escalate(person(HEAD, ctx["school"]), ctx["req"], "Is the order clear?", now=timezone.now())


def make_foi(ctx: dict[str, Any]) -> None:
    ctx["foi"] = foi_request(ctx["school"])


def make_closure(ctx: dict[str, Any]) -> None:
    day = timezone.localdate()
    ctx["closure"] = services.add_closure(
        person(HEAD, ctx["school"]),
        school=ctx["school"],
        first_day=day,
        last_day=day,
        description="INSET day",
        now=timezone.now(),
    )


def make_register(ctx: dict[str, Any]) -> None:
    """One package that left the school (an evidence download for the police) and one FOI release."""
    school, head = ctx["school"], person(HEAD, ctx["school"])
    camera = CameraFactory(school=school, name="Bike rack")
    request = DownloadRequest.objects.create(
        school=school,
        start=START,
        end=END,
        purpose="police",
        reason_category="disclosure",
        reason="Theft",
        requested_at=timezone.now(),
        recipient_name="PC Jane Holt",
        recipient_organisation="Midshire Police",
        legal_basis="DPA 2018 Sch 2 Part 1 para 2",
        case_reference="MP/24/01832",
        status="ready",
        decided_by=head,
        decided_at=timezone.now(),
    )
    request.cameras.set([camera])
    Download.objects.create(
        school=school,
        kind=Kind.PACKAGE,
        request=request,
        authorised_by=head,
        authorised_at=timezone.now(),
        downloaded_at=timezone.now(),
        reason_category="disclosure",
        reason="Theft",
        requested_by=head,
        camera=camera,
        frame_at=START,
        sha256="0" * 64,
        package_file="WK-1-1-test.zip",
        expires_on=timezone.localdate().replace(year=timezone.localdate().year + 1),
    )
    internal = DownloadRequest.objects.create(
        school=school,
        start=START,
        end=END,
        purpose="internal",
        reason_category="misconduct",
        reason="Staff investigation",
        requested_at=timezone.now(),
        recipient_name="Internal only",
        status="ready",
    )
    Download.objects.create(
        school=school,
        kind=Kind.PACKAGE,
        request=internal,
        authorised_by=head,
        authorised_at=timezone.now(),
        downloaded_at=timezone.now(),
        reason_category="misconduct",
        reason="Staff investigation",
        requested_by=head,
        camera=camera,
        frame_at=START,
        sha256="1" * 64,
        package_file="WK-internal.zip",
    )
    make_foi(ctx)
    services.decide_foi(
        head, ctx["foi"], decision="released", reason="A still of the empty car park", now=timezone.now()
    )


def new_camera(ctx: dict[str, Any]) -> Any:
    if "new_camera" not in ctx:
        ctx["new_camera"] = CameraFactory(school=ctx["school"], name="Front gate")
    return ctx["new_camera"]


def police_post(ctx: dict[str, Any]) -> dict[str, Any]:
    camera = new_camera(ctx)
    return {
        "school": ctx["school"].pk,
        "officer_name": "DC Ravi Patel",
        "collar_number": "1207",
        "force": "Midshire Police",
        "crime_reference": "MP/24/09999",
        "cameras": [camera.pk],
        "start": timezone.localtime(START).strftime(LOCAL),
        "end": timezone.localtime(END).strftime(LOCAL),
        "sought": "Gate footage",
        "reason": "Assault outside the gate",
        "purpose": "4.1.4",
        "received_on": timezone.localdate().isoformat(),
    }


def outside_post(ctx: dict[str, Any]) -> dict[str, Any]:
    camera = new_camera(ctx)
    return {
        "school": ctx["school"].pk,
        "kind": "insurer",
        "requester_name": "Lee Ward",
        "organisation": "Safe Insurance",
        "reference": "CL-1",
        "cameras": [camera.pk],
        "start": timezone.localtime(START).strftime(LOCAL),
        "end": timezone.localtime(END).strftime(LOCAL),
        "sought": "Car park",
        "reason": "Vehicle damage claim",
        "grounds": "legal_proceedings",
        "legal_basis": "dpa2018_sch2_p1_para5",
        "received_on": timezone.localdate().isoformat(),
    }


def logged(ctx: dict[str, Any], response: Any) -> None:
    req = DisclosureRequest.objects.get(logged_by=ctx["user"])
    assert response["Location"] == reverse("disclosures:request_detail", args=[req.pk])


def decision(choice: str) -> Any:
    def data(ctx: dict[str, Any]) -> dict[str, Any]:
        return {
            "decision": choice,
            "code": code(ctx["user"]) if "user" in ctx else "000000",
            "reason": "Theft from the school: 4.1.4",
            "confirmed_purpose": "4.1.4",
        }

    return data


def approved_with_package(ctx: dict[str, Any], response: Any) -> None:
    """Issue 15 §4: the release and its package in one decision, the password page shown once."""
    ctx["req"].refresh_from_db()
    assert (ctx["req"].status, ctx["req"].decided_by) == (RequestStatus.APPROVED, ctx["user"])
    download = DownloadRequest.objects.get(pk=ctx["req"].download_request_id, purpose="police")
    assert (download.status, download.decided_by) == ("approved", ctx["user"])
    page = response.content.decode()
    assert 'class="package-password"' in page and response["Cache-Control"] == "private, no-store"
    assert reverse("evidence:request_detail", args=[download.pk]) in page
    assert "remains the property of the school" in page


def review_asked_by_user(ctx: dict[str, Any], response: Any) -> None:
    ctx["req"].refresh_from_db()
    assert ctx["req"].review.requested_by == ctx["user"]
    assert response["Location"] == reverse("viewing:authorisation_detail", args=[ctx["req"].review_id])


def finding_data(ctx: dict[str, Any]) -> dict[str, Any]:
    """The permitted reviewer (made just before their request) asks for the review and a designated person
    approves it; the refused callers post the same finding without any review of their own."""
    if "user" in ctx:
        review_asked(ctx["req"], ctx["user"])
        review_decided(ctx["req"])
    prefix = f"r{ctx['req'].pk}"
    return {f"{prefix}-outcome": "shows", f"{prefix}-finding": "Two people take the bicycles at 15:42"}


def finding_recorded(ctx: dict[str, Any], response: Any) -> None:
    assert response["Location"] == reverse("disclosures:review_list")
    ctx["req"].refresh_from_db()
    assert (ctx["req"].review_outcome, ctx["req"].finding_by) == ("shows", ctx["user"])


def upload(ctx: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "court_order",
        "file": SimpleUploadedFile("order.pdf", PDF, content_type="application/pdf"),
    }


def uploaded(ctx: dict[str, Any], response: Any) -> None:
    assert ctx["req"].documents.filter(original_name="order.pdf", uploaded_by=ctx["user"]).exists()


def is_document(ctx: dict[str, Any], response: Any) -> None:
    assert response.content == PDF
    assert response["Cache-Control"] == "private, no-store"


def escalated(ctx: dict[str, Any], response: Any) -> None:
    ctx["req"].refresh_from_db()
    assert ctx["req"].escalated_by == ctx["user"]


def advised(ctx: dict[str, Any], response: Any) -> None:
    ctx["req"].refresh_from_db()
    assert ctx["req"].dpo_advice == "Disclose the car park camera only"


def foi_logged(ctx: dict[str, Any], response: Any) -> None:
    foi = FOIRequest.objects.get(logged_by=ctx["user"])
    assert response["Location"] == reverse("disclosures:foi_detail", args=[foi.pk])
    # 11.7: the cameras and window typed on the form, and the footage held.
    assert (foi.start, foi.end) == (START, END) and foi.cameras.count() == 1
    assert foi.hold is not None and foi.hold.released_at is None


def foi_decided(ctx: dict[str, Any], response: Any) -> None:
    ctx["foi"].refresh_from_db()
    assert (ctx["foi"].decision, ctx["foi"].decided_by) == ("withheld_s40_2", ctx["user"])


def closure_added(ctx: dict[str, Any], response: Any) -> None:
    assert ClosurePeriod.objects.filter(added_by=ctx["user"], description="Summer holiday").exists()


def closure_removed(ctx: dict[str, Any], response: Any) -> None:
    assert not ClosurePeriod.objects.filter(pk=ctx["closure"].pk).exists()


def register_csv(ctx: dict[str, Any], response: Any) -> None:
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "Date" and len(rows) == 3  # headings, the police package, the FOI release
    assert any("PC Jane Holt" in row and any("WK-1-1-test.zip" in cell for cell in row) for row in rows)
    assert not any("WK-internal.zip" in cell for row in rows for cell in row)


def is_pdf(ctx: dict[str, Any], response: Any) -> None:
    assert response.content.startswith(b"%PDF-") and response["Content-Type"] == "application/pdf"
    text = "".join(pdf_text(response.content).split())  # cells wrap: compare without white space
    assert "Disclosureregister" in text and "PCJaneHolt" in text and "WK-1-1-test.zip" in text
    assert "WK-internal.zip" not in text and "FOI-" in text


def closure_data(ctx: dict[str, Any]) -> dict[str, Any]:
    day = timezone.localdate().isoformat()
    return {"school": ctx["school"].pk, "first_day": day, "last_day": day, "description": "Summer holiday"}


S29 = "section 29 of the Data Protection Act 1998"
CASES = [
    ViewCase(
        "index-head",
        url("index", school=True),
        HEAD,
        REVIEWER,
        setup=make_police,
        check=shows("MP/24/01832", "Not reviewed (11.3)"),
    ),
    ViewCase(
        "index-dpo",
        url("index"),
        DPO,
        REVIEWER,
        trust_wide=True,
        setup=make_referred,
        check=shows("awaiting your advice", "Shah &amp; Co Solicitors"),
    ),
    ViewCase(
        "police-form", url("police_new", school=True), ADMIN, REVIEWER, check=shows(S29, "None of these")
    ),
    ViewCase(
        "police-post",
        url("police_new", school=True),
        ADMIN,
        REVIEWER,
        method="post",
        data=police_post,
        ok=(302,),
        check=logged,
    ),
    ViewCase("outside-form", url("outside_new", school=True), DEPUTY, REVIEWER, check=shows("11.5")),
    ViewCase(
        "outside-post",
        url("outside_new", school=True),
        HEAD,
        REVIEWER,
        method="post",
        data=outside_post,
        ok=(302,),
        check=logged,
    ),
    ViewCase(
        "detail-head",
        url("request_detail", "req"),
        HEAD,
        REVIEWER,
        setup=make_police,
        check=shows(S29, 'value="approve"', "DPA 2018 Sch 2 Part 1 para 2", "Not reviewed yet"),
    ),
    ViewCase(
        "detail-dpo",
        url("request_detail", "req"),
        DPO,
        REVIEWER,
        trust_wide=True,
        setup=make_police,
        check=shows(S29),
    ),
    ViewCase(
        "decide",
        url("request_decide", "req"),
        HEAD,
        ADMIN,
        method="post",
        data=decision("approve"),
        ok=(200,),  # issue 15 §4: the package is authorised with it, so its password page, once
        setup=make_reviewed,
        check=approved_with_package,
    ),
    ViewCase(
        "reviews",
        url("review_list", school=True),
        REVIEWER,
        HEAD,
        setup=make_police,
        check=shows("Ask to review MP/24/01832", "The main gate camera while the bikes were taken"),
    ),
    ViewCase(
        "review-ask",
        url("review_request", "req"),
        REVIEWER,
        HEAD,
        method="post",
        ok=(302,),
        setup=make_police,
        check=review_asked_by_user,
    ),
    ViewCase(
        "review-finding",
        url("review_finding", "req"),
        REVIEWER,
        DEPUTY,
        method="post",
        data=finding_data,
        ok=(302,),
        setup=make_police,
        check=finding_recorded,
    ),
    ViewCase(
        "upload",
        url("document_upload", "req"),
        ADMIN,
        REVIEWER,
        method="post",
        data=upload,
        ok=(302,),
        setup=make_outside,
        check=uploaded,
    ),
    ViewCase(
        "document",
        url("document_download", "document"),
        HEAD,
        REVIEWER,
        setup=make_outside,
        check=is_document,
    ),
    ViewCase(
        "escalate",
        url("request_escalate", "req"),
        HEAD,
        REVIEWER,
        method="post",
        data=lambda ctx: {"note": "Unclear order"},
        ok=(302,),
        setup=make_outside,
        check=escalated,
    ),
    ViewCase(
        "advise",
        url("request_advise", "req"),
        DPO,
        HEAD,
        method="post",
        trust_wide=True,
        data=lambda ctx: {"advice": "Disclose the car park camera only"},
        ok=(302,),
        setup=make_referred,
        check=advised,
    ),
    ViewCase("foi-form", url("foi_new", school=True), ADMIN, REVIEWER, check=shows("40(2)")),
    ViewCase(
        "foi-post",
        url("foi_new", school=True),
        ADMIN,
        REVIEWER,
        method="post",
        data=lambda ctx: {
            "school": ctx["school"].pk,
            "requester_name": "Jo Bloggs",
            "contact": "jo@example.org",
            "received_on": timezone.localdate().isoformat(),
            "sought": "Footage of the car park",
            "cameras": [new_camera(ctx).pk],
            "start": timezone.localtime(START).strftime(LOCAL),
            "end": timezone.localtime(END).strftime(LOCAL),
        },
        ok=(302,),
        check=foi_logged,
    ),
    ViewCase(
        "foi-detail",
        url("foi_detail", "foi"),
        HEAD,
        REVIEWER,
        setup=make_foi,
        check=shows("40(2)", "every working day counts as a school day", "60th working day"),
    ),
    ViewCase(
        "foi-decide",
        url("foi_decide", "foi"),
        HEAD,
        ADMIN,
        method="post",
        data=lambda ctx: {"decision": "withheld_s40_2", "reason": "Pupils are identifiable"},
        ok=(302,),
        setup=make_foi,
        check=foi_decided,
    ),
    ViewCase(
        "closures", url("closures", school=True), HEAD, REVIEWER, setup=make_closure, check=shows("INSET day")
    ),
    ViewCase(
        "closure-add",
        url("closures", school=True),
        ADMIN,
        REVIEWER,
        method="post",
        data=closure_data,
        ok=(302,),
        check=closure_added,
    ),
    ViewCase(
        "closure-remove",
        url("closure_remove", "closure"),
        DEPUTY,
        REVIEWER,
        method="post",
        ok=(302,),
        setup=make_closure,
        check=closure_removed,
    ),
    ViewCase(
        "register",
        url("register", school=True),
        HEAD,
        DEPUTY,
        setup=make_register,
        check=shows("PC Jane Holt", "WK-1-1-test.zip", "FOI-", S29),
    ),
    ViewCase(
        "register-dpo",
        url("register", school=True),
        DPO,
        DEPUTY,
        trust_wide=True,
        setup=make_register,
        check=shows("Midshire"),
    ),
    ViewCase(
        "register-csv",
        url("register_csv", school=True),
        ADMIN,
        DEPUTY,
        setup=make_register,
        check=register_csv,
    ),
    ViewCase(
        "register-pdf", url("register_pdf", school=True), HEAD, REVIEWER, setup=make_register, check=is_pdf
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_permission_case(case: ViewCase, school, other_school) -> None:
    run_view_case(case, {"school": school, "other_school": other_school})


# --- what the pages do --------------------------------------------------------------------------------------


def test_a_police_request_fitting_no_purpose_is_refused_on_the_page(school) -> None:
    ctx: dict[str, Any] = {"school": school}
    data = police_post(ctx) | {"purpose": "none"}
    response = sign_in(Client(), person(ADMIN, school)).post(url("police_new", school=True)(ctx), data)
    assert response.status_code == 400
    assert shows_refusal(response, "11.2: footage is disclosed to the police only")
    assert not DisclosureRequest.objects.exists()


def test_a_wrong_type_upload_is_refused_with_a_clear_error(school) -> None:
    ctx: dict[str, Any] = {"school": school}
    make_outside(ctx)
    fake = SimpleUploadedFile("order.pdf", b"MZ not a pdf", content_type="application/pdf")
    client = sign_in(Client(), person(ADMIN, school))
    response = client.post(url("document_upload", "req")(ctx), {"kind": "court_order", "file": fake})
    assert response.status_code == 400
    assert "is named as a PDF but its content is not one" in response.content.decode()


@pytest.mark.clause("11.1", "R24")
def test_the_register_csv_and_pdf_exports_are_audited(school) -> None:
    ctx: dict[str, Any] = {"school": school}
    make_register(ctx)
    client = sign_in(Client(), person(HEAD, school))
    client.get(url("register_pdf")(ctx))
    event = AuditEvent.objects.filter(action="disclosures.register_exported").get()
    assert event.details == {"format": "pdf", "rows": 2, "school": None}


def test_an_overdue_foi_request_is_flagged_in_the_list(school) -> None:
    ctx: dict[str, Any] = {"school": school}
    make_foi(ctx)
    FOIRequest.objects.filter(pk=ctx["foi"].pk).update(received_on=timezone.localdate().replace(year=2020))
    response = sign_in(Client(), person(HEAD, school)).get(url("index")(ctx))
    assert 'class="foi-overdue"' in response.content.decode()


def test_the_dashboard_flags_overdue_foi_and_shows_the_dpo_its_referrals(school, other_school) -> None:
    ctx: dict[str, Any] = {"school": school}
    make_foi(ctx)
    make_referred(ctx)
    FOIRequest.objects.filter(pk=ctx["foi"].pk).update(received_on=timezone.localdate().replace(year=2020))
    head_page = sign_in(Client(), person(HEAD, school)).get(reverse("site:dashboard")).content.decode()
    assert 'id="foi-flags"' in head_page and "Overdue by" in head_page
    assert 'id="dpo-referrals"' not in head_page  # only the DPO advises
    dpo_page = sign_in(Client(), person(DPO, None)).get(reverse("site:dashboard")).content.decode()
    assert 'id="dpo-referrals"' in dpo_page and "SC/889" in dpo_page
    outsider = sign_in(Client(), person(HEAD, other_school)).get(reverse("site:dashboard")).content.decode()
    assert 'id="foi-flags"' not in outsider


def test_the_decision_page_waits_for_the_review_and_then_shows_its_finding(school) -> None:
    ctx: dict[str, Any] = {"school": school}
    make_police(ctx)
    head = person(HEAD, school)
    client = sign_in(Client(), head)
    response = client.post(url("request_decide", "req")(ctx), decision("approve")(ctx | {"user": head}))
    assert response.status_code == 400
    assert "11.3, 10.2: the footage must be reviewed" in response.content.decode()
    assert 'id="review-needed"' in response.content.decode()
    reviewed(ctx["req"])
    page = client.get(url("request_detail", "req")(ctx)).content.decode()
    assert "The footage shows what was sought." in page and "Two people take the bicycles" in page
    assert 'id="review-needed"' not in page


def test_the_finding_form_is_offered_only_to_the_reviewer_whose_review_was_approved(school) -> None:
    ctx: dict[str, Any] = {"school": school}
    make_police(ctx)
    reviewer, colleague = person(REVIEWER, school), person(REVIEWER, school)
    review_asked(ctx["req"], reviewer)
    form = f'action="{reverse("disclosures:review_finding", args=[ctx["req"].pk])}"'
    assert form not in sign_in(Client(), reviewer).get(url("review_list")(ctx)).content.decode()  # pending
    review_decided(ctx["req"])
    assert form in sign_in(Client(), reviewer).get(url("review_list")(ctx)).content.decode()
    other = sign_in(Client(), colleague)
    assert form not in other.get(url("review_list")(ctx)).content.decode()
    response = other.post(url("review_finding", "req")(ctx), finding_data(ctx))
    assert response.status_code == 400 and shows_refusal(response, "10.2: only the reviewer who viewed")
    again = other.post(url("review_request", "req")(ctx))  # a button: the refused page, not a form
    assert again.status_code == 400 and "Watchkeeper refused this:" in again.content.decode()
    assert shows_refusal(again, f"11.3, 10.2: {ctx['req']} already has a review authorisation")


def test_the_list_shows_each_undecided_requests_review_state(school) -> None:
    ctx: dict[str, Any] = {"school": school}
    make_police(ctx)
    client = sign_in(Client(), person(HEAD, school))
    assert "Not reviewed (11.3)" in client.get(url("index")(ctx)).content.decode()
    reviewer = review_asked(ctx["req"])
    assert "Under review (11.3)" in client.get(url("index")(ctx)).content.decode()
    review_decided(ctx["req"])
    services.record_finding(
        reviewer, ctx["req"], outcome="shows", finding="Seen at 15:42", now=timezone.now()
    )
    assert "Reviewed (11.3)" in client.get(url("index")(ctx)).content.decode()
