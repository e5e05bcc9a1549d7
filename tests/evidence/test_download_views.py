"""Download request pages, stored copies, the CCTV log PDF and the signing key page (9.5, 11.6, 13.2,
Appendix I): the generic permission case for every view, then what the pages show and do."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.evidence.downloads import END, START, ask, authorise, build, failed_build, footage, members
from tests.evidence.pdftext import pdf_text
from tests.factories import passkey, person
from tests.permission_case import ViewCase, run_view_case
from tests.refusals import shows_refusal
from tests.viewing.conftest import approved, code_for
from watchkeeper.audit.models import AuditEvent
from watchkeeper.evidence import package, services
from watchkeeper.evidence.models import Download, DownloadRequest, Purpose, RequestStatus
from watchkeeper.evidence.services import HEADINGS, columns
from watchkeeper.people import passkeys
from watchkeeper.people.models import Role
from watchkeeper.recording.services import release_hold

pytestmark = pytest.mark.django_db

REVIEWER, HEAD, DEPUTY, ADMIN, DPO, LIVE = (
    Role.FOOTAGE_REVIEWER,
    Role.HEADTEACHER,
    Role.DESIGNATED_PERSON,
    Role.CCTV_ADMIN,
    Role.DPO,
    Role.LIVE_VIEWER,
)


def asked(ctx: dict[str, Any]) -> None:
    footage(ctx)
    ctx["req"] = ask(ctx)


def stored(ctx: dict[str, Any]) -> None:
    asked(ctx)
    decided = authorise(ctx, ctx["req"])
    ctx["password"] = decided.password
    ctx["download"] = build(ctx["req"], decided.password or "")


def failed(ctx: dict[str, Any]) -> None:
    """A build that failed for a cause since gone (its footage held, then released): it may be re-issued."""
    footage(ctx)
    decided, hold = failed_build(ctx)
    ctx["req"] = decided.request
    release_hold(person(ADMIN, ctx["school"]), hold, "Investigation closed", now=timezone.now())


def req_url(name: str) -> Any:
    return lambda ctx: reverse(f"evidence:{name}", args=[ctx["req"].pk])


def copy_url(name: str) -> Any:
    return lambda ctx: reverse(f"evidence:{name}", args=[ctx["download"].pk])


def at_school(name: str) -> Any:
    return lambda ctx: f"{reverse(f'evidence:{name}')}?school={ctx['school'].pk}"


def code(ctx: dict[str, Any]) -> str:
    return code_for(ctx["user"]) if "user" in ctx else "000000"


def own_request(ctx: dict[str, Any]) -> str:
    if "user" in ctx:
        DownloadRequest.objects.filter(pk=ctx["req"].pk).update(requested_by=ctx["user"])
    return reverse("evidence:request_withdraw", args=[ctx["req"].pk])


def player_package(ctx: dict[str, Any]) -> str:
    if "user" in ctx:
        ctx["auth"].requested_by = ctx["user"]
        ctx["auth"].save(update_fields=["requested_by"])
    return reverse("evidence:package_create", args=[ctx["auth"].pk])


def player_package_data(ctx: dict[str, Any]) -> dict[str, Any]:
    local = timezone.localtime
    return {
        "start": local(START).strftime("%Y-%m-%dT%H:%M:%S"),
        "end": local(START + timedelta(seconds=4)).strftime("%Y-%m-%dT%H:%M:%S"),
        "purpose": Purpose.INTERNAL,
        "reason": "Playground incident: the copy for the behaviour file",
    }


def player_form_shown(ctx: dict[str, Any], response: Any) -> None:
    page = response.content.decode()
    assert "within that window" in page and 'name="purpose"' in page
    assert 'value="subject_access"' not in page  # a subject access copy is asked for from its case (10.4)


def viewed_auth(ctx: dict[str, Any]) -> None:
    footage(ctx)
    ctx["auth"] = approved(ctx["reviewer"], [ctx["gate"]], START, START + timedelta(seconds=4), ctx["head"])


def new_request_data(ctx: dict[str, Any]) -> dict[str, Any]:
    local = timezone.localtime
    return {
        "school": ctx["school"].pk,
        "cameras": [ctx["gate"].pk],
        "start": local(START).strftime("%Y-%m-%dT%H:%M:%S"),
        "end": local(START + timedelta(seconds=4)).strftime("%Y-%m-%dT%H:%M:%S"),
        "purpose": Purpose.POLICE,
        "reason_category": "criminal_activity",
        "reason": "Damage to the gate",
        "requestor": "external",
        "recipient_name": "PC Jane Smith",
        "recipient_organisation": "Avon and Somerset Police",
    }


def status_is(status: str) -> Any:
    def check(ctx: dict[str, Any], response: Any) -> None:
        ctx["req"].refresh_from_db()
        assert ctx["req"].status == status

    return check


def shows_password(ctx: dict[str, Any], response: Any) -> None:
    page = response.content.decode()
    assert 'class="package-password"' in page and "separately from the file" in page
    assert response["Cache-Control"] == "private, no-store"


def is_the_zip(ctx: dict[str, Any], response: Any) -> None:
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == ctx["download"].sha256
    assert response["Content-Disposition"].endswith('.zip"')


def is_pdf(ctx: dict[str, Any], response: Any) -> None:
    assert response.content.startswith(b"%PDF-") and response["Content-Type"] == "application/pdf"


def download_is(field: str) -> Any:
    def check(ctx: dict[str, Any], response: Any) -> None:
        ctx["download"].refresh_from_db()
        assert getattr(ctx["download"], field) is not None

    return check


def reported(kind: str) -> Any:
    def check(ctx: dict[str, Any], response: Any) -> None:
        report = ctx["download"].reports.get()  # only the permitted person's report was kept
        assert (report.reported_by, report.breach.kind, report.breach.draft) == (ctx["user"], kind, True)

    return check


CASES = [
    ViewCase("request-list", at_school("request_list"), REVIEWER, LIVE, setup=asked),
    ViewCase("request-list-head", at_school("request_list"), HEAD, LIVE, setup=asked),
    ViewCase("request-new", at_school("request_new"), REVIEWER, LIVE, setup=footage),
    ViewCase(
        "request-new-post",
        lambda ctx: reverse("evidence:request_new"),
        REVIEWER,
        LIVE,
        method="post",
        data=new_request_data,
        ok=(302,),
        setup=footage,
        check=lambda ctx, r: DownloadRequest.objects.get(requested_by=ctx["user"]),
    ),
    ViewCase("request-detail", req_url("request_detail"), HEAD, LIVE, setup=asked),
    ViewCase("request-detail-admin", req_url("request_detail"), ADMIN, REVIEWER, setup=asked),
    ViewCase(
        "request-decide",
        req_url("request_decide"),
        HEAD,
        ADMIN,
        method="post",
        data=lambda ctx: {"decision": "approve", "code": code(ctx), "note": ""},
        setup=asked,
        check=shows_password,
    ),
    ViewCase(
        "request-reissue",
        req_url("request_reissue"),
        DEPUTY,
        ADMIN,
        method="post",
        data=lambda ctx: {"code": code(ctx)},
        setup=failed,
        check=shows_password,
    ),
    ViewCase(
        "request-withdraw",
        own_request,
        REVIEWER,
        LIVE,
        method="post",
        ok=(302,),
        setup=asked,
        check=status_is(RequestStatus.WITHDRAWN),
    ),
    ViewCase("copy-file", copy_url("copy_file"), ADMIN, DPO, setup=stored, check=is_the_zip),
    ViewCase(
        "copy-viewed",
        copy_url("copy_viewed"),
        ADMIN,
        LIVE,
        method="post",
        data=lambda ctx: {"viewed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M:%S")},
        ok=(302,),
        setup=stored,
        check=download_is("viewed_at"),
    ),
    ViewCase(
        "copy-handed",
        copy_url("copy_handed"),
        ADMIN,
        DPO,
        method="post",
        data=lambda ctx: {
            "name": "PC Jane Smith, 4471",
            "organisation": "Avon and Somerset Police",
            "at": timezone.localtime().strftime("%Y-%m-%dT%H:%M:%S"),
        },
        ok=(302,),
        setup=stored,
        check=download_is("handed_over_to_at"),
    ),
    ViewCase(
        "copy-extend",
        copy_url("copy_extend"),
        DPO,
        ADMIN,
        trust_wide=True,
        method="post",
        data=lambda ctx: {
            "asked_by": "DC Ravi Patel, 1207, Midshire Police",
            "new_date": (timezone.localdate() + timedelta(days=400)).isoformat(),
            "reason": "PC",
        },
        ok=(302,),
        setup=stored,
        check=download_is("expiry_note"),
    ),
    ViewCase(
        "copy-delete",
        copy_url("copy_delete"),
        DEPUTY,
        ADMIN,
        method="post",
        data=lambda ctx: {"code": code(ctx)},
        ok=(302,),
        setup=stored,
        check=download_is("deleted_at"),
    ),
    # 15.1, 11.6: a copy reported lost, or its password sent with it, opens a breach draft for the DPO.
    ViewCase(
        "copy-lost",
        copy_url("copy_lost"),
        ADMIN,
        LIVE,
        method="post",
        data=lambda ctx: {
            "lost_noticed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M:%S"),
            "lost_account": "The USB stick was left on the bus.",
        },
        ok=(302,),
        setup=stored,
        check=reported("copy_lost"),
    ),
    ViewCase(
        "copy-password-sent",
        copy_url("copy_password_sent"),
        DPO,
        REVIEWER,
        trust_wide=True,
        method="post",
        data=lambda ctx: {
            "password_noticed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M:%S"),
            "password_account": "The password was in the same e-mail as the file.",
        },
        ok=(302,),
        setup=stored,
        check=reported("password_with_file"),
    ),
    ViewCase("log-pdf", at_school("cctv_log_pdf"), HEAD, REVIEWER, setup=stored, check=is_pdf),
    ViewCase(
        "log-pdf-dpo", at_school("cctv_log_pdf"), DPO, DEPUTY, trust_wide=True, setup=stored, check=is_pdf
    ),
    ViewCase("signing-key", at_school("signing_key"), REVIEWER, None, setup=footage),
    ViewCase(
        "player-package",
        player_package,
        REVIEWER,
        HEAD,
        method="post",
        data=player_package_data,
        ok=(302,),
        setup=viewed_auth,
        check=lambda ctx, r: DownloadRequest.objects.get(
            requestor_user=ctx["user"], purpose=Purpose.INTERNAL
        ),
    ),
    ViewCase(
        "player-package-form",
        player_package,
        REVIEWER,
        HEAD,
        setup=viewed_auth,
        check=player_form_shown,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_permission_case(case: ViewCase, school, other_school, pieces) -> None:
    run_view_case(case, {"school": school, "other_school": other_school, "pieces": pieces})


# --- what the pages show and do ---------------------------------------------------------------------------


@pytest.fixture
def ctx(school, other_school, pieces) -> dict[str, Any]:
    return footage({"school": school, "other_school": other_school, "pieces": pieces})


def test_the_password_page_shows_it_once_and_the_request_page_never(ctx) -> None:
    req = ask(ctx)
    client = sign_in(Client(), ctx["head"])
    response = client.post(
        reverse("evidence:request_decide", args=[req.pk]),
        {"decision": "approve", "code": code_for(ctx["head"])},
    )
    page = response.content.decode()
    password = page.split('class="package-password">')[1].split("<")[0]
    assert len(password) >= 20
    detail = client.get(reverse("evidence:request_detail", args=[req.pk])).content.decode()
    assert password not in detail and "Helen Head" in detail


def test_a_wrong_code_on_the_page_is_a_refusal_not_a_password(ctx) -> None:
    req = ask(ctx)
    response = sign_in(Client(), ctx["head"]).post(
        reverse("evidence:request_decide", args=[req.pk]), {"decision": "approve", "code": "000000"}
    )
    assert response.status_code == 400 and "package-password" not in response.content.decode()
    assert "authenticator code is not right" in response.content.decode()


def test_the_head_does_not_see_a_decide_form_on_their_own_request(ctx) -> None:
    req = ask(ctx, ctx["head"])
    page = (
        sign_in(Client(), ctx["head"]).get(reverse("evidence:request_detail", args=[req.pk])).content.decode()
    )
    assert 'id="decide"' not in page and "nobody authorises their own request" in page


def test_a_reviewer_sees_only_their_own_requests(ctx) -> None:
    mine = ask(ctx)
    other = ask(ctx, person(REVIEWER, ctx["school"]))
    client = sign_in(Client(), ctx["reviewer"])
    assert client.get(reverse("evidence:request_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("evidence:request_detail", args=[other.pk])).status_code == 404


def test_the_log_pdf_is_landscape_with_the_appendix_headings_and_the_row(ctx) -> None:
    decided = authorise(ctx, ask(ctx))
    download = build(decided.request, decided.password or "")
    response = sign_in(Client(), ctx["head"]).get(
        f"{reverse('evidence:cctv_log_pdf')}?school={ctx['school'].pk}"
    )
    assert b"/MediaBox [0 0 841.89 595.28]" in response.content  # A4 landscape
    text = " ".join(pdf_text(response.content).split())
    for heading in HEADINGS:
        assert heading in text, heading
    assert "PC Jane Smith (Avon and Somerset Police)" in text
    assert columns(download)[0].split(",")[0] in text
    event = AuditEvent.objects.get(action="evidence.log_exported")
    assert event.details == {"school": ctx["school"].pk, "rows": 1, "format": "pdf"}


def test_the_signing_key_page_shows_the_key_the_packages_carry(ctx, tmp_path) -> None:
    decided = authorise(ctx, ask(ctx))
    download = build(decided.request, decided.password or "")
    zipped = tmp_path / "p.zip"
    zipped.write_bytes(b"".join(services.fetch_copy(ctx["head"], download, now=timezone.now())))
    enclosed = members(zipped, decided.password or "")[package.PUBLIC_KEY]
    page = sign_in(Client(), ctx["reviewer"]).get(reverse("evidence:signing_key")).content.decode()
    assert hashlib.sha256(enclosed).hexdigest() in page
    assert enclosed.decode().splitlines()[1] in page


def test_the_log_row_fills_itself_through_to_deletion(ctx) -> None:
    decided = authorise(ctx, ask(ctx))
    download = build(decided.request, decided.password or "")
    cells = columns(download)
    assert cells[0].startswith("Helen Head, ") and cells[1] and cells[3].startswith("PC Jane Smith")
    assert cells[4:] == ["", "", ""]
    services.record_viewing(ctx["reviewer"], download, timezone.now(), now=timezone.now())
    services.authorise_deletion(ctx["head"], download, code_for(ctx["head"], 1), now=timezone.now())
    cells = columns(Download.objects.get(pk=download.pk))
    assert cells[4] and cells[5].startswith("Helen Head, ") and cells[6]


def test_flagged_copies_show_on_the_log_page_and_dashboard(ctx) -> None:
    decided = authorise(ctx, ask(ctx, purpose=Purpose.THIRD_PARTY))
    download = build(decided.request, decided.password or "")
    Download.objects.filter(pk=download.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    client = sign_in(Client(), ctx["head"])
    page = client.get(reverse("evidence:cctv_log")).content.decode()
    assert 'id="flagged-copies"' in page and "Overdue" in page
    dashboard = client.get(reverse("site:dashboard")).content.decode()
    assert 'id="flagged-copies"' in dashboard


def test_the_log_gives_a_footage_package_its_window_in_an_office_s_words(ctx) -> None:
    """Issue 15: a footage package read "frame at" its first moment, as a still does; and the page spoke
    of "issue 11"."""
    decided = authorise(ctx, ask(ctx))
    build(decided.request, decided.password or "")
    page = sign_in(Client(), ctx["head"]).get(reverse("evidence:cctv_log")).content.decode()
    start, end = timezone.localtime(START), timezone.localtime(END)
    window = f"footage from {start:%d/%m/%Y %H:%M:%S} until {end:%d/%m/%Y %H:%M:%S}"
    assert window in page and "frame at" not in page
    assert "issue 11" not in page


def test_a_deleted_copys_file_is_refused_with_the_reason(ctx) -> None:
    """A button or link that the policy refuses shows the refused page with the reason (issue 12 §1), not a
    bare 404."""
    decided = authorise(ctx, ask(ctx))
    download = build(decided.request, decided.password or "")
    services.authorise_deletion(ctx["head"], download, code_for(ctx["head"], 1), now=timezone.now())
    response = sign_in(Client(), ctx["head"]).get(reverse("evidence:copy_file", args=[download.pk]))
    assert response.status_code == 400
    assert shows_refusal(response, "13.2: this copy is not stored")


def test_a_deleted_copy_reads_deleted_with_the_date_and_offers_nothing(ctx) -> None:
    """Issue 15: after its deletion a package still read "Package ready", on the list and its page, and
    offered the hand-over and viewing forms."""
    decided = authorise(ctx, ask(ctx))
    download = build(decided.request, decided.password or "")
    client = sign_in(Client(), ctx["head"])
    pages = (reverse("evidence:request_list"), reverse("evidence:request_detail", args=[decided.request.pk]))
    detail = client.get(pages[1]).content.decode()
    assert "Package ready" in detail and 'id="record-hand-over"' in detail and 'id="record-viewing"' in detail
    now = timezone.now()
    services.authorise_deletion(ctx["head"], download, code_for(ctx["head"], 1), now=now)
    for page in pages:
        html = client.get(page).content.decode()
        assert "Package ready" not in html, page
        assert f"Copy deleted {timezone.localtime(now):%d/%m/%Y %H:%M}" in html, page
    detail = client.get(pages[1]).content.decode()
    for action in ("record-hand-over", "record-viewing", "extend", "delete", "download-package"):
        assert f'id="{action}"' not in detail, action


@pytest.mark.clause("9.2", "9.5")
def test_the_authorise_form_offers_a_passkey_and_a_passkey_code_authorises(ctx) -> None:
    """Issue 14 §3: a passkey assertion with user verification stands for the fresh code, here too."""
    req = ask(ctx)
    client = sign_in(Client(), ctx["head"])
    page = client.get(reverse("evidence:request_detail", args=[req.pk])).content.decode()
    assert "passkey-verification-placeholder" not in page  # nobody is offered a passkey they have not got
    credential = passkey(ctx["head"])
    page = client.get(reverse("evidence:request_detail", args=[req.pk])).content.decode()
    form = page.split('id="decide"')[1].split("</form>")[0]
    assert 'id="passkey-decision"' in form and "people/passkeys.js" in page and "<script>" not in page
    code = passkeys.issue_decision_code(ctx["head"], credential, now=timezone.now())
    response = client.post(
        reverse("evidence:request_decide", args=[req.pk]), {"decision": "approve", "code": code}
    )
    assert 'class="package-password"' in response.content.decode()
    req.refresh_from_db()
    assert req.status == RequestStatus.APPROVED


@pytest.mark.clause("9.5", "9.6")
def test_a_failure_that_would_repeat_offers_no_reissue_but_what_to_do(school, pieces) -> None:
    """Issue 15 §2: the page says what stops a new build, and offers the re-issue only once it is gone."""
    ctx = footage({"school": school, "pieces": pieces})
    decided, hold = failed_build(ctx)
    client = sign_in(Client(), person(DEPUTY, school))
    detail = reverse("evidence:request_detail", args=[decided.request.pk])
    page = client.get(detail).content.decode()
    assert 'class="badge failed"' in page and 'id="reissue-blockers"' in page
    assert 'id="reissue"' not in page and "PolicyRefusal" not in page
    release_hold(person(ADMIN, school), hold, "Investigation closed", now=timezone.now())
    page = client.get(detail).content.decode()
    assert 'id="reissue"' in page and 'id="reissue-blockers"' not in page
