"""FOI requests (11.7) and the closure periods their clock skips."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from watchkeeper.core.permissions import can, holds_any, restrict
from watchkeeper.core.refusals import attempt, form_page
from watchkeeper.core.release_terms import no_social_media
from watchkeeper.core.shortcuts import in_school, list_school, require_anywhere
from watchkeeper.disclosures import clock, services
from watchkeeper.disclosures.forms import ClosureForm, FOIDecisionForm, FOIRequestForm
from watchkeeper.disclosures.models import ClosurePeriod, FOIRequest
from watchkeeper.disclosures.next_step import foi_step
from watchkeeper.disclosures.views.common import (
    FOIS,
    MANAGE,
    VIEW,
    logging_page,
    posted,
    schools,
)
from watchkeeper.people import deciders


def decider_context(user: Any, kind: str, obj: Any, open_: bool) -> dict[str, Any]:
    """Whether the user decides this open request now, or why they may not though they could (recused,
    involved, no nomination, the two-person rule): the Headteacher decides, or an alternate nominated for
    disclosures, or the DPO once escalated (11.3, 11.5, 11.7; people/deciders.py)."""
    standing = deciders.standing(user, kind, obj, now=timezone.now()) if open_ else None
    return {
        "may_decide": bool(standing and standing.may_decide),
        "decider_refusal": standing.refusal if standing and standing.authority else None,
        "recuse_kind": kind if standing and standing.authority else None,
    }


def foi_rows(fois: Any) -> list[tuple[FOIRequest, clock.FOIDeadline, clock.ClockState]]:
    today, rows = timezone.localdate(), []
    for foi in fois:
        due = services.foi_deadline(foi)
        rows.append((foi, due, clock.foi_state(due.due, today, bool(foi.decision))))
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def foi_new(request: HttpRequest) -> HttpResponse:
    return logging_page(
        request,
        FOIRequestForm,
        services.log_foi_request,
        logged="FOI request logged; its clock has started (11.7).",
        detail="disclosures:foi_detail",
        template="disclosures/foi_form.html",
        extra={"guidance": services.FOI_GUIDANCE},
    )


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
        "release_terms": no_social_media("The images"),
        **decider_context(request.user, deciders.FOI, foi, not foi.decision),
        "may_manage": can(request.user, MANAGE, foi.school_id),
        "form": form or FOIDecisionForm(),
        "clock": clock,
    }
    context["next_step"] = foi_step(decided=bool(foi.decision), may_decide=context["may_decide"], due=due.due)
    context["next_link"] = (
        ("#decide", "Record the decision ↓") if context["next_step"] and context["may_decide"] else ("", "")
    )
    return render(request, "disclosures/foi_detail.html", context, status=status)


@login_required
@require_GET
def foi_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_foi(request, get_object_or_404(restrict(FOIS, request.user, VIEW), pk=pk))


@login_required
@require_POST
def foi_decide(request: HttpRequest, pk: int) -> HttpResponse:
    # VIEW: the DPO decides an escalated request too; the service checks who decides (people/deciders.py).
    foi = get_object_or_404(restrict(FOIS, request.user, VIEW), pk=pk)
    form = FOIDecisionForm(request.POST)
    outcome = attempt(
        request, form, lambda data: services.decide_foi(request.user, foi, **data, now=timezone.now())
    )
    if outcome.done:
        messages.success(request, "Decision recorded (11.7).")
        return redirect("disclosures:foi_detail", pk=foi.pk)
    return _render_foi(request, foi, form, status=400)


# --- closure periods --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def closures(request: HttpRequest) -> HttpResponse:
    school = list_school(request, VIEW)
    periods = in_school(
        restrict(ClosurePeriod.objects.select_related("school", "added_by"), request.user, VIEW), school
    )
    form = ClosureForm(posted(request), schools=schools(request, MANAGE), initial={"school": school})
    if request.method == "POST":
        require_anywhere(request, MANAGE)
    return form_page(
        request,
        form,
        lambda data: services.add_closure(request.user, **data, now=timezone.now()),
        said="Closure added: FOI deadlines now skip it.",
        to="disclosures:closures",
        template="disclosures/closures.html",
        context={
            "periods": periods,
            "school": school,
            "can_manage": holds_any(request.user, MANAGE),
            "manageable": set(schools(request, MANAGE).values_list("pk", flat=True)),
        },
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
