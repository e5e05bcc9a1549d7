"""What the disclosure pages share: the actions, the querysets they look objects up in (through
restrict(), so another school's is a 404), and the choices a form offers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from watchkeeper.core.permissions import restrict
from watchkeeper.core.refusals import form_page
from watchkeeper.core.shortcuts import list_school, schools_where
from watchkeeper.disclosures import services
from watchkeeper.disclosures.models import DisclosureRequest, FOIRequest
from watchkeeper.estate.models import Camera, School
from watchkeeper.recording import coverage

VIEW, MANAGE, DECIDE, ADVISE, REGISTER, REVIEW = (
    services.VIEW,
    services.MANAGE,
    services.DECIDE,
    services.ADVISE,
    services.REGISTER,
    services.REVIEW,
)
REQUESTS = DisclosureRequest.objects.select_related(
    "school", "logged_by", "decided_by", "escalated_by", "hold", "review__requested_by", "finding_by"
)
FOIS = FOIRequest.objects.select_related("school", "logged_by", "decided_by")


def posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def schools(request: HttpRequest, action: str) -> Any:
    return schools_where(request, action)


def cameras(request: HttpRequest, school: School | None) -> Any:
    """The cameras a request may name: the user's schools', and only those that can have footage (not a
    proposed camera, nor a decommissioned one whose footage is gone; recording/coverage.py)."""
    found = coverage.may_have_footage(restrict(Camera.objects.select_related("school"), request.user, MANAGE))
    return found.filter(school=school) if school is not None and request.method != "POST" else found


def logging_page(
    request: HttpRequest,
    form_class: Any,
    log: Callable[..., Any],
    *,
    logged: str,
    detail: str,
    template: str,
    extra: dict[str, Any],
) -> HttpResponse:
    """The form that logs a police (11.3), outside-body (11.5) or FOI (11.7) request: its fields are the
    service's keyword arguments, so the page and the service cannot drift apart. Done, the `detail` page of
    the request logged."""
    school = list_school(request, MANAGE)
    form = form_class(
        posted(request),
        schools=schools(request, MANAGE),
        cameras=cameras(request, school),
        initial={"school": school},
    )
    return form_page(
        request,
        form,
        lambda data: log(request.user, **data, now=timezone.now()),
        said=logged,
        to=lambda req: reverse(detail, args=[req.pk]),
        template=template,
        context={"school": school, **extra},
    )
