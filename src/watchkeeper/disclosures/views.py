"""Disclosure pages (11.1–11.7): requests from the police and outside bodies, FOI requests, closure
periods and the disclosure register. Every page checks its action on the server; objects are looked up
through restrict(), so another school's is a 404. State changes go through disclosures.services."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from watchkeeper.audit.services import record
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.pdf import table_pdf
from watchkeeper.core.permissions import can, holds_any, restrict
from watchkeeper.core.second_factor import count_failed_code
from watchkeeper.core.shortcuts import chosen_school, require_anywhere, show_refusal
from watchkeeper.disclosures import clock, register, services
from watchkeeper.disclosures.forms import (
    AdviceForm,
    ClosureForm,
    DecisionForm,
    DocumentForm,
    EscalateForm,
    FindingForm,
    FOIDecisionForm,
    FOIRequestForm,
    OutsideRequestForm,
    PoliceRequestForm,
)
from watchkeeper.disclosures.models import (
    ClosurePeriod,
    Disclosure,
    DisclosureRequest,
    Document,
    FOIRequest,
    RequestStatus,
)
from watchkeeper.estate.models import Camera, School
from watchkeeper.evidence.models import Download
from watchkeeper.recording.crypto import BlobError
from watchkeeper.viewing import reviews

VIEW, MANAGE, DECIDE, ADVISE, REGISTER, REVIEW = (
    services.VIEW,
    services.MANAGE,
    services.DECIDE,
    services.ADVISE,
    services.REGISTER,
    services.REVIEW,
)
REQUESTS = DisclosureRequest.objects.select_related(
    "school", "logged_by", "decided_by", "escalated_by", "hold", "review__requested_by", "finding_by"
)
FOIS = FOIRequest.objects.select_related("school", "logged_by", "decided_by")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _post(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _schools(request: HttpRequest, action: str) -> Any:
    return restrict(School.objects.all(), request.user, action)


def _cameras(request: HttpRequest, school: School | None) -> Any:
    cameras = restrict(Camera.objects.select_related("school"), request.user, MANAGE)
    return cameras.filter(school=school) if school is not None and request.method != "POST" else cameras


def _foi_rows(fois: Any) -> list[tuple[FOIRequest, clock.FOIDeadline, clock.ClockState]]:
    today, rows = timezone.localdate(), []
    for foi in fois:
        due = services.foi_deadline(foi)
        rows.append((foi, due, clock.foi_state(due.due, today, bool(foi.decision))))
    return rows


# --- the list ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    require_anywhere(request, VIEW)
    school = chosen_school(request, request.GET, VIEW)
    requests_ = restrict(REQUESTS, request.user, VIEW)
    fois = restrict(FOIS, request.user, VIEW)
    if school is not None:
        requests_, fois = requests_.filter(school=school), fois.filter(school=school)
    pending = requests_.filter(status=RequestStatus.PENDING)
    context = {
        "school": school,
        "referred": pending.exclude(escalated_at=None),
        "pending": pending.filter(escalated_at=None),
        "decided": requests_.exclude(status=RequestStatus.PENDING)[:50],
        "open_fois": _foi_rows(fois.filter(decision="")),
        "answered_fois": _foi_rows(fois.exclude(decision="")[:50]),
        "can_manage": holds_any(request.user, MANAGE),
        "can_register": holds_any(request.user, REGISTER),
        "is_dpo": holds_any(request.user, ADVISE),
    }
    return render(request, "disclosures/index.html", context)


# --- logging requests -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def police_new(request: HttpRequest) -> HttpResponse:
    return _logging_page(
        request,
        PoliceRequestForm,
        services.log_police_request,
        "Police request logged and referred to the Headteacher (11.3).",
        {"s29_note": services.S29_NOTE, "police": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def outside_new(request: HttpRequest) -> HttpResponse:
    return _logging_page(
        request,
        OutsideRequestForm,
        services.log_outside_request,
        "Request logged and referred to the Headteacher (11.5). Upload the documents.",
        {"police": False},
    )


def _logging_page(
    request: HttpRequest, form_class: Any, log: Any, logged: str, extra: dict[str, Any]
) -> HttpResponse:
    """The form that logs a police (11.3) or outside-body (11.5) request: its fields are the service's
    keyword arguments, so the page and the service cannot drift apart."""
    require_anywhere(request, MANAGE)
    school = chosen_school(request, request.GET, MANAGE)
    form = form_class(
        _post(request),
        schools=_schools(request, MANAGE),
        cameras=_cameras(request, school),
        initial={"school": school},
    )
    if request.method == "POST" and form.is_valid():
        try:
            req = log(request.user, **form.cleaned_data)
        except PolicyRefusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, logged)
            return redirect("disclosures:request_detail", pk=req.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "school": school, **extra}
    return render(request, "disclosures/request_form.html", context, status=status)


# --- one request ------------------------------------------------------------------------------------------


def _render_request(
    request: HttpRequest, req: DisclosureRequest, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    pending = req.status == RequestStatus.PENDING
    context = {
        "req": req,
        "cameras": req.cameras.order_by("name"),
        "documents": req.documents.select_related("uploaded_by"),
        "s29_note": services.S29_NOTE,
        "release_conditions": services.RELEASE_CONDITIONS,
        "may_decide": pending and can(user, DECIDE, req.school_id),
        "may_manage": can(user, MANAGE, req.school_id),
        "may_escalate": pending and req.escalated_at is None and can(user, MANAGE, req.school_id),
        "may_advise": req.escalated_at is not None and can(user, ADVISE, req.school_id),
        "review_approved": reviews.review_approved(req.review),
        "review_problems": services.review_problems(req) if pending else [],
        "decision_form": forms.get("decision_form")
        or DecisionForm(initial={"confirmed_purpose": req.purpose}),
        "document_form": forms.get("document_form") or DocumentForm(),
        "escalate_form": forms.get("escalate_form") or EscalateForm(),
        "advice_form": forms.get("advice_form") or AdviceForm(),
        "problems": forms.get("problems", []),
    }
    return render(request, "disclosures/request_detail.html", context, status=status)


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_request(request, get_object_or_404(restrict(REQUESTS, request.user, VIEW), pk=pk))


@login_required
@require_POST
def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(restrict(REQUESTS, request.user, DECIDE), pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.decide(
                request.user,
                req,
                approve=d["decision"] == "approve",
                code=d["code"],
                reason=d["reason"],
                confirmed_purpose=d["confirmed_purpose"],
            )
        except PolicyRefusal as refusal:
            count_failed_code(request, refusal)
            show_refusal(form, refusal)
        else:
            messages.success(
                request,
                "Approved: sent to the evidence workflow." if req.status == "approved" else "Refused.",
            )
            return redirect("disclosures:request_detail", pk=req.pk)
    return _render_request(request, req, status=400, decision_form=form)


@login_required
@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(restrict(REQUESTS, request.user, MANAGE), pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.upload_document(
                request.user, req, kind=form.cleaned_data["kind"], name=upload.name, data=upload.read()
            )
        except PolicyRefusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, f"“{upload.name}” stored, encrypted (11.5).")
            return redirect("disclosures:request_detail", pk=req.pk)
    return _render_request(request, req, status=400, document_form=form)


@login_required
@require_GET
def document_download(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    documents = Document.objects.select_related("request__school")
    document = get_object_or_404(restrict(documents, request.user, VIEW), pk=pk)
    try:
        data = services.open_document(request.user, document)
    except (BlobError, FileNotFoundError) as error:
        raise Http404(f"That document cannot be opened: {error}") from error
    response = HttpResponse(data, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{_safe_name(document.original_name)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _safe_name(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "._- " else "_" for ch in name) or "document"


@login_required
@require_POST
def request_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(restrict(REQUESTS, request.user, MANAGE), pk=pk)
    form = EscalateForm(request.POST)
    if form.is_valid():
        try:
            services.escalate(request.user, req, form.cleaned_data["note"])
        except PolicyRefusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, "Referred to the Data Protection Officer (11.5).")
            return redirect("disclosures:request_detail", pk=req.pk)
    return _render_request(request, req, status=400, escalate_form=form)


@login_required
@require_POST
def request_advise(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(restrict(REQUESTS, request.user, ADVISE), pk=pk)
    form = AdviceForm(request.POST)
    if form.is_valid():
        try:
            services.advise(request.user, req, form.cleaned_data["advice"])
        except PolicyRefusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, "Advice recorded; the Headteacher decides (11.5).")
            return redirect("disclosures:request_detail", pk=req.pk)
    return _render_request(request, req, status=400, advice_form=form)


# --- The reviewer's side (11.3, 10.2) ---------------------------------------------------------------------


def _finding_prefix(req: DisclosureRequest) -> str:
    return f"r{req.pk}"


def _render_reviews(
    request: HttpRequest,
    status: int = 200,
    problems: list[str] | None = None,
    bound: FindingForm | None = None,
) -> HttpResponse:
    """Undecided requests of the reviewer's schools; the reviewer whose review was approved records the
    finding on the same row (one form per row, prefixed by the request)."""
    school = chosen_school(request, request.GET, REVIEW)
    pending = restrict(REQUESTS, request.user, REVIEW).filter(status=RequestStatus.PENDING)
    if school is not None:
        pending = pending.filter(school=school)
    rows = []
    for req in pending.prefetch_related("cameras"):
        auth = req.review
        mine = auth is not None and reviews.review_approved(auth) and auth.requested_by_id == request.user.pk
        form = None
        if mine:
            prefix = _finding_prefix(req)
            initial = {"outcome": req.review_outcome, "finding": req.review_finding}
            form = bound if bound is not None and bound.prefix == prefix else None
            form = form or FindingForm(prefix=prefix, initial=initial)
        rows.append((req, reviews.under_review(req.review), form))
    context = {"rows": rows, "problems": problems or []}
    return render(request, "disclosures/review_list.html", context, status=status)


@login_required
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    require_anywhere(request, REVIEW)
    return _render_reviews(request)


@login_required
@require_POST
def review_request(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(restrict(REQUESTS, request.user, REVIEW), pk=pk)
    try:
        services.request_review(request.user, req)
    except PolicyRefusal as refusal:
        return _render_reviews(request, status=400, problems=refusal.problems)
    messages.success(
        request, f"Review of {req} asked for: the Headteacher or a designated person decides (9.2, 11.3)."
    )
    assert req.review_id is not None
    return redirect("viewing:authorisation_detail", pk=req.review_id)


@login_required
@require_POST
def review_finding(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(restrict(REQUESTS, request.user, REVIEW), pk=pk)
    form = FindingForm(request.POST, prefix=_finding_prefix(req))
    if form.is_valid():
        try:
            services.record_finding(
                request.user, req, outcome=form.cleaned_data["outcome"], finding=form.cleaned_data["finding"]
            )
        except PolicyRefusal as refusal:
            return _render_reviews(request, status=400, problems=refusal.problems, bound=form)
        messages.success(request, f"Finding recorded for {req}: the Headteacher decides (11.3).")
        return redirect("disclosures:review_list")
    return _render_reviews(request, status=400, bound=form)


# --- FOI (11.7) -------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def foi_new(request: HttpRequest) -> HttpResponse:
    require_anywhere(request, MANAGE)
    school = chosen_school(request, request.GET, MANAGE)
    form = FOIRequestForm(_post(request), schools=_schools(request, MANAGE), initial={"school": school})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            foi = services.log_foi_request(
                request.user,
                school=d["school"],
                requester_name=d["requester_name"],
                contact=d["contact"],
                received_on=d["received_on"],
                sought=d["sought"],
            )
        except PolicyRefusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, "FOI request logged; its clock has started (11.7).")
            return redirect("disclosures:foi_detail", pk=foi.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "guidance": services.FOI_GUIDANCE}
    return render(request, "disclosures/foi_form.html", context, status=status)


def _render_foi(
    request: HttpRequest, foi: FOIRequest, form: FOIDecisionForm | None = None, status: int = 200
) -> HttpResponse:
    closures = services.closures_for(foi.school_id)
    due = services.foi_deadline(foi, closures)
    context = {
        "foi": foi,
        "due": due,
        "state": clock.foi_state(due.due, timezone.localdate(), bool(foi.decision)),
        "no_closures": not closures,
        "guidance": services.FOI_GUIDANCE,
        "may_decide": not foi.decision and can(request.user, DECIDE, foi.school_id),
        "may_manage": can(request.user, MANAGE, foi.school_id),
        "form": form or FOIDecisionForm(),
        "clock": clock,
    }
    return render(request, "disclosures/foi_detail.html", context, status=status)


@login_required
@require_GET
def foi_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_foi(request, get_object_or_404(restrict(FOIS, request.user, VIEW), pk=pk))


@login_required
@require_POST
def foi_decide(request: HttpRequest, pk: int) -> HttpResponse:
    foi = get_object_or_404(restrict(FOIS, request.user, DECIDE), pk=pk)
    form = FOIDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide_foi(
                request.user, foi, decision=form.cleaned_data["decision"], reason=form.cleaned_data["reason"]
            )
        except PolicyRefusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, "Decision recorded (11.7).")
            return redirect("disclosures:foi_detail", pk=foi.pk)
    return _render_foi(request, foi, form, status=400)


# --- closure periods --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def closures(request: HttpRequest) -> HttpResponse:
    require_anywhere(request, VIEW)
    school = chosen_school(request, request.GET, VIEW)
    periods = restrict(ClosurePeriod.objects.select_related("school", "added_by"), request.user, VIEW)
    if school is not None:
        periods = periods.filter(school=school)
    form = ClosureForm(_post(request), schools=_schools(request, MANAGE), initial={"school": school})
    if request.method == "POST":
        require_anywhere(request, MANAGE)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.add_closure(
                    request.user,
                    school=d["school"],
                    first_day=d["first_day"],
                    last_day=d["last_day"],
                    description=d["description"],
                )
            except PolicyRefusal as refusal:
                show_refusal(form, refusal)
            else:
                messages.success(request, "Closure added: FOI deadlines now skip it.")
                return redirect("disclosures:closures")
    context = {
        "periods": periods,
        "form": form,
        "school": school,
        "can_manage": holds_any(request.user, MANAGE),
        "manageable": set(restrict(School.objects.all(), request.user, MANAGE).values_list("pk", flat=True)),
    }
    return render(
        request, "disclosures/closures.html", context, status=400 if request.method == "POST" else 200
    )


@login_required
@require_POST
def closure_remove(request: HttpRequest, pk: int) -> HttpResponse:
    period = get_object_or_404(
        restrict(ClosurePeriod.objects.select_related("school"), request.user, MANAGE), pk=pk
    )
    services.remove_closure(request.user, period)
    messages.success(request, f"Removed: {period.description}.")
    return redirect("disclosures:closures")


# --- the register (11.1) ----------------------------------------------------------------------------------


def _register(request: HttpRequest) -> tuple[School | None, list[register.Row]]:
    require_anywhere(request, REGISTER)
    school = chosen_school(request, request.GET, REGISTER)
    downloads = restrict(Download.objects.all(), request.user, REGISTER)
    others = restrict(Disclosure.objects.all(), request.user, REGISTER)
    if school is not None:
        downloads, others = downloads.filter(school=school), others.filter(school=school)
    return school, register.rows(downloads, others)


@login_required
@require_GET
def register_page(request: HttpRequest) -> HttpResponse:
    school, rows = _register(request)
    context = {
        "school": school,
        "headings": register.HEADINGS,
        "rows": [r.cells() for r in rows],
        "s29_note": services.S29_NOTE,
    }
    return render(request, "disclosures/register.html", context)


def _export(request: HttpRequest, school: School | None, rows: list[register.Row], form: str) -> None:
    record(
        "disclosures.register_exported",
        actor=request.user,
        school=school,
        details={"school": school.pk if school else None, "rows": len(rows), "format": form},
    )


def _filename(school: School | None, suffix: str) -> str:
    where = slugify(school.name) + "-" if school else ""
    return f"disclosure-register-{where}{timezone.localdate().isoformat()}.{suffix}"


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: str) -> str:
    """Spreadsheets run a cell that starts like a formula: such cells are quoted."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _csv_lines(rows: list[register.Row]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(register.HEADINGS)
    for row in rows:
        yield writer.writerow([_cell(c) for c in row.cells()])


@login_required
@require_GET
def register_csv(request: HttpRequest) -> StreamingHttpResponse:
    school, rows = _register(request)
    _export(request, school, rows, "csv")
    response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(school, "csv")}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def register_pdf(request: HttpRequest) -> HttpResponse:
    school, rows = _register(request)
    _export(request, school, rows, "pdf")
    title = f"Disclosure register{': ' + school.name if school else ''} (CCTV policy 11.1)"
    subtitle = (
        f"Every disclosure of CCTV images to a third party. Printed {timezone.localtime():%d %B %Y %H:%M}."
    )
    pdf = table_pdf(
        title, register.HEADINGS, [r.cells() for r in rows], subtitle=subtitle, widths=register.WIDTHS
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(school, "pdf")}"'
    response["Cache-Control"] = "private, no-store"
    return response
