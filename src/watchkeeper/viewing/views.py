"""Footage pages (9.2, 9.4, 9.6, 16): asking, deciding, playing, and a person's viewing history.

Requests are seen by their requester and by the school's deciders; footage only by the requester, checked
by viewing.services on every playlist and segment request. Segments are decrypted in memory and sent with
byte-range support and `Cache-Control: no-store`, so the browser keeps no copy on disk either.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.actors import Actor
from watchkeeper.core.dates import uk_datetime
from watchkeeper.core.permissions import holds_any, restrict
from watchkeeper.core.refusals import form_page, submit
from watchkeeper.core.shortcuts import chosen_school, in_school, require_anywhere
from watchkeeper.estate.models import Camera
from watchkeeper.people import deciders, two_person
from watchkeeper.people.models import StaffProfile
from watchkeeper.recording.models import Segment
from watchkeeper.recording.motion import MOTION_THRESHOLD
from watchkeeper.viewing import access, services
from watchkeeper.viewing.footage import FootageUnreadable
from watchkeeper.viewing.forms import AuthorisationRequestForm, DecisionForm
from watchkeeper.viewing.models import Status, ViewingAuthorisation
from watchkeeper.viewing.rules import (
    PlaylistEntry,
    RangeNotSatisfiable,
    byte_range,
    epoch_ms,
    hls_playlist,
    init_length,
    timeline,
)

log = logging.getLogger(__name__)
REQUEST, DECIDE, HISTORY = services.REQUEST, services.DECIDE, "audit.view"
AUTHORISATIONS = ViewingAuthorisation.objects.select_related("school", "requested_by", "decided_by")


# --- helpers ---------------------------------------------------------------------------------------------


def _standing(user: Actor, auth: ViewingAuthorisation) -> two_person.Standing:
    """The Headteacher, a nominated alternate, or the DPO on a re-routed or escalated request (9.2;
    people/deciders.py)."""
    return deciders.standing(user, deciders.VIEWING, auth, now=timezone.now())


def own_authorisation(request: HttpRequest, pk: int) -> ViewingAuthorisation:
    """An authorisation to view under: the requester's own, at a school where they still review."""
    own = restrict(AUTHORISATIONS, request.user, REQUEST).filter(requested_by_id=request.user.pk)
    return get_object_or_404(own.prefetch_related("cameras"), pk=pk)


def visible_segment(request: HttpRequest, segment_id: uuid.UUID) -> Segment:
    segments = restrict(Segment.objects.select_related("camera"), request.user, REQUEST)
    return get_object_or_404(segments, pk=segment_id)


def state(auth: ViewingAuthorisation, now: Any) -> tuple[str, str]:
    """(badge class, words) for an authorisation as it stands now."""
    if auth.status == Status.APPROVED and auth.expires_at is not None and now >= auth.expires_at:
        return "suspended", "Expired"
    return {
        Status.PENDING: ("warn", "Awaiting a decision"),
        Status.APPROVED: ("approved", "Approved"),
        Status.DECLINED: ("bad", "Declined"),
    }[Status(auth.status)]


def _rows(auths: QuerySet[ViewingAuthorisation]) -> list[tuple[ViewingAuthorisation, tuple[str, str]]]:
    now = timezone.now()
    return [(auth, state(auth, now)) for auth in auths.prefetch_related("cameras")]


# --- asking and deciding ---------------------------------------------------------------------------------


