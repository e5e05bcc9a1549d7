"""Subject access pages (10.1–10.4). Every change goes through subjectaccess.services; every lookup through
core.permissions.restrict, so another school's case is a 404."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from watchkeeper.core.actors import Actor
from watchkeeper.core.permissions import can, holds_any, restrict
from watchkeeper.core.refusals import attempt
from watchkeeper.core.shortcuts import in_school, list_school
from watchkeeper.estate.choices import school_choices
from watchkeeper.redaction.models import Redaction
from watchkeeper.subjectaccess import forms as f
from watchkeeper.subjectaccess import services
from watchkeeper.subjectaccess.letter import response_letter, signatory
from watchkeeper.subjectaccess.models import (
    LIVE_STATUSES,
    PARA_16_FACTORS,
    Provision,
    SubjectAccessRequest,
    UnredactedRelease,
)
from watchkeeper.subjectaccess.next_step import Facts, NextStep, next_step
from watchkeeper.subjectaccess.services import HANDLE, REVIEW, VIEW

CASES = SubjectAccessRequest.objects.select_related("school", "hold", "review")


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    school = list_school(request, VIEW)
    today = timezone.localdate()
    visible = in_school(services.visible_cases(request.user), school)
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
    today = timezone.localdate()
    form = f.CaseForm(
        request.POST if request.method == "POST" else None,
        schools=choices.schools,
        cameras=choices.cameras,
        initial={"school": choices.school, "received_on": today},
    )
    if request.method == "POST":
        outcome = attempt(request, form, lambda data: services.log_case(request.user, **data, today=today))
        if outcome.done:
            case = outcome.value
            logged = f"{case.reference} logged; its footage is held while the request is open."
            if request.POST.get("then") == "window":  # the intake's "Log and add another window" (10.2)
                messages.success(request, f"{logged} Add the next window below.")
                return redirect(reverse("subjectaccess:case_detail", args=[case.pk]) + "#action-window")
            messages.success(request, logged)
            return redirect("subjectaccess:case_detail", pk=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "subjectaccess/case_form.html", {"form": form}, status=status)


# --- The case page and its actions --------------------------------------------------------------------------

Run = Callable[[Actor, SubjectAccessRequest, dict[str, Any], datetime], object]
FormOf = Callable[[SubjectAccessRequest, Any, str], forms.Form]  # (case, data, prefix): a form for the case


@dataclass(frozen=True)
class Action:
    label: str  # the button on the case page
    done: str  # what the page says once it is done
    form: type[forms.Form] | FormOf
    run: Run
    permission: str = HANDLE  # who may see the form and post it (the service checks again)
    # The page shown once it is done, from what the service returned (None: back to the case page).
    page: Callable[[HttpRequest, SubjectAccessRequest, Any], HttpResponse] | None = None

    def form_for(self, case: SubjectAccessRequest, data: Any, prefix: str) -> forms.Form:
        if isinstance(self.form, type):
            return self.form(data, prefix=prefix)
        return self.form(case, data, prefix)


def _on_case(service: Callable[..., object], clock: str, *same: str, **renamed: str) -> Run:
    """Call `service(user, case, …)` with the form's fields (`same` by name, `renamed` as param=field) and
    the clock it takes: `now`, or `today`."""

    def run(user: Actor, case: SubjectAccessRequest, data: dict[str, Any], now: datetime) -> object:
        kwargs = {name: data[name] for name in same} | {
            param: data[field] for param, field in renamed.items()
        }
        kwargs[clock] = now if clock == "now" else timezone.localdate(now)
        return service(user, case, **kwargs)

    return run


def _clip_form(case: SubjectAccessRequest, data: Any, prefix: str) -> f.ClipForm:
    # Offered with the request's (first) window filled in: the usual clip is all of it (issue 15 §1).
    window = {"start": case.window_start, "end": case.window_end}
    return f.ClipForm(data, cameras=case.cameras.all(), prefix=prefix, initial=window)


def _other_form(case: SubjectAccessRequest, data: Any, prefix: str) -> f.OtherPersonForm:
    # Only redactions of the case's cameras can cover its clips (10.4.1; the service checks the window).
    redactions = Redaction.objects.filter(
        school=case.school, camera__in=case.cameras.all(), start__isnull=False
    ).select_related("camera")
    return f.OtherPersonForm(
        data, clips=case.clips.filter(only_requester=False), redactions=redactions, prefix=prefix
    )


def _release_form(case: SubjectAccessRequest, data: Any, prefix: str) -> f.ReleaseForm:
    clips = case.clips.filter(provision=Provision.COPY, only_requester=False, release=None)
    return f.ReleaseForm(data, clips=clips, prefix=prefix)


def _signoff_form(case: SubjectAccessRequest, data: Any, prefix: str) -> f.SignOffForm:
    releases = UnredactedRelease.objects.filter(clip__case=case, needs_dpo=True, dpo_signed_at=None)
    return f.SignOffForm(data, releases=releases, prefix=prefix)


def _release(user: Actor, case: SubjectAccessRequest, data: dict[str, Any], now: datetime) -> object:
    return services.release_unredacted(user, data["clip"], code=data["code"], reason=data["reason"], now=now)


def _signoff(user: Actor, case: SubjectAccessRequest, data: dict[str, Any], now: datetime) -> object:
    return services.sign_off_release(user, data["release"], code=data["code"], note=data["note"], now=now)


def _authorise(user: Actor, case: SubjectAccessRequest, data: dict[str, Any], now: datetime) -> object:
    return services.authorise_response(user, case, code=data["code"], note=data["note"], now=now)


def _password_page(request: HttpRequest, case: SubjectAccessRequest, decided: Any) -> HttpResponse:
    """The response's one password, shown once (11.6), with the packages it opens."""
    context = {"case": case, "requests": [d.request for d in decided], "password": decided[0].password}
    response = render(request, "subjectaccess/password.html", context)
    response["Cache-Control"] = "private, no-store"  # the page holds the password (11.6)
    return response


