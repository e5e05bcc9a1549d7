"""Redaction review pages (10.2, 10.3, 10.4.1, 16; design/redaction.md "Review", "Permissions").

Everything here is the reviewer's own: a redaction is found only by the person who started it, at a school
where they hold redaction.review (another's is 404), and every page, video and thumbnail is checked again
in redaction.services against the viewing authorisation it was made under — expired, refused (403).
The source footage is played through viewing's own segment URLs (its check, its audit); the preview is
served decrypted in memory with `Cache-Control: no-store`, like segments. A refused start is shown in its
form (core.refusals.attempt); a refused decision leaves the view as the refused page, with a link back to
the review.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from watchkeeper.core.forms import Form
from watchkeeper.core.permissions import can, require, restrict
from watchkeeper.core.refusals import form_page
from watchkeeper.core.shortcuts import in_school, list_school
from watchkeeper.jobs.models import JobRecord
from watchkeeper.redaction import services
from watchkeeper.redaction.forms import ApproveForm, GroupKeepForm, KeepForm, ManualForm, ModeForm, StartForm
from watchkeeper.redaction.models import Mode, Redaction, Status
from watchkeeper.redaction.thumbnail import NoThumbnail
from watchkeeper.viewing.footage import FootageUnreadable
from watchkeeper.viewing.models import Status as AuthStatus
from watchkeeper.viewing.models import ViewingAuthorisation
from watchkeeper.viewing.views import own_authorisation, ranged_response

log = logging.getLogger(__name__)
REVIEW = services.REVIEW
REDACTIONS = Redaction.objects.select_related(
    "school", "camera", "authorisation", "created_by", "approved_by"
)


def _mine(request: HttpRequest) -> QuerySet[Redaction]:
    return restrict(REDACTIONS, request.user, REVIEW).filter(created_by_id=request.user.pk)


def _own(request: HttpRequest, pk: int) -> Redaction:
    return get_object_or_404(_mine(request), pk=pk)


# --- list and start ---------------------------------------------------------------------------------------


@login_required
@require_GET
def redaction_list(request: HttpRequest) -> HttpResponse:
    school = list_school(request, REVIEW)
    redactions = in_school(_mine(request).exclude(status=Status.DISCARDED), school)
    context = {"redactions": redactions, "school": school, "authorisations": _current_authorisations(request)}
    return render(request, "redaction/list.html", context)


def _current_authorisations(request: HttpRequest) -> list[ViewingAuthorisation]:
    """The person's own approved, unexpired authorisations at schools where they review: where to start."""
    now = timezone.now()
    own = restrict(ViewingAuthorisation.objects.select_related("school"), request.user, REVIEW).filter(
        requested_by_id=request.user.pk, status=AuthStatus.APPROVED, expires_at__gt=now
    )
    return list(own.prefetch_related("cameras").order_by("-decided_at")[:50])


@login_required
@require_http_methods(["GET", "POST"])
def redaction_start(request: HttpRequest, auth_pk: int) -> HttpResponse:
    """Pick a camera and a window inside one's approved authorisation (10.2): the job starts at once."""
    auth = own_authorisation(request, auth_pk)
    require(request.user, REVIEW, auth.school_id)
    cameras = auth.cameras.select_related("school").order_by("name")
    initial: dict[str, Any] = {"start": timezone.localtime(auth.start), "end": timezone.localtime(auth.end)}
    chosen = request.GET.get("camera")
    if chosen and chosen.isdigit():
        initial["camera"] = int(chosen)
    form = StartForm(
        request.POST if request.method == "POST" else None,
        cameras=cameras,
        initial=initial,
        may_release=can(request.user, "recording.hold", auth.school_id),
    )
    return form_page(
        request,
        form,
        lambda data: _start(request, auth, data),
        said="Finding faces and people in the footage (10.4.1)…",
        to=lambda value: reverse("redaction:review", args=[value.pk]),
        template="redaction/start.html",
        context={"auth": auth},
    )


def _start(request: HttpRequest, auth: ViewingAuthorisation, data: dict[str, Any]) -> Redaction:
    return services.start_redaction(
        request.user,
        auth,
        data["camera"],
        data["start"],
        data["end"],
        release_reason=data.get("release_reason", ""),
        now=timezone.now(),
    )


