"""Evidence pages (9.5, 11.6, 13.2, Appendix I): download requests from the player (footage, or a still
image) and the Downloads pages, their decisions, the stored copies, and the CCTV log.

The player's requests (here, and "Ask for a still" in still_views.py) use the viewing app's own lookups
(the requester's authorisation, the segment at a school where they review). No picture or footage is
served here except a stored, sealed package.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from watchkeeper.audit.services import record
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.pdf import table_pdf
from watchkeeper.core.permissions import can, holds_any, restrict
from watchkeeper.core.second_factor import count_failed_code
from watchkeeper.core.shortcuts import chosen_school, require_anywhere, show_refusal
from watchkeeper.estate.choices import school_choices
from watchkeeper.estate.models import School
from watchkeeper.evidence import holds, package, services
from watchkeeper.evidence.forms import (
    CodeForm,
    DecisionForm,
    DownloadRequestForm,
    ExtendForm,
    HoldReleaseForm,
    ViewedForm,
)
from watchkeeper.evidence.models import Download, DownloadRequest, Kind, Purpose, RequestStatus
from watchkeeper.jobs.models import JobRecord
from watchkeeper.people import two_person
from watchkeeper.people.reroutings import rerouted_downloads
from watchkeeper.viewing.services import HOLD
from watchkeeper.viewing.views import own_authorisation

LOG = "evidence.log"
TEXT = "text/plain; charset=utf-8"
# Appendix I's columns, word for word and in order: the page and the CSV both use them.
HEADINGS = [
    "Headteacher's or nominated alternate's authorisation to download a recording (signature)",
    "Date and time that recording was downloaded",
    "Reason for recording being downloaded",
    "Name of Requestor who wants to see the recording",
    "Date and time the recording was viewed",
    "Headteacher's or nominated alternate's authorisation to delete a recording (signature)",
    "Date that a recording was deleted",
]
DOWNLOADS = Download.objects.select_related(
    "school", "camera", "authorised_by", "requested_by", "deletion_authorised_by", "request__requestor_user"
)
KEY = "estate.view"  # the signing key is public: anyone with a role at the school may see it
# Cells a spreadsheet would run as a formula (CSV injection): prefixed with a quote, as audit/views.py does.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --- the player's "Download a sealed package" (9.5, 11.6) -----------------------------------------------


@login_required
@require_POST
def package_create(request: HttpRequest, pk: int) -> HttpResponse:
    """From the player: ask for the viewed window as a download (internal use, the requester as the
    requestor). It then follows the one path: the Headteacher authorises, a job builds the package."""
    auth = own_authorisation(request, pk)
    req = services.request_download(
        request.user,
        school=auth.school,
        cameras=auth.cameras.all(),
        start=auth.start,
        end=auth.end,
        purpose=Purpose.INTERNAL,
        reason_category=auth.reason_category,
        reason=auth.reason,
        requestor_user=request.user,
        case_reference=f"viewing #{auth.pk}",
    )
    messages.success(
        request, "Download requested: the Headteacher or a designated person must authorise it (9.5)."
    )
    return redirect("evidence:request_detail", pk=req.pk)


# --- download requests ------------------------------------------------------------------------------------


REQUESTS = DownloadRequest.objects.select_related(
    "school", "requested_by", "requestor_user", "decided_by", "redaction"
)
OVERSEE = (services.AUTHORISE, services.FETCH, services.LOG, services.EXTEND)


def visible_requests(user: Any) -> QuerySet[DownloadRequest]:
    """Every request of a school where the person authorises, fetches, keeps the log or extends copies; and
    their own (as asker or staff requestor) where they may still ask."""
    mine = Q(requested_by_id=user.pk) | Q(requestor_user_id=user.pk)
    visible = restrict(REQUESTS, user, services.REQUEST).filter(mine)
    for action in OVERSEE:
        visible = visible | restrict(REQUESTS, user, action)
    return visible.distinct()


def _authorisable(user: Any) -> QuerySet[DownloadRequest]:
    """The school's authorisers', and for the DPO the requests re-routed by the two-person rule (9.5)."""
    return restrict(REQUESTS, user, services.AUTHORISE) | REQUESTS.filter(pk__in=rerouted_downloads(user))


def _standing(user: Any, req: DownloadRequest) -> two_person.Standing:
    parties = [req.requested_by, req.requestor_user]
    return two_person.standing(
        user, services.AUTHORISE, req.school_id, parties, req.requested_at, clause="9.5"
    )


def _copies(user: Any) -> QuerySet[Download]:
    return DOWNLOADS.filter(kind=Kind.PACKAGE, request__in=visible_requests(user))


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    require_anywhere(request, services.REQUEST, *OVERSEE)
    school = chosen_school(request, request.GET, services.REQUEST, *OVERSEE)
    requests = visible_requests(request.user)
    if school is not None:
        requests = requests.filter(school=school)
    context = {
        "school": school,
        "awaiting": [_mark(request.user, r) for r in requests if r.status == RequestStatus.REQUESTED],
        "others": [r for r in requests[:200] if r.status != RequestStatus.REQUESTED],
        "can_request": holds_any(request.user, services.REQUEST),
        "can_hold": holds_any(request.user, HOLD),
        "flagged": services.flagged_copies(request.user, school),
        "today": timezone.localdate(),
    }
    return render(request, "evidence/request_list.html", context)


def _mark(user: Any, req: DownloadRequest) -> DownloadRequest:
    """9.5: a request this authoriser may not decide under the two-person rule shows as awaiting another."""
    req.awaiting_another = bool(_standing(user, req).refusal)  # type: ignore[attr-defined]
    return req


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    choices = school_choices(request, services.REQUEST)
    form = DownloadRequestForm(request.POST if request.method == "POST" else None, cameras=choices.cameras)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        cameras = list(data["cameras"])
        external = data["requestor"] == "external"
        try:
            req = services.request_download(
                request.user,
                school=cameras[0].school,
                cameras=cameras,
                start=data["start"],
                end=data["end"],
                purpose=data["purpose"],
                reason_category=data["reason_category"],
                reason=data["reason"],
                requestor_user=None if external else request.user,
                recipient_name=data["recipient_name"] if external else "",
                recipient_organisation=data["recipient_organisation"] if external else "",
                legal_basis=data["legal_basis"],
                case_reference=data["case_reference"],
                only_requester_appears=data["only_requester_appears"],
            )
        except PolicyRefusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(
                request, "Download requested: the Headteacher or a designated person must authorise it."
            )
            return redirect("evidence:request_detail", pk=req.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "school": choices.school}
    return render(request, "evidence/request_form.html", context, status=status)


def _detail(
    request: HttpRequest, req: DownloadRequest, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    own = user.pk in (req.requested_by_id, req.requestor_user_id)
    open_ = req.status in (RequestStatus.REQUESTED, RequestStatus.FAILED)
    standing = _standing(user, req) if open_ else two_person.Standing(False)
    authoriser, blocked = standing.authority, standing.refusal is not None
    copies = list(_copies(user).filter(request=req))
    held = holds.request_state(req)
    context = {
        "req": req,
        "cameras": req.cameras.all(),
        "job": JobRecord.objects.filter(task_id=req.job_task_id).first() if req.job_task_id else None,
        "may_decide": req.status == RequestStatus.REQUESTED and authoriser and not own and not blocked,
        "own_pending": req.status == RequestStatus.REQUESTED and authoriser and own,
        "may_reissue": req.status == RequestStatus.FAILED and authoriser and not own and not blocked,
        "awaiting_another": standing.refusal if authoriser and not own else None,
        "may_withdraw": req.status == RequestStatus.REQUESTED and req.requested_by_id == user.pk,
        "building": req.status in (RequestStatus.APPROVED, RequestStatus.BUILDING),
        "copies": [_copy_context(user, c) for c in copies],
        "form": DecisionForm(),
        "code_form": CodeForm(),
        "viewed_form": ViewedForm(),
        "extend_form": ExtendForm(),
        "delete_form": CodeForm(),
        # 9.6: held footage over the request, and the CCTV administrator's release for it (evidence/holds.py).
        "held": held,
        "awaiting_release": any(row["release"] is None for row in held),
        "may_release": can(user, HOLD, req.school_id),
        "release_form": HoldReleaseForm(),
        **(forms or {}),
    }
    return render(request, "evidence/request_detail.html", context, status=status)


def _copy_context(user: Any, download: Download) -> dict[str, Any]:
    stored = download.deleted_at is None
    return {
        "download": download,
        "cells": dict(zip(HEADINGS, columns(download), strict=True)),
        "state": services.copy_state(download.expires_on, timezone.localdate()) if stored else None,
        "may_fetch": stored and services.may_fetch(user, download),
        "may_record_viewing": download.viewed_at is None
        and (services.may_fetch(user, download) or can(user, services.LOG, download.school_id)),
        "may_extend": stored and can(user, services.EXTEND, download.school_id),
        "may_delete": stored and can(user, services.AUTHORISE, download.school_id),
    }


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_object_or_404(visible_requests(request.user), pk=pk))


def _password_page(request: HttpRequest, decided: services.Decided) -> HttpResponse:
    response = render(
        request, "evidence/password.html", {"req": decided.request, "password": decided.password}
    )
    response["Cache-Control"] = "private, no-store"  # the page holds the password (11.6)
    return response


@login_required
@require_POST
def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(_authorisable(request.user), pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decided = services.decide_download(
                request.user,
                req,
                approve=form.cleaned_data["decision"] == "approve",
                otp_code=form.cleaned_data["code"],
                note=form.cleaned_data["note"],
            )
        except PolicyRefusal as refusal:
            count_failed_code(request, refusal)
            show_refusal(form, refusal)
        else:
            if decided.password is None:
                messages.success(request, "Refused. The requester sees your note.")
                return redirect("evidence:request_detail", pk=req.pk)
            return _password_page(request, decided)
    return _detail(request, req, {"form": form}, status=400)


@login_required
@require_POST
def request_reissue(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(_authorisable(request.user), pk=pk)
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            decided = services.reissue_download(request.user, req, otp_code=form.cleaned_data["code"])
        except PolicyRefusal as refusal:
            count_failed_code(request, refusal)
            show_refusal(form, refusal)
        else:
            return _password_page(request, decided)
    return _detail(request, req, {"code_form": form}, status=400)


@login_required
@require_POST
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(
        restrict(REQUESTS, request.user, services.REQUEST), pk=pk, requested_by=request.user
    )
    services.withdraw_download(request.user, req)
    messages.success(request, "Request withdrawn.")
    return redirect("evidence:request_detail", pk=req.pk)


# --- stored copies (9.5, 13.2) -----------------------------------------------------------------------------


def _copy(request: HttpRequest, pk: int) -> Download:
    return get_object_or_404(_copies(request.user), pk=pk)


@login_required
@require_GET
def copy_file(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The stored package decrypted from rest and streamed: the password-protected ZIP itself."""
    download = _copy(request, pk)
    try:
        chunks = services.fetch_copy(request.user, download)
    except PolicyRefusal:
        raise Http404("That copy is no longer stored.") from None
    name = download.package_file.removesuffix(".wkpkg") + ".zip"
    response = StreamingHttpResponse(chunks, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def copy_viewed(request: HttpRequest, pk: int) -> HttpResponse:
    download = _copy(request, pk)
    form = ViewedForm(request.POST)
    if form.is_valid():
        try:
            services.record_viewing(request.user, download, form.cleaned_data["viewed_at"])
        except PolicyRefusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, "Viewing recorded in the CCTV log (Appendix I).")
            return redirect("evidence:request_detail", pk=download.request_id)
    return _detail(request, _request_of(download), {"viewed_form": form}, status=400)


