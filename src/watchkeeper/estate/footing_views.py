"""The pages of a camera's lawful footing (design/estate.md): naming the person responsible for a school's
cameras or for one camera (R6), and the DPO's confirmation that a place of type "other" is not a place of
privacy (5.4). Each change goes through estate.services, which checks authority and audits it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.permissions import restrict
from watchkeeper.core.refusals import attempt, refused_page
from watchkeeper.estate import services
from watchkeeper.estate.forms import ResponsibleForm
from watchkeeper.estate.models import Camera, School


@login_required
@require_http_methods(["GET", "POST"])
def school_responsible(request: HttpRequest, pk: int) -> HttpResponse:
    school = get_object_or_404(restrict(School.objects.all(), request.user, services.SET_RESPONSIBLE), pk=pk)
    form = ResponsibleForm(
        request.POST or None,
        people=services.responsible_candidates(school),
        initial={"person": school.responsible_person_id},
    )
    if (
        request.method == "POST"
        and attempt(
            request, form, lambda data: services.set_school_responsible(request.user, school, data["person"])
        ).done
    ):
        messages.success(request, f"{school.name}: responsible person saved.")
        return redirect("estate:school_list")
    return _page(request, form, f"Responsible person for {school.name}", reverse("estate:school_list"))


@login_required
@require_http_methods(["GET", "POST"])
def camera_responsible(request: HttpRequest, pk: int) -> HttpResponse:
    cameras = restrict(Camera.objects.select_related("school"), request.user, services.SET_RESPONSIBLE)
    camera = get_object_or_404(cameras, pk=pk)
    form = ResponsibleForm(
        request.POST or None,
        people=services.responsible_candidates(camera.school),
        initial={"person": camera.responsible_person_id},
    )
    form.fields["person"].empty_label = "The school's responsible person"  # type: ignore[attr-defined]
    if (
        request.method == "POST"
        and attempt(
            request, form, lambda data: services.set_camera_responsible(request.user, camera, data["person"])
        ).done
    ):
        messages.success(request, f"{camera.name}: responsible person saved.")
        return redirect("estate:camera_detail", pk=camera.pk)
    back = reverse("estate:camera_detail", args=[camera.pk])
    return _page(request, form, f"Responsible person for {camera.name}", back)


def _page(request: HttpRequest, form: ResponsibleForm, title: str, cancel: str) -> HttpResponse:
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "title": title, "cancel": cancel}
    return render(request, "estate/responsible_form.html", context, status=status)


@login_required
@require_POST
def camera_confirm_not_private(request: HttpRequest, pk: int) -> HttpResponse:
    """The DPO's confirmation (5.4), a button on the camera page."""
    cameras = restrict(Camera.objects.select_related("school"), request.user, services.CONFIRM_NOT_PRIVATE)
    camera = get_object_or_404(cameras, pk=pk)
    try:
        services.confirm_not_private(request.user, camera, now=timezone.now())
    except PolicyRefusal as refusal:
        return refused_page(request, refusal.refusals, status=400)
    messages.success(request, f"{camera.name}: confirmed not a place of privacy (5.4).")
    return redirect("estate:camera_detail", pk=camera.pk)
