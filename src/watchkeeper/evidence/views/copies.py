"""Stored copies (9.5, 13.2, Appendix I): the sealed package streamed, and the steps of its life from forms
on the request's page — its viewing recorded, kept longer, deleted with the Headteacher's authorisation.
Each step re-shows the request's page with its refusal in its form."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from watchkeeper.core.actors import Actor
from watchkeeper.core.dates import uk_date
from watchkeeper.core.refusals import attempt
from watchkeeper.evidence import services
from watchkeeper.evidence.forms import (
    CodeForm,
    ExtendForm,
    HandOverForm,
    LostForm,
    PasswordSentForm,
    ViewedForm,
)
from watchkeeper.evidence.models import Download, DownloadRequest
from watchkeeper.evidence.views.requests import copies_of, request_page


def _copy(request: HttpRequest, pk: int) -> Download:
    return get_object_or_404(copies_of(request.user), pk=pk)


@login_required
@require_GET
def copy_file(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The stored package decrypted from rest and streamed: the password-protected ZIP itself. A copy no
    longer stored is refused with its reason (the refused page)."""
    download = _copy(request, pk)
    chunks = services.fetch_copy(request.user, download, now=timezone.now())
    name = download.package_file.removesuffix(".wkpkg") + ".zip"
    response = StreamingHttpResponse(chunks, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@dataclass(frozen=True)
class Step:
    """One step of a copy's life: its form (and the form's name on the request's page), the service call
    with the form's data, and what the page says when it is done."""

    form: type[Form]
    field: str
    call: Callable[[Actor, Download, dict[str, Any], datetime], object]
    done: Callable[[Download], str]


STEPS = {
    "viewed": Step(
        ViewedForm,
        "viewed_form",
        lambda actor, d, data, now: services.record_viewing(actor, d, data["viewed_at"], now=now),
        lambda d: "Viewing recorded in the CCTV log (Appendix I).",
    ),
    "handed": Step(
        HandOverForm,
        "hand_over_form",
        lambda actor, d, data, now: services.record_hand_over(
            actor, d, f"{data['name'].strip()} ({data['organisation'].strip()})", data["at"], now=now
        ),
        lambda d: "Hand-over recorded in the CCTV log (Appendix I).",
    ),
    "extend": Step(
        ExtendForm,
        "extend_form",
        lambda actor, d, data, now: services.extend_copy(
            actor, d, data["new_date"], data["reason"], asked_by=data["asked_by"], now=now
        ),
        lambda d: f"Copy kept until {uk_date(d.expires_on)} (13.2).",
    ),
    # 15.1, 11.6: each opens a breach draft for the DPO; the copy then shows the report and its reference.
    "lost": Step(
        LostForm,
        "lost_form",
        lambda actor, d, data, now: services.report_lost(
            actor, d, account=data["lost_account"], noticed_at=data["lost_noticed_at"], now=now
        ),
        lambda d: "Reported to the DPO as a possible personal data breach (15.1).",
    ),
    "password": Step(
        PasswordSentForm,
        "password_form",
        lambda actor, d, data, now: services.report_password_with_file(
            actor, d, account=data["password_account"], noticed_at=data["password_noticed_at"], now=now
        ),
        lambda d: "Reported to the DPO as a possible personal data breach (15.1, 11.6).",
    ),
    "delete": Step(
        CodeForm,
        "delete_form",
        lambda actor, d, data, now: services.authorise_deletion(actor, d, data["code"], now=now),
        lambda d: "Copy deleted: its key is destroyed and the file erased (Appendix I).",
    ),
}


@login_required
@require_POST
def copy_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """`step` of STEPS (named by the URL): done, back to the request's page with its message; refused, the
    page again with the form showing why."""
    download, chosen = _copy(request, pk), STEPS[step]
    form = chosen.form(request.POST)
    if attempt(request, form, lambda data: chosen.call(request.user, download, data, timezone.now())).done:
        messages.success(request, chosen.done(download))
        return redirect("evidence:request_detail", pk=download.request_id)
    return request_page(request, _request_of(download), {chosen.field: form}, status=400)


def _request_of(download: Download) -> DownloadRequest:
    req = download.request
    if req is None:  # copies_of only holds copies of requests
        raise Http404("No such copy.")
    return req
