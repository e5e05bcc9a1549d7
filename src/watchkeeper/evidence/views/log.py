"""The CCTV log (Appendix I) as a page, a CSV and a landscape PDF, for the Headteacher, the CCTV
administrator and the DPO (`evidence.log`). The rows, their cells and the audited exports are the
service's (evidence/services/log.py)."""

from __future__ import annotations

from typing import TypeVar

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from watchkeeper.core.permissions import holds_any
from watchkeeper.core.shortcuts import chosen_school, require_anywhere
from watchkeeper.estate.models import School
from watchkeeper.evidence import services
from watchkeeper.viewing.services import HOLD


def _school(request: HttpRequest) -> School | None:
    require_anywhere(request, services.LOG)
    return chosen_school(request, request.GET, services.LOG)


@login_required
@require_GET
def cctv_log(request: HttpRequest) -> HttpResponse:
    school = _school(request)
    # 15.1: a copy reported lost, or its password sent with it, shows on its row (not in the exports, whose
    # columns are Appendix I's).
    rows = services.log_rows(request.user, school).prefetch_related("reports__breach")
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    today = timezone.localdate()
    context = {
        "school": school,
        "headings": services.HEADINGS,
        "page": page,
        "rows": [(d, services.columns(d)) for d in page],
        # 13.2: copies due for deletion soon or overdue, for the Headteacher and DPO.
        "flagged": services.flagged_copies(request.user, today, school),
        "can_hold": holds_any(request.user, HOLD),
        "today": today,
    }
    return render(request, "evidence/cctv_log.html", context)


R = TypeVar("R", bound=HttpResponseBase)


def _attachment(response: R, school: School | None, extension: str) -> R:
    prefix = f"cctv-log-{slugify(school.name)}-" if school else "cctv-log-"
    response["Content-Disposition"] = f'attachment; filename="{prefix}{timezone.localdate()}.{extension}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def cctv_log_csv(request: HttpRequest) -> StreamingHttpResponse:
    school = _school(request)
    lines = services.export_log_csv(request.user, school)
    return _attachment(StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8"), school, "csv")


@login_required
@require_GET
def cctv_log_pdf(request: HttpRequest) -> HttpResponse:
    school = _school(request)
    pdf = services.export_log_pdf(request.user, school, now=timezone.now())
    return _attachment(HttpResponse(pdf, content_type="application/pdf"), school, "pdf")