def _viewing_form(case: SubjectAccessRequest, data: Any, prefix: str) -> f.ViewingHeldForm:
    clips = case.clips.filter(provision=Provision.VIEWING, attended_by="")
    return f.ViewingHeldForm(data, clips=clips, prefix=prefix)


def _record_viewing(user: Actor, case: SubjectAccessRequest, data: dict[str, Any], now: datetime) -> object:
    return services.record_viewing_held(user, **data, now=now)  # of the clip chosen in the form


def _record_other(user: Actor, case: SubjectAccessRequest, data: dict[str, Any], now: datetime) -> object:
    fields = {k: v for k, v in data.items() if k not in dict(PARA_16_FACTORS)}
    factors = {name: data.get(name, "") for name, _ in PARA_16_FACTORS}
    return services.record_other_person(user, **fields, factors=factors, now=now)


TEXTS: dict[str, tuple[str, str]] = {
    "identity": ("Confirm identity", "Identity recorded; the clock runs from the confirmation day."),
    "clarify": ("Ask for clarification", "Clock paused while waiting for clarification."),
    "answer": ("Clarification received", "Clock restarted; the paused days are added to the deadline."),
    "extend": ("Extend", "Deadline extended."),
    "window": ("Add another window", "Window added; its footage is held while the request is open."),
    "child": ("Record the child's competence and views", "The child's competence and views are recorded."),
    "safeguarding": (
        "Record the safeguarding check",
        "Safeguarding check recorded: the response may be released (DPA 2018 Sch 3 Part 5).",
    ),
    "clip": ("Record a clip", "Clip recorded."),
    "other": ("Record another person", "Decision recorded."),
    "release": (
        "Release unredacted",
        "Release decided: the clip may leave unredacted (10.4.2, 10.4.3); the decisions stay in the case.",
    ),
    "signoff": ("Sign off the release", "Signed off: the clip may leave unredacted."),
    "viewing": ("Record the viewing", "Viewing recorded, and entered in the disclosure register (11.1)."),
    "respond": ("Mark responded", "Marked as responded: the clock has stopped."),
    "package": (
        "Request the sealed package",
        "Download requested for each copy and still: the Headteacher or a designated person authorises "
        "it (9.5).",
    ),
    "authorise": ("Authorise the packages together", "Authorised."),
    "refuse": ("Refuse", "Refused; the hold on the footage is released."),
    "close": ("Close the case", "Case closed; the hold on the footage is released."),
}
# The form each action shows, and the service it calls with what the form holds.
CALLS: dict[str, tuple[type[forms.Form] | FormOf, Run]] = {
    "identity": (
        f.IdentityForm,
        _on_case(services.confirm_identity, "today", "basis", "note", "confirmed_on"),
    ),
    "clarify": (f.ClarificationForm, _on_case(services.ask_clarification, "today", "question")),
    "answer": (f.AnswerForm, _on_case(services.clarification_received, "today", "answer")),
    "extend": (f.ExtensionForm, _on_case(services.extend, "today", "months", "notified_on", "reason")),
    "window": (f.WindowForm, _on_case(services.add_window, "now", "start", "end", "reason")),
    "child": (f.ChildForm, _on_case(services.record_child, "now", "competence", "views")),
    "safeguarding": (
        f.SafeguardingForm,
        _on_case(services.record_safeguarding_check, "now", "note"),
    ),
    "clip": (_clip_form, _on_case(services.record_clip, "now", *f.ClipForm.base_fields)),
    "other": (_other_form, _record_other),
    "release": (_release_form, _release),
    "signoff": (_signoff_form, _signoff),
    "viewing": (
        _viewing_form,
        lambda user, _case, data, now: services.record_viewing_held(user, **data, now=now),
    ),
    "respond": (f.OptionalNoteForm, _on_case(services.respond, "today", "note")),
    "package": (f.OptionalNoteForm, _on_case(services.request_package, "now")),
    "authorise": (f.AuthoriseForm, _authorise),
    "refuse": (f.NoteForm, _on_case(services.refuse, "now", reason="note")),
    "close": (f.NoteForm, _on_case(services.close, "now", "note")),
}
# Decisions beyond handling the case: the Headteacher's release, the DPO's sign-off (10.4.2, 10.4.3).
# The response's packages: whoever may authorise downloads (evidence.approve_together checks who decides).
PERMISSIONS = {
    "release": "sar.release_unredacted",
    "signoff": "sar.sign_off_release",
    "authorise": "evidence.authorise",
    "safeguarding": services.SAFEGUARD,
}
PAGES = {"authorise": _password_page}
ACTIONS = {
    name: Action(*TEXTS[name], *CALLS[name], PERMISSIONS.get(name, HANDLE), PAGES.get(name)) for name in CALLS
}


