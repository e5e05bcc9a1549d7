"""The maintenance page (12.1): each school's maintenance log, manual checks, reference views.

Open alerts are shown on the recording health page and the dashboard (recording.status)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from watchkeeper.core.permissions import restrict
from watchkeeper.core.shortcuts import in_school, list_school, schools_where
from watchkeeper.estate.choices import school_form_page
from watchkeeper.estate.models import Camera, CameraStatus
from watchkeeper.health import schedule, services
from watchkeeper.health.forms import CheckForm, ScheduleForm
from watchkeeper.health.models import MaintenanceEntry, MaintenanceSchedule, ReferenceFeatures

MAINTAIN = "maintenance.record"
LOG_LENGTH = 200


def _maintenance_url(school_id: int | None) -> str:
    url = reverse("health:maintenance")
    return f"{url}?school={school_id}" if school_id else url


@login_required
def maintenance(request: HttpRequest) -> HttpResponse:
    """The maintenance log of the person's schools (or one school), newest first, and the cameras."""
    school = list_school(request, MAINTAIN)
    entries = restrict(
        MaintenanceEntry.objects.select_related("school", "camera", "by"), request.user, MAINTAIN
    )
    cameras = restrict(
        Camera.objects.exclude(status=CameraStatus.DECOMMISSIONED).select_related("school"),
        request.user,
        MAINTAIN,
    )
    entries, cameras = in_school(entries, school), in_school(cameras, school)
    references = restrict(ReferenceFeatures.objects.select_related("set_by"), request.user, MAINTAIN)
    by_camera = {r.camera_id: r for r in references.filter(camera__in=cameras)}
    context = {
        "entries": entries[:LOG_LENGTH],
        "cameras": [(camera, by_camera.get(camera.pk)) for camera in cameras],
        "school": school,
        "schools": schools_where(request, MAINTAIN),
    }
    return render(request, "health/maintenance.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def check_record(request: HttpRequest) -> HttpResponse:
    """The manual check form; ?camera= and ?check_type= (a schedule's record_url) choose the camera and
    the check, so that an overdue camera check is not logged for the school as a whole."""
    preset = {name: request.GET[name] for name in ("camera", "check_type") if request.GET.get(name)}

    def form(*args: Any, initial: dict[str, Any], **kwargs: Any) -> CheckForm:
        return CheckForm(*args, initial={**initial, **preset}, **kwargs)

    return school_form_page(
        request,
        MAINTAIN,
        form,
        lambda data: services.record_check(request.user, **data, now=timezone.now()),
        said="Check recorded in the maintenance log.",
        to=lambda value: _maintenance_url(value.school_id),
        template="health/check_form.html",
    )


@login_required
@require_POST
def reference_set(request: HttpRequest, pk: int) -> HttpResponse:
    camera = get_object_or_404(
        restrict(Camera.objects.select_related("school"), request.user, MAINTAIN), pk=pk
    )
    services.set_reference_view(request.user, camera, timezone.now())  # a refusal goes to the refused page
    messages.success(request, f"Reference view of {camera.name} set from its latest recording.")
    return redirect(_maintenance_url(camera.school_id))


@login_required
@require_http_methods(["GET", "POST"])
def schedule_list(request: HttpRequest) -> HttpResponse:
    """The maintenance schedule (12.1): how often each manual check is due, when each is next due, and a
    form to set one."""
    return school_form_page(
        request,
        MAINTAIN,
        ScheduleForm,
        lambda data: services.set_schedule(request.user, **data, now=timezone.now()),
        said="Schedule saved.",
        to="health:schedule",
        template="health/schedule.html",
        context={
            "checks": schedule.due_checks(
                restrict(MaintenanceSchedule.objects.all(), request.user, MAINTAIN)
            ),
            "today": timezone.localdate(),
        },
    )