@login_required
@require_POST
def copy_extend(request: HttpRequest, pk: int) -> HttpResponse:
    download = _copy(request, pk)
    form = ExtendForm(request.POST)
    if form.is_valid():
        try:
            services.extend_copy(
                request.user, download, form.cleaned_data["new_date"], form.cleaned_data["reason"]
            )
        except PolicyRefusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, f"Copy kept until {download.expires_on:%d %B %Y} (13.2).")
            return redirect("evidence:request_detail", pk=download.request_id)
    return _detail(request, _request_of(download), {"extend_form": form}, status=400)


@login_required
@require_POST
def copy_delete(request: HttpRequest, pk: int) -> HttpResponse:
    download = _copy(request, pk)
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            services.authorise_deletion(request.user, download, form.cleaned_data["code"])
        except PolicyRefusal as refusal:
            count_failed_code(request, refusal)
            show_refusal(form, refusal)
        else:
            messages.success(request, "Copy deleted: its key is destroyed and the file erased (Appendix I).")
            return redirect("evidence:request_detail", pk=download.request_id)
    return _detail(request, _request_of(download), {"delete_form": form}, status=400)


def _request_of(download: Download) -> DownloadRequest:
    req = download.request
    if req is None:  # _copies only holds copies of requests
        raise Http404("No such copy.")
    return req


