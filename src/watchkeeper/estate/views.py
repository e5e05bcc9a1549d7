"""The estate pages: cameras and minibuses. Every change goes through estate.services, which checks
authority and the policy gates; a refusal is shown with its clause, and nothing typed is lost."""

from __future__ import annotations

import json
import uuid
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from watchkeeper.compliance.footing import camera_footing
from watchkeeper.compliance.trust import SETTINGS
from watchkeeper.core.actors import Actor, person_or_none
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.permissions import ACTIONS, can, holds_any, restrict
from watchkeeper.core.refusals import attempt, form_page, submit
from watchkeeper.core.shortcuts import chosen_school, require_anywhere
from watchkeeper.estate import services, streams
from watchkeeper.estate.forms import (
    CameraEditForm,
    CameraFilterForm,
    CameraRegisterForm,
    CameraStatusForm,
    PrivacyZonesForm,
    SchoolForm,
    VehicleFilterForm,
    VehicleForm,
)
from watchkeeper.estate.models import Camera, CameraStatus, School, Trust, Vehicle
from watchkeeper.people.models import RoleGrant
from watchkeeper.recording.erasure import ERASE
from watchkeeper.recording.models import ErasureCertificate, Segment

F = TypeVar("F", CameraFilterForm, VehicleFilterForm)
# Statuses from which a camera may be activated: their detail page lists what still stops activation.
ACTIVATABLE = (CameraStatus.PROPOSED, CameraStatus.SUSPENDED)
STATUS_BUTTONS = {
    CameraStatus.ACTIVE: "Activate",
    CameraStatus.SUSPENDED: "Suspend",
    CameraStatus.DECOMMISSIONED: "Decommission",
}


def _schools(request: HttpRequest, action: str) -> QuerySet[School]:
    """Schools where the person may `action`; 403 when that is nowhere at all."""
    require_anywhere(request, action)
    return restrict(School.objects.all(), request.user, action)


def _chosen_school(request: HttpRequest, action: str) -> School | None:
    """The school named in the request (posted or ?school=) among those allowed; another school's is 404."""
    return chosen_school(request, request.POST if request.method == "POST" else request.GET, action)


def _cameras(user: Actor, action: str) -> QuerySet[Camera]:
    related = ("school", "vehicle", "responsible_person", "school__responsible_person")
    return restrict(Camera.objects.select_related(*related), user, action)


def _filters(request: HttpRequest, form_class: type[F], missing: str) -> F:
    """A list's filters, offering the schools the person may view; a school (or status) outside them is
    a 404, as if it did not exist."""
    schools = _schools(request, "estate.view")
    _chosen_school(request, "estate.view")
    filters = form_class(request.GET, schools=schools)
    if not filters.is_valid():
        raise Http404(missing)
    return filters


@login_required
def camera_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request, CameraFilterForm, "No such school or status.")
    cameras = filters.apply(_cameras(request.user, "estate.view"))
    return render(
        request,
        "estate/camera_list.html",
        {
            "cameras": cameras,
            "filters": filters,
            "can_register": holds_any(request.user, "estate.change"),
        },
    )


@login_required
def camera_detail(request: HttpRequest, pk: int) -> HttpResponse:
    camera = get_object_or_404(_cameras(request.user, "estate.view"), pk=pk)
    return _detail(request, camera)


def _detail(
    request: HttpRequest,
    camera: Camera,
    refusal: list[str] | None = None,
    status: int = 200,
    form: CameraStatusForm | None = None,
) -> HttpResponse:
    may_change = can(request.user, "estate.change", camera.school_id)
    decommissioned = camera.status == CameraStatus.DECOMMISSIONED
    may_erase = decommissioned and can(request.user, ERASE, camera.school_id)
    return render(
        request,
        "estate/camera_detail.html",
        {
            "camera": camera,
            "main_stream": streams.shown(camera, "main"),
            "sub_stream": streams.shown(camera, "sub"),
            "dpias": _dpia_rows(request.user, camera),
            "problems": (
                services.activation_problems_for(camera, timezone.localdate())
                if camera.status in ACTIVATABLE
                else []
            ),
            "refusal": refusal or [],
            "may_change": may_change,
            "may_set_responsible": can(request.user, services.SET_RESPONSIBLE, camera.school_id),
            "may_confirm_not_private": can(request.user, services.CONFIRM_NOT_PRIVATE, camera.school_id),
            "buttons": _status_buttons(camera) if may_change else [],
            "status_form": form or CameraStatusForm(),
            # Its lawful footing together (issue 13 §1): Art 9/10 conditions, policy document, privacy notice.
            "footing": camera_footing(camera, timezone.localdate()),
            "may_see_compliance": can(request.user, "compliance.view", camera.school_id),
            "may_change_settings": can(request.user, SETTINGS, None),
            # 13.1: a decommissioned camera's recordings are erased before disposal, by whom may erase them.
            "may_erase": may_erase,
            "erasures": ErasureCertificate.objects.filter(camera=camera) if may_erase else [],
            "stored": may_erase and Segment.objects.filter(camera=camera).exists(),
        },
        status=status,
    )


