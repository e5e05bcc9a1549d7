"""The breach register's pages (15.1; UK GDPR Art 33, 34): report, the case with its 72-hour countdown and
the DPO's decisions, the printed report, and the register on screen, as CSV and as PDF."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from watchkeeper.breaches import clock, report, services
from watchkeeper.breaches.forms import (
    AssessForm,
    AwareForm,
    ICODecisionForm,
    ICOPhaseForm,
    IndividualsForm,
    OtherForm,
    ReportForm,
)
from watchkeeper.breaches.models import Breach
from watchkeeper.breaches.services.register import HEADINGS, WIDTHS
from watchkeeper.compliance.differences import BREACH_DIFFERENCE
from watchkeeper.core.csvfiles import csv_lines
from watchkeeper.core.dates import uk_datetime
from watchkeeper.core.pdf import table_pdf
from watchkeeper.core.permissions import can, holds_any, restrict
from watchkeeper.core.refusals import attempt, submit
from watchkeeper.core.shortcuts import in_school, list_school, schools_where
from watchkeeper.estate.models import School

BREACHES = Breach.objects.select_related("school", "reported_by", "assessed_by", "decided_by")
FORMS: dict[str, type[Any]] = {
    "aware": AwareForm,
    "assess": AssessForm,
    "ico": ICODecisionForm,
    "phase": ICOPhaseForm,
    "individuals": IndividualsForm,
    "other": OtherForm,
}


def _form(name: str, data: Any = None) -> Any:
    """One of the DPO's forms; several share a page, so each has its own element ids (labels find theirs)."""
    return FORMS[name](data, auto_id=f"id_{name}_%s")


def _breach(request: HttpRequest, pk: int, action: str) -> Breach:
    return get_object_or_404(restrict(BREACHES, request.user, action), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    school = list_school(request, services.REPORT)
    schools = schools_where(request, services.REPORT)
    posted = request.POST if request.method == "POST" else None
    # Awareness starts now unless the reporter knew earlier: an empty required time was a silent dead end.
    aware = timezone.now().replace(second=0, microsecond=0)
    form = ReportForm(posted, schools=schools, initial={"school": school, "aware_at": aware})
    if request.method == "POST":
        outcome = attempt(
            request, form, lambda data: services.report_breach(request.user, **data, now=timezone.now())
        )
        if outcome.done:
            breach = outcome.value
            messages.success(request, f"Reported as {breach.reference}. The DPO has been told (15.1).")
            if can(request.user, services.VIEW, breach.school_id):
                return redirect("breaches:detail", pk=breach.pk)
            return redirect("site:dashboard")
    status = 400 if request.method == "POST" else 200
    return render(request, "breaches/report.html", {"form": form}, status=status)


@login_required
@require_GET
def breach_list(request: HttpRequest) -> HttpResponse:
    school = list_school(request, services.VIEW)
    found = in_school(restrict(BREACHES, request.user, services.VIEW).prefetch_related("ico_phases"), school)
    now = timezone.now()
    context = {
        "rows": [(b, services.state(b, now)) for b in found],
        "school": school,
        "may_export": holds_any(request.user, services.REGISTER),
        "difference": BREACH_DIFFERENCE if can(request.user, services.DECIDE, None) else None,
    }
    return render(request, "breaches/list.html", context)


def _render(
    request: HttpRequest, breach: Breach, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    now = timezone.now()
    may_decide = can(request.user, services.DECIDE, breach.school_id)
    shown = {name: _form(name) for name in FORMS} if may_decide else {}
    shown.update(forms or {})
    phases = list(breach.ico_phases.all())
    context = {
        "breach": breach,
        "state": services.state(breach, now),
        "deadline": clock.deadline(breach.aware_at),
        "phases": phases,
        "missing": services.missing_from_ico(phases) if phases else [],
        "others": breach.other_notifications.all(),
        "links": breach.links.all(),
        "reported_by": services.reported_by_name(breach),
        "categories": breach.categories_words(),
        "may_decide": may_decide,
        "forms": shown,
        "difference": BREACH_DIFFERENCE if may_decide else None,
    }
    return render(request, "breaches/detail.html", context, status=status)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, _breach(request, pk, services.VIEW))


# Each DPO step: its form and the service it calls with the form's cleaned data.
STEPS: dict[str, Callable[..., Any]] = {
    "aware": services.change_aware_at,
    "assess": services.assess_risk,
    "ico": services.decide_ico,
    "phase": services.notify_ico,
    "individuals": services.decide_individuals,
    "other": services.record_other,
}
DONE = {
    "aware": "Moment of awareness changed; the clock moved with it (audited).",
    "assess": "Risk assessment recorded.",
    "ico": "ICO decision recorded (Art 33(5)).",
    "phase": "Notification to the ICO recorded (Art 33(4)).",
    "individuals": "Decision on telling the people affected recorded (Art 34).",
    "other": "Notification recorded.",
}


@login_required
@require_POST
def step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    breach = _breach(request, pk, services.DECIDE)
    form = _form(name, request.POST)
    service = STEPS[name]
    if sent := submit(
        request,
        form,
        lambda data: service(request.user, breach, **data, now=timezone.now()),
        said=DONE[name],
        to=reverse("breaches:detail", args=[breach.pk]),
    ):
        return sent
    return _render(request, breach, {name: form}, status=400)


def _attachment(response: HttpResponse | StreamingHttpResponse, name: str) -> None:
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"


@login_required
@require_GET
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    breach = _breach(request, pk, services.VIEW)
    services.printed_report(request.user, breach)
    response = HttpResponse(report.breach_pdf(breach, timezone.now()), content_type="application/pdf")
    _attachment(response, f"breach-report-{breach.reference}.pdf")
    return response


def _register_school(request: HttpRequest) -> School | None:
    return list_school(request, services.REGISTER)


def _register_name(school: School | None, suffix: str) -> str:
    where = slugify(school.name) + "-" if school else ""
    return f"breach-register-{where}{timezone.localdate().isoformat()}.{suffix}"


@login_required
@require_GET
def register_csv(request: HttpRequest) -> StreamingHttpResponse:
    school = _register_school(request)
    rows = services.export_register(request.user, school=school, form="csv", now=timezone.now())
    response = StreamingHttpResponse(csv_lines(HEADINGS, rows), content_type="text/csv; charset=utf-8")
    _attachment(response, _register_name(school, "csv"))
    return response


@login_required
@require_GET
def register_pdf(request: HttpRequest) -> HttpResponse:
    school = _register_school(request)
    rows = services.export_register(request.user, school=school, form="pdf", now=timezone.now())
    title = f"Breach register{': ' + school.name if school else ''} (CCTV policy 15.1; UK GDPR Art 33(5))"
    subtitle = f"Every suspected breach, whatever was decided. Printed {uk_datetime(timezone.now())}."
    response = HttpResponse(
        table_pdf(title, HEADINGS, rows, subtitle=subtitle, widths=WIDTHS), content_type="application/pdf"
    )
    _attachment(response, _register_name(school, "pdf"))
    return response
