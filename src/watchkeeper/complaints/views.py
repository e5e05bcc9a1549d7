"""Complaint pages (17.1; DPA 2018 s164A). Every change goes through complaints.services; every lookup through
core.permissions.restrict, so another school's complaint is a 404."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from watchkeeper.complaints import clock, services
from watchkeeper.complaints import forms as f
from watchkeeper.complaints.letter import outcome_letter as letter_pdf
from watchkeeper.complaints.models import Complaint
from watchkeeper.complaints.services import DECIDE, HANDLE, VIEW
from watchkeeper.compliance.differences import Difference, differences
from watchkeeper.core.actors import Actor
from watchkeeper.core.permissions import can, holds_any, restrict
from watchkeeper.core.refusals import form_page, submit
from watchkeeper.core.shortcuts import in_school, list_school
from watchkeeper.estate.choices import school_choices
from watchkeeper.estate.models import Camera
from watchkeeper.subjectaccess.models import SubjectAccessRequest


def _policy_note(today: date) -> Difference:
    """The DPO's note that 17.1 (2022) predates s164A, shown where complaints are handled."""
    return next(d for d in differences(today) if d.clause == "17.1")


@login_required
@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    school = list_school(request, VIEW)
    today = timezone.localdate()
    complaints = in_school(services.visible(request.user), school)
    context = {
        "rows": [(c, c.next_step()) for c in complaints[:200]],
        "open_rows": services.open_rows(request.user, today),
        "can_record": holds_any(request.user, HANDLE),
        "note": _policy_note(today),
        "school": school,
    }
    return render(request, "complaints/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    choices = school_choices(request, HANDLE)
    now = timezone.now()
    form = f.ComplaintForm(
        request.POST if request.method == "POST" else None,
        schools=choices.schools,
        cameras=choices.cameras,
        requests=restrict(SubjectAccessRequest.objects.select_related("school"), request.user, "sar.view"),
        initial={"school": choices.school, "received_on": timezone.localdate(now)},
    )
    return form_page(
        request,
        form,
        lambda data: services.record_complaint(request.user, **data, now=now),
        said=lambda complaint: f"{complaint.reference} recorded; the DPO has been told.",
        to=lambda complaint: reverse("complaints:detail", args=[complaint.pk]),
        template="complaints/form.html",
    )


# --- The complaint page and its actions ---------------------------------------------------------------------

Run = Callable[[Actor, Complaint, dict[str, Any], datetime], object]


def _cameras(complaint: Complaint) -> Any:
    return Camera.objects.filter(school=complaint.school_id).select_related("school")


@dataclass(frozen=True)
class Action:
    label: str
    done: str
    form: Callable[[Complaint, Any, str], forms.Form]
    run: Run
    permission: str = HANDLE


def _plain(form_class: type[forms.Form]) -> Callable[[Complaint, Any, str], forms.Form]:
    return lambda complaint, data, prefix: form_class(data, prefix=prefix)


ACTIONS = {
    "acknowledge": Action(
        "Record the acknowledgement",
        "Acknowledgement recorded.",
        _plain(f.AcknowledgeForm),
        lambda user, c, data, now: services.acknowledge(user, c, **data, now=now),
    ),
    "step": Action(
        "Record an enquiry or update",
        "Recorded.",
        _plain(f.StepForm),
        lambda user, c, data, now: services.add_step(user, c, **data, now=now),
    ),
    "route": Action(
        "Record the procedure's reference",
        "Reference recorded.",
        _plain(f.RouteForm),
        lambda user, c, data, now: services.set_route_reference(user, c, **data, now=now),
    ),
    "hold": Action(
        "Hold the footage",
        "The footage is held until the outcome (9.6, 13.1).",
        lambda c, data, prefix: f.HoldForm(data, cameras=_cameras(c), prefix=prefix),
        lambda user, c, data, now: services.hold_footage(user, c, **data, now=now),
    ),
    "outcome": Action(
        "Record the outcome",
        "Outcome recorded; print the outcome letter below.",
        _plain(f.OutcomeForm),
        lambda user, c, data, now: services.record_outcome(user, c, **data, now=now),
        DECIDE,
    ),
}


def _detail(
    request: HttpRequest, complaint: Complaint, bound: tuple[str, forms.Form] | None = None, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    shown = {
        name: action.form(complaint, None, name)
        for name, action in ACTIONS.items()
        if complaint.is_open and can(request.user, action.permission, complaint.school_id)
    }
    if complaint.acknowledged_on is not None:
        shown.pop("acknowledge", None)
    if complaint.hold is not None:
        shown.pop("hold", None)
    if bound is not None:
        shown[bound[0]] = bound[1]
    step = complaint.next_step()
    context = {
        "complaint": complaint,
        "step": step,
        "state": clock.state(step.due, today),
        "acknowledge_by": complaint.acknowledgement_due(),
        "late_by": clock.acknowledged_late_by(complaint.received_on, complaint.acknowledged_on)
        if complaint.acknowledged_on and complaint.data_protection
        else 0,
        "steps": complaint.steps.select_related("by"),
        "actions": [(name, ACTIONS[name].label, form) for name, form in shown.items()],
        "bound": bound[0] if bound else "",
        "note": _policy_note(today),
    }
    return render(request, "complaints/detail.html", context, status=status)


COMPLAINTS = Complaint.objects.select_related("school", "subject_access", "hold")


@login_required
@require_GET
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_object_or_404(restrict(COMPLAINTS, request.user, VIEW), pk=pk))


@login_required
@require_POST
def complaint_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404("No such action.")
    chosen = ACTIONS[action]
    complaint = get_object_or_404(restrict(COMPLAINTS, request.user, chosen.permission), pk=pk)
    form = chosen.form(complaint, request.POST, action)
    now = timezone.now()
    if sent := submit(
        request,
        form,
        lambda data: chosen.run(request.user, complaint, data, now),
        said=chosen.done,
        to=reverse("complaints:detail", args=[complaint.pk]),
    ):
        return sent
    complaint.refresh_from_db()
    return _detail(request, complaint, (action, form), status=400)


@login_required
@require_GET
def outcome_letter(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(restrict(COMPLAINTS, request.user, VIEW), pk=pk)
    response = HttpResponse(letter_pdf(complaint), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{complaint.reference}-outcome.pdf"'
    return response