def _dpia_rows(user: Actor, camera: Camera) -> list[tuple[Any, str]] | None:
    """The DPIAs covering the camera, linked where the compliance pages exist; None: not for this user."""
    if not can(user, "compliance.view", camera.school_id):
        return None
    return [(dpia, _url_or_blank("compliance:dpia_detail", dpia.pk)) for dpia in camera.dpias.all()]


def _url_or_blank(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def _status_buttons(camera: Camera) -> list[tuple[str, str]]:
    allowed = services.TRANSITIONS.get(camera.status, frozenset())
    return [(status, label) for status, label in STATUS_BUTTONS.items() if status in allowed]


@login_required
@require_http_methods(["GET", "POST"])
def camera_register(request: HttpRequest) -> HttpResponse:
    schools = _schools(request, "estate.change")
    school = _chosen_school(request, "estate.change")
    vehicles = restrict(Vehicle.objects.all(), request.user, "estate.change")
    form = CameraRegisterForm(
        request.POST or None, schools=schools, vehicles=vehicles, initial={"school": school}
    )
    if request.method == "POST" and (
        sent := submit(
            request,
            form,
            lambda data: services.register_camera(
                request.user, data["school"], vehicle=data["vehicle"], **form.camera_fields()
            ),
            said=lambda camera: f"{camera.name} is registered; it stays proposed until activated.",
            to=lambda camera: reverse("estate:camera_detail", args=[camera.pk]),
        )
    ):
        return sent
    return _form_page(request, form, "Register a camera", "Register camera")


@login_required
@require_http_methods(["GET", "POST"])
def camera_edit(request: HttpRequest, pk: int) -> HttpResponse:
    camera = get_object_or_404(_cameras(request.user, "estate.change"), pk=pk)
    title = f"Edit {camera.name}"  # before the service, which changes the instance even when it refuses
    form = CameraEditForm(request.POST or None, camera=camera)
    if (
        request.method == "POST"
        and attempt(
            request, form, lambda _: services.update_camera(request.user, camera, **form.camera_fields())
        ).done
    ):
        messages.success(request, f"{camera.name} is updated.")
        return redirect("estate:camera_detail", pk=camera.pk)
    return _form_page(request, form, title, "Save changes", camera_pk=camera.pk)


def _form_page(request: HttpRequest, form: Any, title: str, button: str, **extra: Any) -> HttpResponse:
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "title": title, "button": button, **extra}
    return render(request, "estate/camera_form.html", context, status=status)


@login_required
@require_POST
def camera_status(request: HttpRequest, pk: int) -> HttpResponse:
    camera = get_object_or_404(_cameras(request.user, "estate.change"), pk=pk)
    form = CameraStatusForm(request.POST)
    if sent := submit(
        request,
        form,
        lambda data: services.change_camera_status(
            request.user, camera, data["status"], reason=data["reason"], today=timezone.localdate()
        ),
        said=lambda changed: f"{changed.name} is now {changed.get_status_display().lower()}.",
        to=reverse("estate:camera_detail", args=[camera.pk]),
    ):
        return sent
    # The refusal's reasons (or, for an invalid form, a plain one) above the buttons.
    problems = [str(problem) for problem in form.non_field_errors()] or ["Choose a status."]
    return _detail(request, camera, problems, status=400, form=form)


@login_required
@require_http_methods(["GET", "POST"])
def camera_zones(request: HttpRequest, pk: int) -> HttpResponse:
    """The privacy-zone editor (5.3): polygons drawn over a live reference frame, saved as JSON."""
    camera = get_object_or_404(_cameras(request.user, "estate.change"), pk=pk)
    form = PrivacyZonesForm(request.POST or None, initial={"zones": json.dumps(camera.privacy_zones or [])})
    if (
        request.method == "POST"
        and attempt(
            request, form, lambda data: services.set_privacy_zones(request.user, camera, data["zones"])
        ).done
    ):
        zones = form.cleaned_data["zones"]
        messages.success(request, f"{camera.name}: {len(zones)} privacy zone(s) saved (5.3).")
        return redirect("estate:camera_detail", pk=camera.pk)
    may_see_frame = can(request.user, "recording.hold", camera.school_id)  # the CCTV administrator (9.6)
    may_see_unmasked = can(request.user, "viewing.live", camera.school_id)  # 8.1: else zones applied
    context = {
        "camera": camera,
        "form": form,
        "may_see_frame": may_see_frame,
        "may_see_unmasked": may_see_unmasked,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "estate/camera_zones.html", context, status=status)


