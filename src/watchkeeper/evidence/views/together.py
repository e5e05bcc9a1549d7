"""Routine copy decisions taken together (issue 15 §4, core/together.py): the copies due or overdue for
deletion (13.2) listed with a box each, deleted (Appendix I) or kept longer (13.2) with one fresh code."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from watchkeeper.core.permissions import restrict
from watchkeeper.core.refusals import attempt
from watchkeeper.core.shortcuts import list_school
from watchkeeper.estate.models import School
from watchkeeper.evidence import services
from watchkeeper.evidence.forms import CopiesTogetherForm, ExtendTogetherForm
from watchkeeper.evidence.models import Download

# step: (the permission, the form, the page's heading, the button, what was done)
STEPS: dict[str, tuple[str, Any, str, str, str]] = {
    "delete": (
        services.AUTHORISE,
        CopiesTogetherForm,
        "Delete copies together",
        "Authorise deletion",
        "deleted",
    ),
    "extend": (
        services.EXTEND,
        ExtendTogetherForm,
        "Keep copies longer together",
        "Keep longer",
        "kept longer",
    ),
}


def pending(user: Any, action: str, school: School | None, today: date) -> QuerySet[Download]:
    """Stored copies due for deletion within the reminder days, or overdue (13.2), the earliest first."""
    soon = today + timedelta(days=services.REMINDER_DAYS)
    copies = restrict(services.stored_copies().filter(expires_on__lte=soon), user, action)
    copies = copies if school is None else copies.filter(school=school)
    return copies.select_related("school", "request").order_by("expires_on", "pk")


@login_required
@require_http_methods(["GET", "POST"])
def copies_together(request: HttpRequest, step: str) -> HttpResponse:
    action, form_class, heading, button, done = STEPS[step]
    school = list_school(request, action)
    copies = pending(request.user, action, school, timezone.localdate())
    form = form_class(request.POST if request.method == "POST" else None, copies=copies)
    if request.method == "POST":
        outcome = attempt(request, form, lambda data: _take(request, step, data))
        if outcome.done:
            names = "; ".join(d.package_file for d in outcome.value)
            messages.success(
                request, f"{len(outcome.value)} copies {done}, each recorded on its own: {names}."
            )
            return redirect(request.get_full_path())
    context = {"form": form, "heading": heading, "button": button, "school": school, "step": step}
    return render(request, "evidence/together.html", context, status=400 if request.method == "POST" else 200)


def _take(request: HttpRequest, step: str, data: dict[str, Any]) -> list[Download]:
    copies, now = list(data["copies"]), timezone.now()
    if step == "delete":
        return services.delete_copies_together(request.user, copies, otp_code=data["code"], now=now)
    return services.extend_copies_together(
        request.user,
        copies,
        new_date=data["new_date"],
        reason=data["reason"],
        asked_by=data["asked_by"],
        otp_code=data["code"],
        now=now,
    )
