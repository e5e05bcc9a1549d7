"""The CCTV administrator's release of held footage for one download request or one redaction (9.6;
design/evidence.md "Held footage"). Only the school's CCTV administrator (recording.hold) finds the request,
redaction and hold here: anyone else gets a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.permissions import restrict
from watchkeeper.core.shortcuts import show_refusal
from watchkeeper.evidence import holds
from watchkeeper.evidence.forms import HoldReleaseForm
from watchkeeper.evidence.models import DownloadRequest
from watchkeeper.evidence.views import REQUESTS, _detail
from watchkeeper.recording.models import Hold
from watchkeeper.recording.views import render_hold
from watchkeeper.redaction.models import Redaction


def _hold(request: HttpRequest, pk: int) -> Hold:
    return get_object_or_404(restrict(Hold.objects.all(), request.user, holds.HOLD), pk=pk)


@login_required
@require_POST
def release_for_request(request: HttpRequest, pk: int, hold_pk: int) -> HttpResponse:
    req: DownloadRequest = get_object_or_404(restrict(REQUESTS, request.user, holds.HOLD), pk=pk)
    hold = _hold(request, hold_pk)
    form = HoldReleaseForm(request.POST)
    if form.is_valid():
        try:
            holds.release_for_download(request.user, hold, req, form.cleaned_data["reason"])
        except PolicyRefusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, f"Held footage released for download request #{req.pk} (9.6).")
            return redirect("evidence:request_detail", pk=req.pk)
    return _detail(request, req, {"release_form": form}, status=400)


@login_required
@require_POST
def release_for_redaction(request: HttpRequest, pk: int, hold_pk: int) -> HttpResponse:
    redaction = get_object_or_404(restrict(Redaction.objects.all(), request.user, holds.HOLD), pk=pk)
    hold = _hold(request, hold_pk)
    form = HoldReleaseForm(request.POST)
    if form.is_valid():
        try:
            holds.release_for_redaction(request.user, hold, redaction, form.cleaned_data["reason"])
        except PolicyRefusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, f"Held footage released for redaction #{redaction.pk} (9.6).")
            return redirect(reverse("recording:hold_detail", args=[hold.pk]))
    return render_hold(request, hold, 400, use_form=form)