@login_required
@require_GET
def authorisation_list(request: HttpRequest) -> HttpResponse:
    require_anywhere(request, REQUEST, DECIDE)
    school = chosen_school(request, request.GET, REQUEST, DECIDE)
    own = restrict(AUTHORISATIONS, request.user, REQUEST).filter(requested_by_id=request.user.pk)
    deciding = restrict(AUTHORISATIONS, request.user, DECIDE).exclude(requested_by_id=request.user.pk)
    own, deciding = in_school(own, school), in_school(deciding, school)
    context = {
        "own": _rows(own),
        "pending": [
            (auth, ("warn", "Awaiting another decider") if _standing(request.user, auth).refusal else badge)
            for auth, badge in _rows(deciding.filter(status=Status.PENDING))
        ],
        "decided": _rows(deciding.exclude(status=Status.PENDING)[:50]),
        "can_request": holds_any(request.user, REQUEST),
        "can_decide": holds_any(request.user, DECIDE),
        "school": school,
    }
    return render(request, "viewing/authorisation_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def authorisation_request(request: HttpRequest) -> HttpResponse:
    require_anywhere(request, REQUEST)
    school = chosen_school(request, request.GET, REQUEST)
    cameras = in_school(restrict(Camera.objects.select_related("school"), request.user, REQUEST), school)
    form = AuthorisationRequestForm(request.POST if request.method == "POST" else None, cameras=cameras)
    return form_page(
        request,
        form,
        lambda data: services.request_authorisation(
            request.user,
            data["cameras"],
            data["start"],
            data["end"],
            data["reason_category"],
            data["reason"],
            now=timezone.now(),
            purpose_reason=data["purpose_reason"],
            staff_involved=data["staff_involved"],
        ),
        said="Request sent to the Headteacher and designated persons (9.2).",
        to=lambda value: reverse("viewing:authorisation_detail", args=[value.pk]),
        template="viewing/authorisation_form.html",
        context={"school": school},
    )


def _render_detail(
    request: HttpRequest, auth: ViewingAuthorisation, form: DecisionForm | None = None, status: int = 200
) -> HttpResponse:
    user, now = request.user, timezone.now()
    standing = _standing(user, auth) if auth.status == Status.PENDING else two_person.Standing(False)
    may_decide, others = standing.authority, auth.requested_by_id != user.pk
    context = {
        "auth": auth,
        "state": state(auth, now),
        "cameras": auth.cameras.all(),
        "is_requester": auth.requested_by_id == user.pk,
        "may_decide": may_decide and others and standing.refusal is None,
        "own_request_pending": may_decide and not others,
        "awaiting_another": standing.refusal if others else None,
        "may_play": services.may_view(user, auth, auth.terms(), now) is None,
        "form": form or DecisionForm(),
        "history_url": _history_url(request, auth),
    }
    return render(request, "viewing/authorisation_detail.html", context, status=status)


def _history_url(request: HttpRequest, auth: ViewingAuthorisation) -> str:
    profiles = restrict(StaffProfile.objects.all(), request.user, HISTORY).filter(user=auth.requested_by_id)
    profile = profiles.first()
    return reverse("viewing:viewing_history", args=[profile.pk]) if profile is not None else ""


@login_required
@require_GET
def authorisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, get_object_or_404(access.readable(request.user), pk=pk))


@login_required
@require_POST
def authorisation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    auth = get_object_or_404(access.decidable(request.user), pk=pk)
    form = DecisionForm(request.POST)
    if sent := submit(
        request,
        form,
        lambda data: services.decide(
            request.user,
            auth,
            approve=data["decision"] == "approve",
            code=data["code"],
            note=data["note"],
            now=timezone.now(),
        ),
        said=_decided_text,
        to=reverse("viewing:authorisation_detail", args=[auth.pk]),
    ):
        return sent
    return _render_detail(request, auth, form, status=400)


def _decided_text(auth: ViewingAuthorisation) -> str:
    if auth.status == Status.APPROVED and auth.expires_at is not None:
        return f"Approved until {uk_datetime(auth.expires_at)}."
    return "Declined."


# --- playing ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def player(request: HttpRequest, pk: int) -> HttpResponse:
    auth, now = own_authorisation(request, pk), timezone.now()
    problem = services.may_view(request.user, auth, auth.terms(), now)
    if problem is not None:
        raise PermissionDenied(problem)
    cameras = []
    for camera in auth.cameras.order_by("name"):
        segments = services.viewable_segments(request.user, auth, camera, now)
        cameras.append(_camera_data(auth, camera, segments))
    return render(request, "viewing/player.html", {"auth": auth, "cameras": cameras})


def _camera_data(auth: ViewingAuthorisation, camera: Camera, segments: list[Segment]) -> dict[str, Any]:
    blocks = timeline(((s.start, s.end) for s in segments), auth.start, auth.end)
    return {
        "id": camera.pk,
        "script_id": f"camera-data-{camera.pk}",
        "name": camera.name,
        "start_ms": epoch_ms(auth.start),
        "end_ms": epoch_ms(auth.end),
        "playlist": reverse("viewing:playlist", args=[auth.pk, camera.pk]),
        "motion_threshold": MOTION_THRESHOLD,
        # Motion only of the segments this person may play (the list is viewable_segments'), per second.
        "segments": [
            {
                "id": str(s.pk),
                "start_ms": epoch_ms(s.start),
                "end_ms": epoch_ms(s.end),
                "url": reverse("viewing:segment", args=[auth.pk, s.pk]),
                "motion": s.motion or [],
                **block,
            }
            for s, block in zip(segments, blocks, strict=True)
        ],
    }