# --- the school's signing key (so recipients can check manifest.sig) ---------------------------------------


@login_required
@require_GET
def signing_key(request: HttpRequest) -> HttpResponse:
    require_anywhere(request, KEY)
    schools = restrict(School.objects.all(), request.user, KEY)
    school = chosen_school(request, request.GET, KEY)
    keys = [(s, *_public_key(s)) for s in ([school] if school else schools)]
    return render(request, "evidence/signing_key.html", {"keys": keys, "school": school})


def _public_key(school: School) -> tuple[str, str]:
    pem = package.public_pem(package.signing_key(school.pk).public_key())
    return pem.decode(), hashlib.sha256(pem).hexdigest()


# --- the CCTV log (Appendix I) ---------------------------------------------------------------------------


def _log(request: HttpRequest) -> tuple[Any, QuerySet[Download]]:
    require_anywhere(request, LOG)
    school = chosen_school(request, request.GET, LOG)
    downloads = restrict(DOWNLOADS, request.user, LOG)
    return school, downloads if school is None else downloads.filter(school=school)


@login_required
@require_GET
def cctv_log(request: HttpRequest) -> HttpResponse:
    school, downloads = _log(request)
    page = Paginator(downloads, 100).get_page(request.GET.get("page"))
    context = {
        "school": school,
        "headings": HEADINGS,
        "page": page,
        "rows": [(d, columns(d)) for d in page],
        # 13.2: copies due for deletion soon or overdue, for the Headteacher and DPO.
        "flagged": services.flagged_copies(request.user, school),
        "can_hold": holds_any(request.user, HOLD),
        "today": timezone.localdate(),
    }
    return render(request, "evidence/cctv_log.html", context)


