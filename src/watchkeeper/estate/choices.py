"""What a school-scoped form offers (the chosen school, its schools and cameras): used by the form pages
of several apps (DPIA draft, hold, maintenance check, download and subject access requests)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from watchkeeper.core.permissions import restrict
from watchkeeper.core.refusals import form_page
from watchkeeper.core.shortcuts import chosen_school, require_anywhere
from watchkeeper.estate.models import Camera, School

T = TypeVar("T")


@dataclass(frozen=True)
class SchoolChoices:
    """What a school-scoped form offers: the chosen school, the schools and the cameras to choose from."""

    school: School | None
    schools: QuerySet[School]
    cameras: QuerySet[Camera]


def school_choices(request: HttpRequest, action: str) -> SchoolChoices:
    """For a form page needing `action`: refuse people who hold it nowhere, take ?school= (or the posted
    school), and offer that school's cameras — but on a POST accept any camera the person may act on, so
    the service, not the form, names a camera of the wrong school."""
    require_anywhere(request, action)
    data = request.POST if request.method == "POST" else request.GET
    school = chosen_school(request, data, action)
    cameras = restrict(Camera.objects.select_related("school"), request.user, action)
    if request.method != "POST" and school is not None:
        cameras = cameras.filter(school=school)
    return SchoolChoices(school, restrict(School.objects.all(), request.user, action), cameras)


def school_form_page(
    request: HttpRequest,
    action: str,
    form_class: Callable[..., Any],
    call: Callable[[dict[str, Any]], T],
    *,
    said: str | Callable[[T], str],
    to: str | Callable[[T], str],
    template: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """A form page that names a school and its cameras (`school_choices` for `action`): on a POST the
    service `call` runs through `form_page`."""
    posted = request.POST if request.method == "POST" else None
    choices = school_choices(request, action)
    form = form_class(
        posted, initial={"school": choices.school}, schools=choices.schools, cameras=choices.cameras
    )
    return form_page(request, form, call, said=said, to=to, template=template, context=context)