@login_required
@require_GET
def playlist(request: HttpRequest, pk: int, camera_id: int) -> HttpResponse:
    """HLS (RFC 8216) over the segments' fragmented MP4, for players with HLS (design/viewing.md)."""
    auth, now = own_authorisation(request, pk), timezone.now()
    camera = get_object_or_404(auth.cameras.all(), pk=camera_id)
    problem = services.may_view(request.user, auth, auth.terms(), now)
    if problem is not None:
        raise PermissionDenied(problem)
    entries = [
        PlaylistEntry(
            s.start,
            s.end,
            reverse("viewing:segment_init", args=[auth.pk, s.pk]),
            reverse("viewing:segment_media", args=[auth.pk, s.pk]),
        )
        for s in services.viewable_segments(request.user, auth, camera, now)
    ]
    response = HttpResponse(hls_playlist(entries), content_type="application/vnd.apple.mpegurl")
    response["Cache-Control"] = "private, no-store"
    return response


def _footage(request: HttpRequest, pk: int, segment_id: uuid.UUID) -> bytes:
    auth, segment = own_authorisation(request, pk), visible_segment(request, segment_id)
    return services.open_segment(request.user, auth, segment, timezone.now())


def bytes_response(request: HttpRequest, data: bytes, content_type: str) -> HttpResponseBase:
    """`data` whole (200) or the byte range asked for (206, RFC 9110), never cached by the browser."""
    return ranged_response(
        request, len(data), lambda start, end: [data[start:end]], content_type, stream=False
    )


def ranged_response(
    request: HttpRequest,
    size: int,
    read: Callable[[int, int], Iterable[bytes]],
    content_type: str,
    *,
    stream: bool = True,
) -> HttpResponseBase:
    """An object of `size` bytes whole (200) or the byte range asked for (206, RFC 9110), from
    `read(start, end)`, streamed (a long redacted copy) or in one body (a segment, already in memory),
    never cached by the browser."""
    try:
        wanted = byte_range(request.headers.get("Range"), size)
    except RangeNotSatisfiable:
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    first, last = wanted or (0, size - 1)
    body, status = read(first, last + 1), 200 if wanted is None else 206
    response: HttpResponseBase = (
        StreamingHttpResponse(body, content_type=content_type, status=status)
        if stream
        else HttpResponse(b"".join(body), content_type=content_type, status=status)
    )
    response["Content-Length"] = str(last + 1 - first)
    if wanted is not None:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, no-store"
    return response


def _serve(request: HttpRequest, pk: int, segment_id: uuid.UUID, part: str) -> HttpResponseBase:
    try:
        data = _footage(request, pk, segment_id)
    except FootageUnreadable as error:
        log.error("%s", error)
        return HttpResponse(str(error), status=500, content_type="text/plain; charset=utf-8")
    if part == "whole":
        return bytes_response(request, data, "video/mp4")
    split = init_length(data)
    if part == "init":
        return bytes_response(request, data[:split], "video/mp4")
    return bytes_response(request, data[split:], "video/iso.segment")


@login_required
@require_GET
def segment(request: HttpRequest, pk: int, segment_id: uuid.UUID) -> HttpResponseBase:
    """One segment as a playable MP4: what the page's player uses."""
    return _serve(request, pk, segment_id, "whole")


@login_required
@require_GET
def segment_init(request: HttpRequest, pk: int, segment_id: uuid.UUID) -> HttpResponseBase:
    """The segment's initialisation section (ftyp + moov), for HLS's EXT-X-MAP."""
    return _serve(request, pk, segment_id, "init")


@login_required
@require_GET
def segment_media(request: HttpRequest, pk: int, segment_id: uuid.UUID) -> HttpResponseBase:
    """The segment's fragments (moof + mdat …), for HLS."""
    return _serve(request, pk, segment_id, "media")


# --- a person's viewing history (16) ---------------------------------------------------------------------


@login_required
@require_GET
def viewing_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything a member of staff did with footage: for the Headteacher (their school) and the DPO."""
    profiles = restrict(StaffProfile.objects.select_related("user", "school"), request.user, HISTORY)
    profile = get_object_or_404(profiles, pk=pk)
    events = restrict(
        AuditEvent.objects.filter(actor=profile.user, action__startswith="viewing.").select_related("school"),
        request.user,
        HISTORY,
    )
    page = Paginator(events.order_by("-seq"), 100).get_page(request.GET.get("page"))
    rows = [(event, _local(event.details.get("start")), _local(event.details.get("end"))) for event in page]
    return render(request, "viewing/history.html", {"profile": profile, "page": page, "rows": rows})


def _local(text: Any) -> datetime | None:
    """An ISO time from an event's details, in UK local time for display (stored UTC)."""
    try:
        return timezone.localtime(datetime.fromisoformat(text)) if isinstance(text, str) else None
    except ValueError:
        return None