# --- the review page ------------------------------------------------------------------------------------


@login_required
@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    redaction, now = _own(request, pk), timezone.now()
    problem = services.why_not_reviewer(request.user, redaction, now)
    if problem is not None:
        raise PermissionDenied(problem)
    job = _job(redaction)
    fps = services.fps_of(redaction)
    kept = {int(t) for t in redaction.keep}
    proposed = services.proposed_tracks(redaction)
    tracks = {
        int(t["id"]): {**services.track_summary(t, fps), "keep": int(t["id"]) in kept} for t in proposed
    }
    height = int((redaction.proposal or {}).get("height") or 0)
    manual = [services.track_summary(t, fps) for t in redaction.manual]
    context = {
        "redaction": redaction,
        "job": job,
        "busy": redaction.status in (Status.PROPOSING, Status.RENDERING),
        "tracks": list(tracks.values()),
        "groups": services.review_groups(proposed, tracks, height),
        "manual": manual,
        "mode_form": ModeForm(initial={"mode": redaction.mode}),
        "editable": redaction.status == Status.REVIEW,
        "preview_current": services.preview_is_current(redaction),
        "data": _page_data(redaction, kept),
        "modes": Mode.choices,
    }
    return render(request, "redaction/review.html", context)


def _job(redaction: Redaction) -> JobRecord | None:
    """The record of the redaction's latest job, for its progress."""
    return JobRecord.objects.filter(task_id=redaction.job_task_id).first() if redaction.job_task_id else None


def _page_data(redaction: Redaction, kept: set[int]) -> dict[str, Any]:
    """What review.js draws: the source segments (viewing's URLs), the boxes by track, the preview URL."""
    proposal = redaction.proposal or {}
    auth_pk = redaction.authorisation_id
    return {
        "fps": services.fps_of(redaction),
        "width": proposal.get("width", 0),
        "height": proposal.get("height", 0),
        "frames": proposal.get("frames", 0),
        "segments": [
            {
                "id": s["id"],
                "url": reverse("viewing:segment", args=[auth_pk, s["id"]]),
                "first_frame": s.get("first_frame", 0),
                "frames": s.get("frames", 0),
            }
            for s in redaction.segments
        ],
        "tracks": [
            {
                "id": int(t["id"]),
                "kind": t.get("kind"),
                "keep": int(t["id"]) in kept,
                "boxes": t.get("boxes", []),
            }
            for t in services.proposed_tracks(redaction)
        ],
        "manual": redaction.manual,
        "output": reverse("redaction:output", args=[redaction.pk]) if redaction.has_output else "",
        "preview_current": services.preview_is_current(redaction),
    }


def _back(redaction: Redaction, frame: Any = None) -> HttpResponse:
    url = reverse("redaction:review", args=[redaction.pk])
    return redirect(f"{url}?at={int(frame)}" if frame is not None else url)


# Decisions are posted from the review page and go back to it. A refusal leaves the view: the refused page
# says why, with a link back to the review (core.refusals).


def _decided(
    request: HttpRequest,
    pk: int,
    decide: Callable[[Redaction, dict[str, Any]], object],
    form_class: type[Form] | None = None,
    invalid: str = "",
) -> HttpResponse:
    """Run one decision on the person's own redaction with the posted form's data, then back to it."""
    redaction = _own(request, pk)
    data: dict[str, Any] = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            return HttpResponse(invalid, status=400)
        data = form.cleaned_data
    decide(redaction, data)
    return _back(redaction)


@login_required
@require_POST
def keep(request: HttpRequest, pk: int) -> HttpResponse:
    def decide(redaction: Redaction, data: dict[str, Any]) -> None:
        services.set_keep(request.user, redaction, data["track"], data["keep"], now=timezone.now())

    return _decided(request, pk, decide, KeepForm, "Choose a track.")


@login_required
@require_POST
def keep_group(request: HttpRequest, pk: int) -> HttpResponse:
    def decide(redaction: Redaction, data: dict[str, Any]) -> None:
        changed = services.set_group_keep(
            request.user, redaction, data["group"], data["keep"], now=timezone.now()
        )
        verb = "kept visible" if data["keep"] else "hidden"
        messages.success(request, f"{len(changed)} track{'s' if len(changed) != 1 else ''} {verb}.")

    return _decided(request, pk, decide, GroupKeepForm, "Choose a group.")


