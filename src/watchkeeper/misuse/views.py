"""The misuse pages (16): the alerts a handler sees, one alert with its rule's formula and the outcome form,
the DPO's settings and each school's hours. Every refusal comes from the services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from watchkeeper.core.permissions import can, holds_any, require
from watchkeeper.core.refusals import form_page, submit
from watchkeeper.estate.models import School
from watchkeeper.misuse import rules, services
from watchkeeper.misuse.forms import DAYS, HoursForm, OutcomeForm, SettingsForm
from watchkeeper.misuse.models import Alert, SchoolDay


def _alert(request: HttpRequest, pk: int) -> Alert:
    return get_object_or_404(services.visible(request.user), pk=pk)


@login_required
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    if not holds_any(request.user, services.VIEW):
        raise PermissionDenied(services.NOT_YOURS)
    alerts = services.visible(request.user)
    context = {"open": alerts.filter(outcome=""), "closed": alerts.exclude(outcome=""), "titles": _titles()}
    return render(request, "misuse/list.html", context)


def _titles() -> dict[str, str]:
    return {rule: rules.title(rule) for rule in rules.RULES}


def _render(request: HttpRequest, alert: Alert, form: Any = None, status: int = 200) -> HttpResponse:
    context = {
        "alert": alert,
        "title": rules.title(alert.rule),
        "formula": rules.formula(alert.rule),
        "form": form or (OutcomeForm() if not alert.outcome else None),
        "may_audit": can(request.user, "audit.view", alert.school_id),
    }
    return render(request, "misuse/detail.html", context, status=status)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, _alert(request, pk))


@login_required
@require_POST
def outcome(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _alert(request, pk)
    form = OutcomeForm(request.POST)
    if sent := submit(
        request,
        form,
        lambda data: services.record_outcome(
            request.user, alert, data["outcome"], data["note"], now=timezone.now()
        ),
        said=f"Outcome of {alert.reference} recorded (audited).",
        to=reverse("misuse:detail", args=[alert.pk]),
    ):
        return sent
    return _render(request, alert, form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    require(request.user, services.SETTINGS, None)
    current = services.settings_of()
    initial = {name: getattr(current, name) for name in services.SETTING_FIELDS}
    form = SettingsForm(request.POST or None, initial=initial)
    schools = School.objects.order_by("name")
    return form_page(
        request,
        form,
        lambda data: services.update_settings(request.user, data, now=timezone.now()),
        said="Misuse settings saved (audited).",
        to="misuse:settings",
        template="misuse/settings.html",
        context={"schools": schools},
    )


@login_required
@require_http_methods(["GET", "POST"])
def hours(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, services.SETTINGS, None)
    school = get_object_or_404(School, pk=pk)
    initial: dict[str, Any] = {}
    for day in SchoolDay.objects.filter(school=school):
        initial[f"opens_{day.weekday}"], initial[f"closes_{day.weekday}"] = day.opens, day.closes
    form = HoursForm(request.POST or None, initial=initial)
    rows = [(name, form[f"opens_{n}"], form[f"closes_{n}"]) for n, name in enumerate(DAYS)]
    context = {"school": school, "rows": rows, "default": not initial}
    return form_page(
        request,
        form,
        lambda data: services.set_hours(request.user, school, form.days(), now=timezone.now()),
        said=f"Hours of {school.name} saved (audited).",
        to="misuse:settings",
        template="misuse/hours.html",
        context=context,
    )
