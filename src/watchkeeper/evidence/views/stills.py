"""The player's "Ask for a still" (9.5, 11.6; design/evidence.md "Stills"): a download request for one
camera and instant, found through the viewing app's own lookups. No picture is served here."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.evidence.forms import StillForm
from watchkeeper.evidence.views.requests import from_player
from watchkeeper.viewing.views import own_authorisation, visible_segment


@login_required
@require_POST
def still_request(request: HttpRequest, pk: int) -> HttpResponse:
    """From the paused player: ask for the frame shown as a still image. Nothing is served here: it is a
    download request like any other (internal use, the viewer as requestor, the authorisation's reason),
    authorised by the Headteacher or a designated person and sealed in a package by the job."""
    auth, form = own_authorisation(request, pk), StillForm(request.POST)
    if not form.is_valid():
        raise PolicyRefusal("9.5: say which moment of the footage the still is of")
    camera = get_object_or_404(auth.cameras.all(), pk=form.cleaned_data["camera"])
    segment = visible_segment(request, form.cleaned_data["segment"])
    if segment.camera_id != camera.pk:
        raise Http404("That segment is not of that camera.")
    offset = form.cleaned_data["offset"]
    if offset > segment.duration_ms / 1000:
        raise PolicyRefusal("9.5: that moment is not inside the segment shown")
    still_at = segment.start + timedelta(seconds=offset)
    req = from_player(
        request, auth, cameras=[camera], start=segment.start, end=segment.end, still_at=still_at
    )
    messages.success(
        request,
        "Still requested: the Headteacher or a designated person must authorise it; it is then sealed in a "
        "password-protected package (9.5, 11.6).",
    )
    return redirect("evidence:request_detail", pk=req.pk)
