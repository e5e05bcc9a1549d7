"""Stored copies (9.5, 13.2, Appendix I): the sealed package streamed, its viewing recorded, kept longer or
deleted with the Headteacher's authorisation. Each form re-shows the request's page with its refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from watchkeeper.core.refusals import attempt
from watchkeeper.evidence import services
from watchkeeper.evidence.forms import CodeForm, ExtendForm, ViewedForm
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
    chunks = services.fetch_copy(request.user, download)
    name = download.package_file.removesuffix(".wkpkg") + ".zip"
    response = StreamingHttpResponse(chunks, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _copy_step(
    request: HttpRequest,
    pk: int,
    form: Form,
    field: str,
    call: Callable[[Download, dict[str, Any]], object],
    done: Callable[[Download], str],
) -> HttpResponse:
    """One step of a copy's life from a form on the request's page: done, back to the page with `done`'s
    message; refused, the page again with the form (`field`) showing why."""
    download = _copy(request, pk)
    if attempt(request, form, lambda data: call(download, data)).done:
        messages.success(request, done(download))
        return redirect("evidence:request_detail", pk=download.request_id)
    return request_page(request, _request_of(download), {field: form}, status=400)


@login_required
@require_POST
def copy_viewed(request: HttpRequest, pk: int) -> HttpResponse:
    return _copy_step(
        request,
        pk,
        ViewedForm(request.POST),
        "viewed_form",
        lambda d, data: services.record_viewing(request.user, d, data["viewed_at"], now=timezone.now()),
        lambda d: "Viewing recorded in the CCTV log (Appendix I).",
    )


@login_required
@require_POST
def copy_extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _copy_step(
        request,
        pk,
        ExtendForm(request.POST),
        "extend_form",
        lambda d, data: services.extend_copy(
            request.user, d, data["new_date"], data["reason"], now=timezone.now()
        ),
        lambda d: f"Copy kept until {d.expires_on:%d %B %Y} (13.2).",
    )


@login_required
@require_POST
def copy_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _copy_step(
        request,
        pk,
        CodeForm(request.POST),
        "delete_form",
        lambda d, data: services.authorise_deletion(request.user, d, data["code"], now=timezone.now()),
        lambda d: "Copy deleted: its key is destroyed and the file erased (Appendix I).",
    )


def _request_of(download: Download) -> DownloadRequest:
    req = download.request
    if req is None:  # copies_of only holds copies of requests
        raise Http404("No such copy.")
    return req