@login_required
@require_POST
def camera_reference_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for a picture to draw on (issue 14 §5): the job worker takes it from the camera, never this
    process. 202, with the address that says how it is going (zones.js asks it every second)."""
    camera = get_object_or_404(_cameras(request.user, "estate.change"), pk=pk)
    frame = services.request_reference_frame(request.user, camera, now=timezone.now())
    status = reverse("estate:camera_reference_status", args=[camera.pk, frame.pk])
    return _no_store(JsonResponse({"status": status}, status=202))


@login_required
@require_GET
def camera_reference_status(request: HttpRequest, pk: int, frame: uuid.UUID) -> HttpResponse:
    """{"state": queued | taking | ready | failed, "message": why not, "picture": its address when ready}."""
    camera = get_object_or_404(_cameras(request.user, "estate.change"), pk=pk)
    progress = services.reference_frame_progress(request.user, camera, str(frame), now=timezone.now())
    body = {"state": progress.state, "message": progress.problem}
    if progress.state == "ready":
        body["picture"] = reverse("estate:camera_reference_frame", args=[camera.pk, frame])
    return _no_store(JsonResponse(body))


@login_required
@require_GET
def camera_reference_frame(request: HttpRequest, pk: int, frame: uuid.UUID) -> HttpResponse:
    """The picture as JPEG, shown once, for the CCTV system administrator only (9.6); audited."""
    camera = get_object_or_404(_cameras(request.user, "estate.change"), pk=pk)
    try:
        jpeg = services.view_reference_frame(request.user, camera, str(frame), now=timezone.now())
    except PolicyRefusal as refusal:
        text = f"No picture: {'; '.join(refusal.problems)}."
        return HttpResponse(text, status=404, content_type="text/plain; charset=utf-8")
    return _no_store(HttpResponse(jpeg, content_type="image/jpeg"))


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
def vehicle_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request, VehicleFilterForm, "No such school.")
    vehicles = restrict(
        Vehicle.objects.select_related("school").annotate(camera_count=Count("cameras")),
        request.user,
        "estate.view",
    )
    if filters.cleaned_data.get("school"):
        vehicles = vehicles.filter(school=filters.cleaned_data["school"])
    return render(
        request,
        "estate/vehicle_list.html",
        {
            "vehicles": vehicles,
            "filters": filters,
            "can_register": holds_any(request.user, "estate.change"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def vehicle_register(request: HttpRequest) -> HttpResponse:
    schools = _schools(request, "estate.change")
    school = _chosen_school(request, "estate.change")
    form = VehicleForm(request.POST or None, schools=schools, initial={"school": school})
    return form_page(
        request,
        form,
        lambda data: services.register_vehicle(
            request.user, data["school"], data["registration"], data["description"]
        ),
        said=lambda value: f"{value} is registered.",
        to="estate:vehicle_list",
        template="estate/vehicle_form.html",
    )


@login_required
def school_list(request: HttpRequest) -> HttpResponse:
    schools = _schools(request, "estate.view")
    chosen = _chosen_school(request, "estate.view")
    if chosen is not None:
        schools = schools.filter(pk=chosen.pk)
    schools = schools.select_related("responsible_person").annotate(
        camera_count=Count("cameras", distinct=True), vehicle_count=Count("vehicles", distinct=True)
    )
    can_add = holds_any(request.user, "estate.manage_schools")
    may_name = restrict(School.objects.all(), request.user, services.SET_RESPONSIBLE).values_list(
        "pk", flat=True
    )
    context = {"schools": schools, "can_register": can_add, "may_name": set(may_name)}
    return render(request, "estate/school_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def school_register(request: HttpRequest) -> HttpResponse:
    """The DPO adds a school (site) to the trust their staff profile belongs to."""
    if not can(request.user, "estate.manage_schools", None):
        raise PermissionDenied("Only the Data Protection Officer adds schools to the trust.")
    form = SchoolForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: services.create_school(
            request.user,
            _trust_held_wide(request.user, "estate.manage_schools"),
            data["name"],
            data["address"],
        ),
        said=lambda value: f"{value.name} added to the trust.",
        to="estate:school_list",
        template="estate/school_form.html",
    )


def _trust_held_wide(user: Actor, action: str) -> Trust:
    """The trust in which the user holds `action` trust-wide (a grant with no school)."""
    grant = (
        RoleGrant.objects.current()
        .filter(user=person_or_none(user), school__isnull=True, role__in=ACTIONS[action])
        .first()
    )
    if grant is None:
        raise PermissionDenied("This needs a trust-wide role.")
    return grant.trust