def _export_name(school: School | None, extension: str) -> str:
    prefix = f"cctv-log-{slugify(school.name)}-" if school else "cctv-log-"
    return f"{prefix}{timezone.localdate().isoformat()}.{extension}"


def _audit_export(
    request: HttpRequest, school: School | None, downloads: QuerySet[Download], form: str
) -> None:
    record(
        "evidence.log_exported",
        actor=request.user,
        school=school,
        details={"school": school.pk if school else None, "rows": downloads.count(), "format": form},
    )


@login_required
@require_GET
def cctv_log_csv(request: HttpRequest) -> StreamingHttpResponse:
    school, downloads = _log(request)
    _audit_export(request, school, downloads, "csv")
    response = StreamingHttpResponse(_csv_lines(downloads), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(school, "csv")}"'
    response["Cache-Control"] = "private, no-store"
    return response


# Column widths (mm) of the landscape A4 PDF, in Appendix I's order.
PDF_WIDTHS = (48, 34, 52, 36, 34, 48, 25)


@login_required
@require_GET
def cctv_log_pdf(request: HttpRequest) -> HttpResponse:
    """Print-ready, landscape, like the appendix (9.5): the same columns as the page and the CSV."""
    school, downloads = _log(request)
    _audit_export(request, school, downloads, "pdf")
    rows = [columns(d) for d in downloads.iterator(chunk_size=500)]
    title = f"CCTV log{': ' + school.name if school else ''}"
    made = f"Appendix I — log of downloaded CCTV images (9.5). Printed {_when(timezone.now())}. UK time."
    pdf = table_pdf(title, HEADINGS, rows, subtitle=made, widths=PDF_WIDTHS, landscape=True)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(school, "pdf")}"'
    response["Cache-Control"] = "private, no-store"
    return response


def columns(download: Download) -> list[str]:
    """One log row as Appendix I's seven cells (UK local times)."""
    d = download
    deletion = (
        f"{_name(d.deletion_authorised_by)}, {_when(d.deletion_authorised_at)}"
        if d.deletion_authorised_by
        else ""
    )
    which = f"download request #{d.request_id}" if d.request_id else f"authorisation #{d.authorisation_id}"
    requestor = (
        d.request.requestor_display if d.request else (_name(d.requested_by) if d.requested_by else "")
    )
    return [
        f"{_name(d.authorised_by)}, {_when(d.authorised_at)} ({which}, second factor)",
        _when(d.downloaded_at),
        f"{d.get_reason_category_display()}: {d.reason}",
        requestor,
        _when(d.viewed_at),
        deletion,
        timezone.localtime(d.deleted_at).strftime("%d %b %Y") if d.deleted_at else "",
    ]


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


def _when(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d %b %Y %H:%M:%S %Z") if moment else ""


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(downloads: QuerySet[Download]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADINGS)
    for download in downloads.iterator(chunk_size=500):
        yield writer.writerow([_cell(value) for value in columns(download)])


def _cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value
