"""Live view pages (8.1, 8.2): the grid of a school's cameras and each camera's live stream.

Only approved live viewers (role `live_viewer` at the school, with current training, 14.1) may watch;
anyone else is refused (403, or 404 for another school's camera) and the attempt is audited as
`viewing.live_refused` (16). The stream itself is viewing.live.LiveStream.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.permissions import can, holds_any, restrict
from watchkeeper.estate.models import Camera, School
from watchkeeper.viewing import live
from watchkeeper.viewing.live import LIVE


def _refused(request: HttpRequest, camera: Camera | None = None) -> PermissionDenied:
    live.refuse(request.user, camera, camera.school if camera else None, "8.1: not an approved live viewer")
    return PermissionDenied("8.1: live view is for live viewers approved at the school (and trained, 14.1).")


@login_required
@require_GET
def live_grid(request: HttpRequest) -> HttpResponse:
    if not holds_any(request.user, LIVE):
        raise _refused(request)
    schools = restrict(School.objects.order_by("name"), request.user, LIVE)
    chosen = request.GET.get("school", "")
    if chosen:  # one school's grid; another school's (or a made-up) id is 404
        schools = schools.filter(pk=get_object_or_404(schools, pk=chosen if chosen.isdigit() else 0).pk)
    grids = [(school, _tiles(request, school)) for school in schools]
    return render(request, "viewing/live_grid.html", {"grids": grids, "limit": live.max_seconds()})


def _tiles(request: HttpRequest, school: School) -> list[dict[str, object]]:
    return [
        {
            "camera": camera,
            "problems": problems,
            "stream": "" if problems else reverse("viewing:live_stream", args=[camera.pk]),
        }
        for camera, problems in live.grid(request.user, school, timezone.localdate())
    ]


@login_required
@require_GET
def live_stream(request: HttpRequest, camera_id: int) -> HttpResponseBase:
    camera = get_object_or_404(Camera.objects.select_related("school"), pk=camera_id)
    if not can(request.user, LIVE, camera.school_id):
        refusal = _refused(request, camera)
        if holds_any(request.user, LIVE):
            raise Http404("No such camera.")  # another school's camera: not even confirmed to exist
        raise refusal
    camera = get_object_or_404(live.live_cameras(request.user), pk=camera_id)
    try:
        stream = live.start(request.user, camera, timezone.localdate())
    except PolicyRefusal as refusal:
        # Caught here on purpose (issue 12 §1): live.js fetches this URL and shows the response's text in
        # the camera's tile, so a refused page in HTML would be noise; and the refusal is audited (16).
        live.refuse(request.user, camera, camera.school, "; ".join(refusal.problems))
        return HttpResponse("\n".join(refusal.problems), status=403, content_type="text/plain")
    except live.CameraUnreachable as error:
        return HttpResponse(str(error), status=503, content_type="text/plain")
    response = StreamingHttpResponse(stream, content_type="video/mp4")
    response["Cache-Control"] = "private, no-store"
    response["X-Live-Codecs"] = stream.codecs
    return response
