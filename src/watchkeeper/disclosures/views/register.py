"""The register of disclosures (11.1): on screen, as CSV and as a printable PDF. Each export is audited
by the service that reads the rows for it (services.export_register)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from watchkeeper.core.csvfiles import csv_lines
from watchkeeper.core.dates import uk_datetime
from watchkeeper.core.pdf import table_pdf
from watchkeeper.core.release_terms import SOCIAL_MEDIA_PROHIBITION
from watchkeeper.core.shortcuts import list_school
from watchkeeper.disclosures import register, services
from watchkeeper.disclosures.views.common import REGISTER
from watchkeeper.estate.models import School


def _school(request: HttpRequest) -> School | None:
    return list_school(request, REGISTER)


@login_required
@require_GET
def register_page(request: HttpRequest) -> HttpResponse:
    school = _school(request)
    context = {
        "school": school,
        "headings": register.HEADINGS,
        "rows": [r.cells() for r in services.register_rows(request.user, school)],
        "s29_note": services.S29_NOTE,
        "prohibition": SOCIAL_MEDIA_PROHIBITION,
    }
    return render(request, "disclosures/register.html", context)


def _attachment(response: HttpResponse | StreamingHttpResponse, school: School | None, suffix: str) -> None:
    where = slugify(school.name) + "-" if school else ""
    filename = f"disclosure-register-{where}{timezone.localdate().isoformat()}.{suffix}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"


@login_required
@require_GET
def register_csv(request: HttpRequest) -> StreamingHttpResponse:
    school = _school(request)
    rows = services.export_register(request.user, school=school, form="csv")
    response = StreamingHttpResponse(
        csv_lines(register.HEADINGS, (row.cells() for row in rows)), content_type="text/csv; charset=utf-8"
    )
    _attachment(response, school, "csv")
    return response


@login_required
@require_GET
def register_pdf(request: HttpRequest) -> HttpResponse:
    school = _school(request)
    rows = services.export_register(request.user, school=school, form="pdf")
    title = f"Disclosure register{': ' + school.name if school else ''} (CCTV policy 11.1)"
    subtitle = f"Every disclosure of CCTV images to a third party. Printed {uk_datetime(timezone.now())}."
    pdf = table_pdf(
        title, register.HEADINGS, [r.cells() for r in rows], subtitle=subtitle, widths=register.WIDTHS
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    _attachment(response, school, "pdf")
    return response
