"""Recording pages: camera health and storage (12.1, issue 3 §2 and §4), and evidential holds (9.6, 13.1).

Health is for the people responsible for the system (recording.status); holds are the CCTV
administrator's alone (recording.hold) — footage under an evidential hold is theirs only (9.6).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from watchkeeper.audit.models import AuditEvent
from watchkeeper.compliance import trust
from watchkeeper.core.dates import uk_date
from watchkeeper.core.permissions import holds_any, restrict
from watchkeeper.core.refusals import attempt, submit
from watchkeeper.core.shortcuts import in_school, list_school, schools_where
from watchkeeper.estate.choices import school_form_page
from watchkeeper.estate.models import Camera, CameraStatus
from watchkeeper.evidence.forms import HoldReleaseForm
from watchkeeper.evidence.holds import awaiting_release, redactions_over_hold, requests_over_hold
from watchkeeper.health import clock
from watchkeeper.health.models import Alert, AlertKind
from watchkeeper.recording import forecast, services
from watchkeeper.recording.forms import HoldForm, ReleaseForm, ReviewForm, ReviewTogetherForm
from watchkeeper.recording.models import Hold
from watchkeeper.recording.overview import camera_rows
from watchkeeper.recording.status import totals

STATUS, HOLD = "recording.status", "recording.hold"


# --- camera health and storage --------------------------------------------------------------------------


@login_required
def health_list(request: HttpRequest) -> HttpResponse:
    school = list_school(request, STATUS)
    cameras = restrict(Camera.objects.exclude(status=CameraStatus.DECOMMISSIONED), request.user, STATUS)
    now = timezone.now()
    storage = totals(now)
    context = {
        "rows": camera_rows(
            in_school(cameras, school),
            restrict(Alert.objects.all(), request.user, STATUS),
            now,
        ),
        "storage": storage,
        "pressure": forecast.pressure(storage.days_until_full),
        "school": school,
        "schools": schools_where(request, STATUS),
        "can_hold": holds_any(request.user, HOLD),
        "can_maintain": holds_any(request.user, "maintenance.record"),
        # 9.3: every recording's times are the server's; the health run opens one alert for the server
        # (not one per camera), shown here with what the clock says now.
        "server_clock": clock.server_clock(clock.read_server_clock(), trust.server_clock_alert_seconds()),
        "server_alert": Alert.objects.open().filter(camera__isnull=True, kind=AlertKind.SERVER_CLOCK).first(),
    }
    return render(request, "recording/health_list.html", context)


# --- holds (9.6) ----------------------------------------------------------------------------------------


def _holds(request: HttpRequest) -> Any:
    return restrict(
        Hold.objects.select_related("school", "owner", "released_by").prefetch_related("cameras"),
        request.user,
        HOLD,
    )


@login_required
def hold_list(request: HttpRequest) -> HttpResponse:
    school = list_school(request, HOLD)
    holds = in_school(_holds(request), school)
    context = {
        "current": holds.filter(released_at__isnull=True),
        "released": holds.filter(released_at__isnull=False),
        # 9.6: requests and redactions over held footage that wait for the administrator's release.
        "awaiting": awaiting_release(request.user, school.pk if school else None),
        "today": timezone.localdate(),
        "school": school,
        "schools": schools_where(request, HOLD),
    }
    return render(request, "recording/hold_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def hold_place(request: HttpRequest) -> HttpResponse:
    return school_form_page(
        request,
        HOLD,
        HoldForm,
        lambda data: services.place_hold(request.user, **data, today=timezone.localdate()),
        said="Hold placed: this footage is kept until the hold is released (9.6).",
        to=lambda value: reverse("recording:hold_detail", args=[value.pk]),
        template="recording/hold_form.html",
    )


def render_hold(request: HttpRequest, hold: Hold, status: int = 200, **forms: Any) -> HttpResponse:
    history = restrict(
        AuditEvent.objects.filter(object_type=Hold._meta.label_lower, object_id=str(hold.pk)),
        request.user,
        HOLD,
    )
    context = {
        "hold": hold,
        "today": timezone.localdate(),
        "history": history.order_by("seq"),
        "review_form": forms.get("review_form") or ReviewForm(),
        "release_form": forms.get("release_form") or ReleaseForm(),
        # 9.6: the download requests and redactions that use this footage, and their releases.
        "requests": requests_over_hold(hold),
        "redactions": redactions_over_hold(hold),
        "use_form": forms.get("use_form") or HoldReleaseForm(),
    }
    return render(request, "recording/hold_detail.html", context, status=status)


def _hold(request: HttpRequest, pk: int) -> Hold:
    return get_object_or_404(_holds(request), pk=pk)


@login_required
def hold_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_hold(request, _hold(request, pk))


def _hold_step(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.Form],
    name: str,
    run: Callable[[Hold, dict[str, Any]], Hold],
    said: str | Callable[[Hold], str],
) -> HttpResponse:
    """One step taken on a hold's page (a review, the release): once done, back to the hold; otherwise its
    page again with the form, as `name`, showing why (400)."""
    hold = _hold(request, pk)
    form = form_class(request.POST)
    to = reverse("recording:hold_detail", args=[hold.pk])
    if sent := submit(request, form, lambda data: run(hold, data), said=said, to=to):
        return sent
    return render_hold(request, hold, 400, **{name: form})


@login_required
@require_POST
def hold_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _hold_step(
        request,
        pk,
        ReviewForm,
        "review_form",
        lambda hold, data: services.review_hold(
            request.user, hold, data["note"], data["next_review_on"], today=timezone.localdate()
        ),
        said=lambda reviewed: f"Review recorded; next review by {uk_date(reviewed.review_on)}.",
    )


@login_required
@require_POST
def hold_release(request: HttpRequest, pk: int) -> HttpResponse:
    return _hold_step(
        request,
        pk,
        ReleaseForm,
        "release_form",
        lambda hold, data: services.release_hold(request.user, hold, data["reason"], now=timezone.now()),
        said="Hold released: footage past its retention goes at the next sweep (13.1).",
    )


# Issue 15 §4: routine hold reviews taken together with one fresh code (core/together.py).
REVIEW_DUE_DAYS = 7


@login_required
@require_http_methods(["GET", "POST"])
def holds_review_together(request: HttpRequest) -> HttpResponse:
    """The current holds due for review within a week (or overdue), a box each; one note, one next review
    date and one fresh code review those ticked, each audited on its own (`recording.hold_reviewed`)."""
    school = list_school(request, HOLD)
    due = timezone.localdate() + timedelta(days=REVIEW_DUE_DAYS)
    holds = _holds(request).filter(released_at__isnull=True, review_on__lte=due).order_by("review_on", "pk")
    holds = in_school(holds, school)
    form = ReviewTogetherForm(request.POST if request.method == "POST" else None, holds=holds)
    if request.method == "POST":
        outcome = attempt(request, form, lambda data: _review_together(request, data))
        if outcome.done:
            names = ", ".join(f"#{hold.pk}" for hold in outcome.value)
            messages.success(
                request, f"{len(outcome.value)} holds reviewed, each recorded on its own: {names}."
            )
            return redirect(request.get_full_path())
    context = {"form": form, "school": school, "any": holds.exists()}
    status = 400 if request.method == "POST" else 200
    return render(request, "recording/holds_together.html", context, status=status)


def _review_together(request: HttpRequest, data: dict[str, Any]) -> list[Hold]:
    return services.review_holds_together(
        request.user,
        list(data["holds"]),
        data["note"],
        data["next_review_on"],
        code=data["code"],
        now=timezone.now(),
    )
