"""The public forms' pages: no account and no session (nothing here reads or writes one; CSRF uses its own
cookie). Each page answers the same whatever footage or cases exist (design/public.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from watchkeeper.complaints import services as complaints
from watchkeeper.core.client_address import client_address
from watchkeeper.core.permissions import restrict
from watchkeeper.core.refusals import attempt
from watchkeeper.estate.models import School
from watchkeeper.public import limits, services
from watchkeeper.public.forms import ComplaintForm, RequestForm
from watchkeeper.public.models import PublicComplaint
from watchkeeper.subjectaccess.models import SubjectAccessRequest


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The schools whose forms are here: their names are public already (on the signs at their gates)."""
    return render(request, "public/index.html", {"schools": School.objects.order_by("name")})


@require_http_methods(["GET", "POST"])
def request_form(request: HttpRequest, school_id: int) -> HttpResponse:
    return _public_form(
        request,
        school_id,
        RequestForm,
        ("public/request.html", "public/received.html"),
        lambda school, form: _submit(request, school, form),
    )


def _public_form(
    request: HttpRequest,
    school_id: int,
    form_class: type[RequestForm | ComplaintForm],
    templates: tuple[str, str],
    call: Callable[[School, Any], Any],
) -> HttpResponse:
    """The one path of both public forms (`templates`: the form's page, then the thanks): a body too large
    is refused before it is read (413); the honeypot gets the same thanks, and nothing is created; one
    address sending too many is refused (429); the thanks names the reference the `call` created."""
    school = get_object_or_404(School, pk=school_id)
    if request.method == "POST" and limits.too_large(request.META.get("CONTENT_LENGTH")):
        return _page(request, "public/limited.html", school, status=413, too_large=True)
    page, thanks = templates
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method != "POST":
        return _page(request, page, school, form=form)
    if form.is_bot:
        return _page(request, thanks, school)
    try:
        outcome = attempt(request, form, lambda data: call(school, form))
    except services.TooMany:
        return _page(request, "public/limited.html", school, status=429)
    if not outcome.done:
        return _page(request, page, school, form=form)
    return _page(request, thanks, school, reference=outcome.value.reference)


def _submit(request: HttpRequest, school: School, form: RequestForm) -> SubjectAccessRequest:
    start, end = form.window()
    data = form.cleaned_data
    return services.submit_request(
        school,
        kind=data["kind"],
        relationship=data["relationship"],
        name=data["name"],
        email=data["email"],
        description=form.description(),
        window_start=start,
        window_end=end,
        client_address=client_address(request),
        confirm_link=lambda token: request.build_absolute_uri(reverse("public:confirm", args=[token])),
        now=timezone.now(),
    )


@require_http_methods(["GET", "POST"])
def complaint_form(request: HttpRequest, school_id: int) -> HttpResponse:
    return _public_form(
        request,
        school_id,
        ComplaintForm,
        ("public/complaint.html", "public/complaint_received.html"),
        lambda school, form: services.submit_complaint(
            school, **_fields(form.cleaned_data), client_address=client_address(request), now=timezone.now()
        ),
    )


def _fields(data: dict[str, str]) -> dict[str, str]:
    return {name: data[name] for name in ("name", "email", "summary")}


@login_required
@require_http_methods(["GET", "POST"])
def complaint_record(request: HttpRequest, pk: int) -> HttpResponse:
    """A complaints handler reads a complaint from the public form and enters it in the register."""
    public = get_object_or_404(
        restrict(PublicComplaint.objects.all(), request.user, complaints.HANDLE), pk=pk
    )
    form = forms.Form(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        outcome = attempt(
            request, form, lambda _: services.record_in_register(request.user, public, now=timezone.now())
        )
        if outcome.done:
            messages.success(request, f"{public.reference} is in the register as {outcome.value.reference}.")
            return redirect("complaints:detail", pk=outcome.value.pk)
    return render(request, "public/complaint_record.html", {"public": public, "form": form})


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners follow links); POST confirms. A bad link reads as an expired one."""
    submission = services.submission_for(token)
    if submission is None:
        return render(request, "public/confirm.html", {"invalid": True}, status=404)
    if request.method == "POST":
        submission = services.confirm_address(token, now=timezone.now())
    return render(request, "public/confirm.html", {"submission": submission, "token": token})


def _page(
    request: HttpRequest, template: str, school: School, status: int = 200, **extra: object
) -> HttpResponse:
    return render(request, template, {"school": school, **extra}, status=status)
