"""The nominated alternates page (9.2, Appendix I; design/roles.md "Who decides"): the Headteacher nominates
and ends nominations; the DPO sees every school's; a designated person sees their school's. And a decider's
recusal from one request (people/nominations.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from watchkeeper.compliance import trust
from watchkeeper.core.actors import require_person
from watchkeeper.core.permissions import holds_any, restrict
from watchkeeper.core.refusals import attempt
from watchkeeper.core.shortcuts import require_anywhere
from watchkeeper.disclosures.models import DisclosureRequest, FOIRequest
from watchkeeper.evidence.models import DownloadRequest
from watchkeeper.people import deciders, nominations
from watchkeeper.people.forms import EndNominationForm, NominationForm, RecusalForm
from watchkeeper.people.models import Nomination, Recusal
from watchkeeper.subjectaccess.models import SubjectAccessRequest
from watchkeeper.viewing.models import ViewingAuthorisation

VIEW = "people.view"


@login_required
@require_http_methods(["GET", "POST"])
def nomination_list(request: HttpRequest) -> HttpResponse:
    require_anywhere(request, VIEW, nominations.NOMINATE)
    may_nominate = holds_any(request.user, nominations.NOMINATE)
    form = NominationForm(request.POST or None, actor=request.user) if may_nominate else None
    if request.method == "POST":
        if form is None:
            raise Http404("No such form.")
        outcome = attempt(
            request,
            form,
            lambda data: nominations.nominate(
                request.user,
                data["school"],
                data["nominee"].user,
                set(data["decisions"]),
                data["starts_on"],
                data["ends_on"],
                reason=data["reason"],
                now=timezone.now(),
            ),
        )
        if outcome.done:
            messages.success(request, f"{outcome.value.nominee} is nominated (Appendix I).")
            return redirect("people:nominations")
    rows = restrict(
        Nomination.objects.select_related("school", "nominee", "nominated_by"), request.user, VIEW
    )
    recusals = restrict(Recusal.objects.select_related("school", "person", "recorded_by"), request.user, VIEW)
    context = {
        "nominations": rows,
        "recusals": recusals[:50],
        "today": timezone.localdate(),
        "form": form,
        "end_form": EndNominationForm(),
        "escalate_days": trust.escalate_after_working_days_for(request.user),
    }
    return render(
        request, "people/nominations.html", context, status=400 if request.method == "POST" else 200
    )


@login_required
@require_POST
def nomination_end(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = get_object_or_404(restrict(Nomination.objects.all(), request.user, VIEW), pk=pk)
    form = EndNominationForm(request.POST)
    _tell(
        request,
        form,
        lambda data: nominations.end_nomination(
            request.user, nomination, reason=data["reason"], now=timezone.now()
        ),
        said="The nomination has ended (Appendix I).",
        missing="Say why the nomination ends early.",
    )
    return redirect("people:nominations")


def _tell(
    request: HttpRequest, form: Any, call: Callable[[dict[str, Any]], object], *, said: str, missing: str
) -> None:
    """For a change made from a page it returns to either way: `said` when done; else the refusal's reasons,
    or `missing` for a reason left empty, as messages on that page."""
    if attempt(request, form, call).done:
        messages.success(request, said)
        return
    for error in form.non_field_errors() or [missing]:
        messages.error(request, str(error))


KINDS = {
    deciders.VIEWING: (ViewingAuthorisation, "viewing:authorisation_detail"),
    deciders.DOWNLOAD: (DownloadRequest, "evidence:request_detail"),
    deciders.DISCLOSURE: (DisclosureRequest, "disclosures:request_detail"),
    deciders.FOI: (FOIRequest, "disclosures:foi_detail"),
    deciders.SUBJECT_ACCESS: (SubjectAccessRequest, "subjectaccess:case_detail"),  # its releases
}


@login_required
@require_POST
def recuse(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The signed-in decider stands back from one request (9.2, 9.5)."""
    if kind not in KINDS:
        raise Http404("No such request.")
    model, detail = KINDS[kind]
    action = deciders.action_of(kind)
    obj: Any = get_object_or_404(restrict(model._default_manager.all(), request.user, action), pk=pk)
    form, me = RecusalForm(request.POST), require_person(request.user, "9.2: sign in first")
    _tell(
        request,
        form,
        lambda data: nominations.recuse(me, obj, me, data["reason"], now=timezone.now()),
        said="You have stood back from this request; another decider or the DPO decides it.",
        missing="Say how you are involved.",
    )
    return redirect(detail, pk=obj.pk)