def _detail(
    request: HttpRequest,
    case: SubjectAccessRequest,
    bound: tuple[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    handler = can(request.user, HANDLE, case.school_id)
    action_forms = {
        name: action.form_for(case, None, name)
        for name, action in ACTIONS.items()
        if can(request.user, action.permission, case.school_id)
    }
    if bound is not None:
        action_forms[bound[0]] = bound[1]
    context: dict[str, Any] = {
        "case": case,
        "deadline": case.deadline(today),
        "state": case.clock_state(today),
        "clips": case.clips.select_related(
            "camera", "decided_by", "attestation__attested_by", "download_request", "release__decided_by"
        ).prefetch_related("others__redaction"),
        "windows": case.windows(),
        "attestations": case.attestations.select_related("camera", "attested_by"),
        "packages": case.clips.exclude(download_request=None).select_related("download_request"),
        "unpackaged": case.clips.filter(
            provision__in=[Provision.COPY, Provision.STILL], download_request=None
        ).exists(),
        "pauses": case.clarifications.all(),
        "timeline": services.timeline(case),
        # "How to reply" may be an e-mail address: only a postal one is offered for the letter's address.
        "letter_form": f.LetterForm(
            initial={"address": "" if "@" in case.requester_contact else case.requester_contact}
        ),
        "handler": handler,
        "live": case.status in LIVE_STATUSES,
        "forms": action_forms,
        "labels": {name: action.label for name, action in ACTIONS.items()},
        "bound": bound[0] if bound else "",
        "blockers": services.response_problems(case) if case.status in LIVE_STATUSES else [],
        "review_approved": services.review_approved(case),
        "has_viewing": case.clips.filter(provision=Provision.VIEWING, attended_by="").exists(),
        "awaiting": services.awaiting_authorisation(case) if "authorise" in action_forms else [],
        "handover": not services.response_packages(case)[1],
    }
    step = _next_step(case, context) if handler else None
    context["next_step"] = step
    context["next_label"] = ACTIONS[step.action].label if step and step.action in ACTIONS else ""
    return render(request, "subjectaccess/case_detail.html", context, status=status)


def _next_step(case: SubjectAccessRequest, context: dict[str, Any]) -> NextStep | None:
    return next_step(
        Facts(
            status=case.status,
            live=context["live"],
            identity_confirmed=bool(case.identity_basis),
            review_approved=context["review_approved"],
            clips=case.clips.count(),
            viewing_to_record=context["has_viewing"],
            unpackaged=context["unpackaged"],
            awaiting_authorisation=bool(context["awaiting"]),
            blockers=len(context["blockers"]),
            packages_waiting=bool(services.awaiting_authorisation(case)),
        )
    )


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # The designated safeguarding lead opens the cases made for someone else, to check them (Sch 3 Part 5).
    case = get_object_or_404(services.case_readers(request.user, CASES), pk=pk)
    return _detail(request, case)


@login_required
@require_POST
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404("No such action.")
    chosen = ACTIONS[action]
    case = get_object_or_404(restrict(CASES, request.user, chosen.permission), pk=pk)
    form = chosen.form_for(case, request.POST, action)
    now = timezone.now()
    outcome = attempt(request, form, lambda data: chosen.run(request.user, case, data, now))
    if outcome.done:
        if chosen.page is not None:
            return chosen.page(request, case, outcome.value)
        messages.success(request, chosen.done)
        return redirect("subjectaccess:case_detail", pk=case.pk)
    case.refresh_from_db()
    return _detail(request, case, (action, form), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The response letter, signed by the person who prints it; posted, it carries the address typed on the
    case page (GET: the case's reply details), which is printed and not stored."""
    case = get_object_or_404(restrict(CASES, request.user, VIEW), pk=pk)
    form = f.LetterForm(request.POST if request.method == "POST" else None)
    address = form.cleaned_data["address"] if form.is_bound and form.is_valid() else ""
    pdf = response_letter(
        case,
        timezone.localdate(),
        address=address.strip() or case.requester_contact,
        signatory=signatory(request.user, case.school),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.reference}-response.pdf"'
    return response


@login_required
@require_GET
def response_file(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The response's packages in one file to hand over (10.3, 11.6); refused with its reason."""
    case = get_object_or_404(restrict(CASES, request.user, VIEW), pk=pk)
    response = StreamingHttpResponse(
        services.response_file(request.user, case, now=timezone.now()), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="{case.reference}-response.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- The reviewer's side (10.2) -----------------------------------------------------------------------------


@login_required
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    return _review_list(request)


def _review_list(
    request: HttpRequest, bound: tuple[int, f.AttestForm] | None = None, status: int = 200
) -> HttpResponse:
    """Each open case: its windows and their reviews, and for the reviewer whose review of it is approved
    the form to say that only the requester appears in what they watched (10.3)."""
    school = list_school(request, REVIEW)
    cases = restrict(CASES, request.user, REVIEW).filter(status__in=LIVE_STATUSES).prefetch_related("cameras")
    cases = in_school(cases, school)
    rows = []
    for case in cases:
        mine = any(
            w.review is not None
            and w.review.requested_by_id == request.user.pk
            and w.review.status == "approved"
            for w in case.windows()
        )
        if bound and bound[0] == case.pk:  # a refused form is shown with its refusal, whoever posted it
            form: f.AttestForm | None = bound[1]
        else:
            form = f.AttestForm(cameras=case.cameras.all()) if mine else None
        rows.append((case, case.windows(), services.needs_review(case), form))
    return render(request, "subjectaccess/review_list.html", {"rows": rows}, status=status)


@login_required
@require_POST
def attest(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewer who watched the footage says only the requester appears in it (10.3)."""
    case = get_object_or_404(restrict(CASES, request.user, REVIEW), pk=pk)
    form = f.AttestForm(request.POST, cameras=case.cameras.all())
    now = timezone.now()
    call = lambda data: services.attest_only_requester(request.user, case, **data, now=now)  # noqa: E731
    if attempt(request, form, call).done:
        messages.success(
            request, f"Recorded: only the requester appears in what you watched ({case.reference})."
        )
        return redirect("subjectaccess:review_list")
    return _review_list(request, (case.pk, form), status=400)


@login_required
@require_POST
def review_request(request: HttpRequest, pk: int) -> HttpResponse:
    """A button: a refusal leaves the view and is shown on the refused page (core.refusals)."""
    case = get_object_or_404(restrict(CASES, request.user, REVIEW), pk=pk)
    services.request_review(request.user, case, now=timezone.now())
    messages.success(
        request,
        f"Review of {case.reference} asked for: the Headteacher or a designated person decides (9.2).",
    )
    assert case.review_id is not None
    return redirect("viewing:authorisation_detail", pk=case.review_id)
