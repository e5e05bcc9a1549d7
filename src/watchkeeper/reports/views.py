"""The reports pages (design/reports.md): the DPO dashboard, the annual report, the auditor's compliance
evidence report and the record-of-processing entry with the registers' retention schedule."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from watchkeeper.core.permissions import school_ids
from watchkeeper.core.shortcuts import list_school, require_anywhere, schools_where
from watchkeeper.reports import dashboard as board
from watchkeeper.reports import retention, services
from watchkeeper.reports.forms import AnnualForm


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    require_anywhere(request, board.VIEW)
    return render(request, "reports/dashboard.html", board.dashboard(request.user, timezone.now()))


@login_required
@require_GET
def annual(request: HttpRequest) -> HttpResponse:
    """The form, and the PDF once a year is given (a GET: printing changes nothing)."""
    school = list_school(request, board.VIEW)  # another school's id is 404 before any form is shown
    trust_wide = school_ids(request.user, board.VIEW) is None
    if "year" in request.GET and school is None and not trust_wide:
        raise PermissionDenied(
            "The whole trust's report is for the DPO and governance (3.5); choose your school."
        )
    form = AnnualForm(
        request.GET or None,
        schools=schools_where(request, board.VIEW).order_by("name"),
        trust_wide=trust_wide,
    )
    if not form.is_valid():
        return render(request, "reports/annual.html", {"form": form, "year": timezone.localdate().year - 1})
    year, public = form.cleaned_data["year"], form.cleaned_data["public"]
    pdf = services.annual_report(request.user, school=school, year=year, public=public, now=timezone.now())
    edition = "public" if public else "internal"
    return _pdf(pdf, f"cctv-annual-report-{year}-{school.pk if school else 'trust'}-{edition}.pdf")


@login_required
@require_GET
def compliance(request: HttpRequest) -> HttpResponse:
    pdf = services.compliance_report(request.user, timezone.now())
    return _pdf(pdf, f"cctv-compliance-evidence-{timezone.localdate():%Y-%m-%d}.pdf")


@login_required
@require_GET
def processing(request: HttpRequest) -> HttpResponse:
    entry = services.record_of_processing(request.user)
    schedule = [
        (retention.LABELS[k], years, k in retention.APPLIED or k in retention.APPLIED_BY_THEIR_APP)
        for k, years in retention.schedule().items()
    ]
    return render(request, "reports/processing.html", {"entry": entry, "schedule": schedule})


def _pdf(pdf: bytes, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
