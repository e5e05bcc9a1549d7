"""Subject access pages (10.1–10.4). Every change goes through subjectaccess.services; every lookup through
core.permissions.restrict, so another school's case is a 404."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.permissions import can, holds_any, restrict
from watchkeeper.core.shortcuts import chosen_school, require_anywhere, show_refusal
from watchkeeper.estate.choices import school_choices
from watchkeeper.redaction.models import Redaction
from watchkeeper.subjectaccess import forms as f
from watchkeeper.subjectaccess import services
from watchkeeper.subjectaccess.letter import response_letter
from watchkeeper.subjectaccess.models import LIVE_STATUSES, PARA_16_FACTORS, Provision, SubjectAccessRequest
from watchkeeper.subjectaccess.services import HANDLE, REVIEW, VIEW

CASES = SubjectAccessRequest.objects.select_related("school", "hold", "review", "download_request")


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    require_anywhere(request, VIEW)
    school = chosen_school(request, request.GET, VIEW)
    today = timezone.localdate()
    visible = services.visible_cases(request.user)
    if school is not None:
        visible = visible.filter(school=school)
    cases = list(visible[:200])
    context = {
        "rows": [(c, c.deadline(today), c.clock_state(today)) for c in cases],
        "flags": services.flags_for(request.user, today),
        "can_log": holds_any(request.user, HANDLE),
        "school": school,
    }
    return render(request, "subjectaccess/case_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    choices = school_choices(request, HANDLE)
    form = f.CaseForm(
        request.POST if request.method == "POST" else None,
        schools=choices.schools,
        cameras=choices.cameras,
        initial={"school": choices.school, "received_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.log_case(
                request.user,
                school=data["school"],
                received_on=data["received_on"],
                requester_name=data["requester_name"],
                requester_contact=data["requester_contact"],
                description=data["description"],
                cameras=data["cameras"],
                window_start=data["window_start"],
                window_end=data["window_end"],
                identity_basis=data["identity_basis"],
                identity_note=data["identity_note"],
                identity_confirmed_on=data["identity_confirmed_on"],
            )
        except PolicyRefusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(
                request, f"{case.reference} logged; its footage is held while the request is open."
            )
            return redirect("subjectaccess:case_detail", pk=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "subjectaccess/case_form.html", {"form": form}, status=status)


# --- The case page and its actions --------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    label: str
    form: Callable[..., forms.Form]
    apply: Callable[[Any, SubjectAccessRequest, dict[str, Any]], Any]
    done: str


def _clip_form(case: SubjectAccessRequest, data: Any = None) -> f.ClipForm:
    return f.ClipForm(data, cameras=case.cameras.all(), prefix="clip")


def _other_form(case: SubjectAccessRequest, data: Any = None) -> f.OtherPersonForm:
    # Only redactions of the case's cameras can cover its clips (10.4.1; the service checks the window).
    redactions = Redaction.objects.filter(
        school=case.school, camera__in=case.cameras.all(), start__isnull=False
    ).select_related("camera")
    return f.OtherPersonForm(
        data, clips=case.clips.filter(only_requester=False), redactions=redactions, prefix="other"
    )


def _viewing_form(case: SubjectAccessRequest, data: Any = None) -> f.ViewingHeldForm:
    clips = case.clips.filter(provision=Provision.VIEWING, attended_by="")
    return f.ViewingHeldForm(data, clips=clips, prefix="viewing")


def _factors(data: dict[str, Any]) -> dict[str, str]:
    return {name: data.get(name, "") for name, _ in PARA_16_FACTORS}


ACTIONS: dict[str, Action] = {
    "identity": Action(
        "Confirm identity",
        lambda case, data=None: f.IdentityForm(data, prefix="identity"),
        lambda user, case, d: services.confirm_identity(
            user, case, basis=d["basis"], note=d["note"], confirmed_on=d["confirmed_on"]
        ),
        "Identity recorded; the clock runs from the confirmation day.",
    ),
    "clarify": Action(
        "Ask for clarification",
        lambda case, data=None: f.ClarificationForm(data, prefix="clarify"),
        lambda user, case, d: services.ask_clarification(user, case, question=d["question"]),
        "Clock paused while waiting for clarification.",
    ),
    "answer": Action(
        "Clarification received",
        lambda case, data=None: f.AnswerForm(data, prefix="answer"),
        lambda user, case, d: services.clarification_received(user, case, answer=d["answer"]),
        "Clock restarted; the paused days are added to the deadline.",
    ),
    "extend": Action(
        "Extend",
        lambda case, data=None: f.ExtensionForm(data, prefix="extend"),
        lambda user, case, d: services.extend(
            user, case, months=d["months"], notified_on=d["notified_on"], reason=d["reason"]
        ),
        "Deadline extended.",
    ),
    "clip": Action(
        "Record a clip",
        _clip_form,
        lambda user, case, d: services.record_clip(user, case, **d),
        "Clip recorded.",
    ),
    "other": Action(
        "Record another person",
        _other_form,
        lambda user, case, d: services.record_other_person(
            user,
            d["clip"],
            description=d["description"],
            basis=d["basis"],
            redaction=d["redaction"],
            consent_by=d["consent_by"],
            consent_on=d["consent_on"],
            consent_how=d["consent_how"],
            factors=_factors(d),
        ),
        "Decision recorded.",
    ),
    "viewing": Action(
        "Record the viewing",
        _viewing_form,
        lambda user, case, d: services.record_viewing_held(
            user, d["clip"], attended_by=d["attended_by"], held_at=d["held_at"]
        ),
        "Viewing recorded, and entered in the disclosure register (11.1).",
    ),
    "respond": Action(
        "Mark responded",
        lambda case, data=None: f.OptionalNoteForm(data, prefix="respond"),
        lambda user, case, d: services.respond(user, case, note=d["note"]),
        "Marked as responded: the clock has stopped.",
    ),
    "package": Action(
        "Request the sealed package",
        lambda case, data=None: f.OptionalNoteForm(data, prefix="package"),
        lambda user, case, d: services.request_package(user, case),
        "Download requested: the Headteacher or a designated person authorises it (9.5).",
    ),
    "refuse": Action(
        "Refuse",
        lambda case, data=None: f.NoteForm(data, prefix="refuse"),
        lambda user, case, d: services.refuse(user, case, reason=d["note"]),
        "Refused; the hold on the footage is released.",
    ),
    "close": Action(
        "Close the case",
        lambda case, data=None: f.NoteForm(data, prefix="close"),
        lambda user, case, d: services.close(user, case, note=d["note"]),
        "Case closed; the hold on the footage is released.",
    ),
}


def _detail(
    request: HttpRequest,
    case: SubjectAccessRequest,
    bound: tuple[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    handler = can(request.user, HANDLE, case.school_id)
    action_forms = {}
    if handler:
        action_forms = {name: action.form(case) for name, action in ACTIONS.items()}
        if bound is not None:
            action_forms[bound[0]] = bound[1]
    context = {
        "case": case,
        "deadline": case.deadline(today),
        "state": case.clock_state(today),
        "clips": case.clips.select_related("camera", "decided_by").prefetch_related("others__redaction"),
        "pauses": case.clarifications.all(),
        "timeline": services.timeline(case),
        "handler": handler,
        "live": case.status in LIVE_STATUSES,
        "forms": action_forms,
        "labels": {name: action.label for name, action in ACTIONS.items()},
        "bound": bound[0] if bound else "",
        "blockers": services.response_problems(case) if case.status in LIVE_STATUSES else [],
        "review_approved": services.review_approved(case),
        "has_viewing": case.clips.filter(provision=Provision.VIEWING, attended_by="").exists(),
    }
    return render(request, "subjectaccess/case_detail.html", context, status=status)


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(restrict(CASES, request.user, VIEW), pk=pk)
    return _detail(request, case)


@login_required
@require_POST
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    case = get_object_or_404(restrict(CASES, request.user, HANDLE), pk=pk)
    if action not in ACTIONS:
        return HttpResponse("No such action.", status=404)
    chosen = ACTIONS[action]
    form = chosen.form(case, request.POST)
    if form.is_valid():
        try:
            chosen.apply(request.user, case, form.cleaned_data)
        except PolicyRefusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, chosen.done)
            return redirect("subjectaccess:case_detail", pk=case.pk)
    case.refresh_from_db()
    return _detail(request, case, (action, form), status=400)


@login_required
@require_GET
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(restrict(CASES, request.user, VIEW), pk=pk)
    response = HttpResponse(response_letter(case), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.reference}-response.pdf"'
    return response


# --- The reviewer's side (10.2) -----------------------------------------------------------------------------


@login_required
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    require_anywhere(request, REVIEW)
    school = chosen_school(request, request.GET, REVIEW)
    cases = restrict(CASES, request.user, REVIEW).filter(status__in=LIVE_STATUSES).prefetch_related("cameras")
    if school is not None:
        cases = cases.filter(school=school)
    return render(request, "subjectaccess/review_list.html", {"cases": cases})


@login_required
@require_POST
def review_request(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(restrict(CASES, request.user, REVIEW), pk=pk)
    try:
        services.request_review(request.user, case)
    except PolicyRefusal as refusal:
        cases = restrict(CASES, request.user, REVIEW).filter(status__in=LIVE_STATUSES)
        context = {"cases": cases, "problems": refusal.problems}
        return render(request, "subjectaccess/review_list.html", context, status=400)
    messages.success(
        request,
        f"Review of {case.reference} asked for: the Headteacher or a designated person decides (9.2).",
    )
    assert case.review_id is not None
    return redirect("viewing:authorisation_detail", pk=case.review_id)
