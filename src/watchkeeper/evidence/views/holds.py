"""The CCTV administrator's release of held footage for one download request or one redaction (9.6;
design/evidence.md "Held footage"). Only the school's CCTV administrator (recording.hold) finds the request,
redaction and hold here: anyone else gets a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from watchkeeper.core.permissions import restrict
from watchkeeper.core.refusals import attempt
from watchkeeper.evidence import holds
from watchkeeper.evidence.forms import HoldReleaseForm
from watchkeeper.evidence.models import DownloadRequest
from watchkeeper.evidence.views.requests import REQUESTS, request_page
from watchkeeper.recording.models import Hold
from watchkeeper.recording.views import render_hold
from watchkeeper.redaction.models import Redaction


def _hold(request: HttpRequest, pk: int) -> Hold:
    return get_object_or_404(restrict(Hold.objects.all(), request.user, holds.HOLD), pk=pk)


@login_required
@require_POST
def release_for_request(request: HttpRequest, pk: int, hold_pk: int) -> HttpResponse:
    req: DownloadRequest = get_object_or_404(restrict(REQUESTS, request.user, holds.HOLD), pk=pk)
    hold, form = _hold(request, hold_pk), HoldReleaseForm(request.POST)
    released = attempt(
        request,
        form,
        lambda data: holds.release_for_download(request.user, hold, req, data["reason"], now=timezone.now()),
    )
    if not released.done:
        return request_page(request, req, {"release_form": form}, status=400)
    messages.success(request, f"Held footage released for download request #{req.pk} (9.6).")
    return redirect("evidence:request_detail", pk=req.pk)


@login_required
@require_POST
def release_for_redaction(request: HttpRequest, pk: int, hold_pk: int) -> HttpResponse:
    redaction = get_object_or_404(restrict(Redaction.objects.all(), request.user, holds.HOLD), pk=pk)
    hold, form = _hold(request, hold_pk), HoldReleaseForm(request.POST)
    released = attempt(
        request,
        form,
        lambda data: holds.release_for_redaction(
            request.user, hold, redaction, data["reason"], now=timezone.now()
        ),
    )
    if not released.done:
        return render_hold(request, hold, 400, use_form=form)
    messages.success(request, f"Held footage released for redaction #{redaction.pk} (9.6).")
    return redirect("recording:hold_detail", pk=hold.pk)