@login_required
@require_POST
def mode(request: HttpRequest, pk: int) -> HttpResponse:
    def decide(redaction: Redaction, data: dict[str, Any]) -> None:
        services.set_mode(request.user, redaction, data["mode"], now=timezone.now())

    return _decided(request, pk, decide, ModeForm, "Choose blur, pixelate or fill.")


@login_required
@require_POST
def manual(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a manual box on a key frame, extend a manual track at another frame, or delete one."""
    redaction = _own(request, pk)
    form = ManualForm(request.POST)
    if not form.is_valid():
        for error in form.non_field_errors():
            messages.error(request, str(error))
        return _back(redaction)
    data, now = form.cleaned_data, timezone.now()
    if data["op"] == "delete":
        services.delete_manual(request.user, redaction, data["track"], now=now)
    else:
        box = services.ManualBox(data["frame"], data["x"], data["y"], data["w"], data["h"])
        if data["op"] == "add":
            services.add_manual(request.user, redaction, box, now=now)
        else:
            services.extend_manual(request.user, redaction, data["track"], box, now=now)
    return _back(redaction, data.get("frame"))


@login_required
@require_POST
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    def decide(redaction: Redaction, data: dict[str, Any]) -> None:
        services.request_preview(request.user, redaction, now=timezone.now())

    return _decided(request, pk, decide)


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    def decide(redaction: Redaction, data: dict[str, Any]) -> None:
        watched = data["watched"] if data["watched"] is not None else 0.0  # not measured: nothing seen
        services.approve(
            request.user, redaction, now=timezone.now(), watched=watched, confirmed=data["confirm_unwatched"]
        )
        messages.success(request, "Approved: this redacted copy may now go in an evidence package (10.4.1).")

    return _decided(request, pk, decide, ApproveForm, "The approval form was incomplete: reload the page.")


@login_required
@require_POST
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    redaction = _own(request, pk)
    services.discard(request.user, redaction)
    messages.success(request, "Discarded: the redacted copy has been destroyed.")
    return redirect("redaction:list")


# --- video, thumbnails, report (checked on every request) -------------------------------------------------


@login_required
@require_GET
def output(request: HttpRequest, pk: int) -> HttpResponseBase:
    redaction = _own(request, pk)
    try:
        stream = services.open_output(request.user, redaction, timezone.now())
    except FootageUnreadable as error:
        log.error("%s", error)
        return HttpResponse(
            str(error), status=404 if not redaction.has_output else 500, content_type="text/plain"
        )
    return ranged_response(request, stream.size, stream.range, "video/mp4")


@login_required
@require_GET
def thumbnail(request: HttpRequest, pk: int, track_id: int) -> HttpResponse:
    redaction = _own(request, pk)
    try:
        jpeg = services.track_thumbnail(request.user, redaction, track_id, timezone.now())
    except (FootageUnreadable, NoThumbnail) as error:
        log.error("%s", error)
        return HttpResponse(str(error), status=500, content_type="text/plain; charset=utf-8")
    return _private(HttpResponse(jpeg, content_type="image/jpeg"))


@login_required
@require_GET
def report(request: HttpRequest, pk: int) -> HttpResponse:
    redaction = _own(request, pk)
    services.check_reviewer(request.user, redaction, timezone.now())
    if redaction.report is None:
        raise PermissionDenied("10.4.1: the report is made when the redaction is approved")
    return _private(JsonResponse(redaction.report, json_dumps_params={"indent": 2}))


def _private(response: HttpResponse) -> HttpResponse:
    """Footage and what is drawn from it stay out of every cache, as segments do (9.1)."""
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's progress for the page's bar (polled while a job runs)."""
    redaction = _own(request, pk)
    services.check_reviewer(request.user, redaction, timezone.now())
    job = _job(redaction)
    return JsonResponse(
        {
            "status": redaction.status,
            "progress": job.progress if job else 0,
            "message": (job.message if job else "") or redaction.message,
        }
    )
