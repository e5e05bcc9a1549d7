"""Minibus footage from the web (5.2, issue 16 §3): the CCTV administrator's upload page and the small JSON
endpoints its script sends the file's pieces to (recording/static/recording/dvr_upload.js). Every request is
checked again on the server; a refusal answers JSON {"error": plain words} for the script to show."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.permissions import restrict
from watchkeeper.core.shortcuts import in_school, list_school
from watchkeeper.estate.models import Camera, CameraStatus
from watchkeeper.jobs.models import JobRecord
from watchkeeper.recording import uploads
from watchkeeper.recording.forms import DvrUploadForm
from watchkeeper.recording.models import DvrUpload

IMPORT = "recording.import"


def _cameras(request: HttpRequest) -> Any:
    minibus = Camera.objects.filter(vehicle__isnull=False).exclude(status=CameraStatus.DECOMMISSIONED)
    return restrict(minibus.select_related("school", "vehicle"), request.user, IMPORT)


def _upload(request: HttpRequest, pk: Any) -> DvrUpload:
    return get_object_or_404(
        restrict(DvrUpload.objects.select_related("camera"), request.user, IMPORT), pk=pk
    )


def _answer(call: Callable[[], dict[str, Any]]) -> JsonResponse:
    try:
        return JsonResponse(call())
    except PolicyRefusal as refusal:
        return JsonResponse({"error": "; ".join(str(p) for p in refusal.problems)}, status=400)
    except PermissionDenied as denied:
        return JsonResponse({"error": str(denied) or "You are not permitted to do this."}, status=403)


def _state(upload: DvrUpload) -> dict[str, Any]:
    job = JobRecord.objects.filter(task_id=upload.job_task_id).first() if upload.job_task_id else None
    return {
        "id": str(upload.pk),
        "status": upload.status,
        "status_label": upload.get_status_display(),
        "message": upload.message,
        "size": upload.size,
        "received": uploads.received_bytes(upload),
        "piece_bytes": uploads.PIECE_BYTES,
        "progress": job.progress if job else 0,
        "piece_url": reverse("recording:dvr_upload_piece", args=[upload.pk, 0]).removesuffix("0/"),
        "finish_url": reverse("recording:dvr_upload_finish", args=[upload.pk]),
        "status_url": reverse("recording:dvr_upload_status", args=[upload.pk]),
    }


@login_required
@require_GET
def dvr_upload_page(request: HttpRequest) -> HttpResponse:
    school = list_school(request, IMPORT)
    cameras = _cameras(request)
    recent = restrict(DvrUpload.objects.select_related("camera", "created_by"), request.user, IMPORT)
    cameras, recent = in_school(cameras, school), in_school(recent, school)
    context = {"form": DvrUploadForm(cameras=cameras), "uploads": recent[:20], "school": school}
    return render(request, "recording/dvr_upload.html", context)


def _form_problems(form: DvrUploadForm) -> str:
    problems = [f"{form.fields[f].label if f in form.fields else ''}: {e[0]}" for f, e in form.errors.items()]
    return "; ".join(p.lstrip(": ") for p in problems)


@login_required
@require_POST
def dvr_upload_begin(request: HttpRequest) -> JsonResponse:
    get_object_or_404(_cameras(request), pk=request.POST.get("camera") or 0)  # 404: not a camera of theirs
    form = DvrUploadForm(request.POST, cameras=_cameras(request))
    if not form.is_valid():
        return JsonResponse({"error": _form_problems(form)}, status=400)
    data = form.cleaned_data

    def begin() -> dict[str, Any]:
        upload = uploads.begin(
            request.user,
            data["camera"],
            filename=data["filename"],
            size=data["size"],
            clock_offset_ms=data["clock_offset_ms"],
            start=data["start"],
            now=timezone.now(),
        )
        return _state(upload)

    return _answer(begin)


@csrf_exempt  # checked below, once the upload handlers are set (Django's documented order)
@login_required
@require_POST
def dvr_upload_piece(request: HttpRequest, pk: Any, index: int) -> HttpResponse:
    # 9.3: a piece is held in memory only. Django's default handlers would write a large one to a temporary
    # file; with memory alone, anything over FILE_UPLOAD_MAX_MEMORY_SIZE is simply not taken.
    request.upload_handlers = [MemoryFileUploadHandler(request)]
    return _receive_piece(request, pk, index)


@csrf_protect
def _receive_piece(request: HttpRequest, pk: Any, index: int) -> JsonResponse:
    upload = _upload(request, pk)
    piece = request.FILES.get("piece")
    data = piece.read() if piece is not None else b""
    return _answer(
        lambda: {"received": uploads.receive(request.user, upload, index, data, now=timezone.now())}
    )


@login_required
@require_POST
def dvr_upload_finish(request: HttpRequest, pk: Any) -> JsonResponse:
    upload = _upload(request, pk)
    return _answer(lambda: _state(uploads.finish(request.user, upload, now=timezone.now())))


@login_required
@require_GET
def dvr_upload_status(request: HttpRequest, pk: Any) -> JsonResponse:
    return JsonResponse(_state(_upload(request, pk)))
