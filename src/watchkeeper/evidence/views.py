"""Evidence pages (9.5, Appendix I): taking a snapshot under a viewing authorisation, and the CCTV log.

The snapshot view uses the viewing app's own lookups (the requester's authorisation, the segment at a
school where they review) and viewing.services.open_segment's check; the JPEG goes back as an attachment
that the browser must not cache, and is not kept on the server.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from watchkeeper.audit.services import record
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.permissions import restrict
from watchkeeper.core.shortcuts import chosen_school, require_anywhere
from watchkeeper.evidence import services
from watchkeeper.evidence.forms import SnapshotForm
from watchkeeper.evidence.models import Download, Kind
from watchkeeper.viewing.services import REQUEST
from watchkeeper.viewing.views import own_authorisation, visible_segment

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
    "school", "camera", "authorised_by", "requested_by", "deletion_authorised_by"
)
# Cells a spreadsheet would run as a formula (CSV injection): prefixed with a quote, as audit/views.py does.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --- snapshot --------------------------------------------------------------------------------------------


@login_required
@require_POST
def snapshot(request: HttpRequest, pk: int) -> HttpResponse:
    auth, form = own_authorisation(request, pk), SnapshotForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Say which camera, segment and moment.", status=400, content_type=TEXT)
    camera = get_object_or_404(auth.cameras.all(), pk=form.cleaned_data["camera"])
    segment = visible_segment(request, form.cleaned_data["segment"])
    if segment.camera_id != camera.pk:
        raise Http404("That segment is not of that camera.")
    try:
        taken = services.take_snapshot(request.user, auth, segment, form.cleaned_data["offset"])
    except PolicyRefusal as refusal:
        return HttpResponse("; ".join(refusal.problems), status=400, content_type=TEXT)
    response = HttpResponse(taken.jpeg, content_type="image/jpeg")
    response["Content-Disposition"] = f'attachment; filename="{snapshot_name(taken.download)}"'
    response["Cache-Control"] = "private, no-store"
    return response


def snapshot_name(download: Download) -> str:
    """Unique per frame: school, camera and the frame's UTC time to the millisecond."""
    at = download.frame_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%f")[:-3]
    return f"snapshot-{slugify(download.school.name)}-{download.camera_id}-{at}Z.jpg"


# --- sealed packages (9.5, 11.6) ------------------------------------------------------------------------


@login_required
@require_POST
def package_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Seal the footage of the requester's own authorisation; the password is shown on this page ONCE."""
    auth = own_authorisation(request, pk)
    try:
        exported = services.export_package(request.user, auth)
    except PolicyRefusal as refusal:
        return render(
            request, "evidence/package.html", {"auth": auth, "problems": refusal.problems}, status=400
        )
    context = {"auth": auth, "download": exported.download, "password": exported.password}
    response = render(request, "evidence/package.html", context)
    response["Cache-Control"] = "private, no-store"  # the page holds the password
    return response


@login_required
@require_GET
def package_file(request: HttpRequest, pk: int) -> FileResponse:
    """The sealed ZIP, to the person who exported it, while they still review at that school (9.2)."""
    mine = Download.objects.filter(kind=Kind.PACKAGE, requested_by_id=request.user.pk, deleted_at=None)
    download = get_object_or_404(restrict(mine, request.user, REQUEST), pk=pk)
    path = services.package_path(download)
    if not path.exists():
        raise Http404("That package is no longer stored.")
    record(
        services.PACKAGE_FETCHED,
        actor=request.user,
        school=download.school,
        obj=download,
        details={"file": path.name, "sha256": download.sha256},
    )
    response = FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
    response["Cache-Control"] = "private, no-store"
    return response


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
    context = {"school": school, "headings": HEADINGS, "page": page, "rows": [(d, columns(d)) for d in page]}
    return render(request, "evidence/cctv_log.html", context)


@login_required
@require_GET
def cctv_log_csv(request: HttpRequest) -> StreamingHttpResponse:
    school, downloads = _log(request)
    record(
        "evidence.log_exported",
        actor=request.user,
        school=school,
        details={"school": school.pk if school else None, "rows": downloads.count()},
    )
    response = StreamingHttpResponse(_csv_lines(downloads), content_type="text/csv; charset=utf-8")
    name = f"cctv-log-{slugify(school.name) + '-' if school else ''}{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
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
    return [
        f"{_name(d.authorised_by)}, {_when(d.authorised_at)} (authorisation #{d.authorisation_id})",
        _when(d.downloaded_at),
        f"{d.get_reason_category_display()}: {d.reason}",
        _name(d.requested_by),
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
