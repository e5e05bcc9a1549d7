"""View helpers every app uses: the same refusal for the same situation on every page."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, QueryDict
from django.shortcuts import get_object_or_404

from watchkeeper.core.action_words import not_permitted
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.permissions import holds_any, restrict
from watchkeeper.estate.models import School

M = TypeVar("M", bound=Model)


def require_anywhere(request: HttpRequest, *actions: str) -> None:
    """A page with no object of its own: refuse (403) people who hold none of the actions at any school."""
    if not any(holds_any(request.user, action) for action in actions):
        raise PermissionDenied(not_permitted(*actions))


def chosen_school(request: HttpRequest, data: QueryDict, *actions: str) -> School | None:
    """The school named by ?school= or a posted school field, among those where the person holds one of
    the actions; another school's (or a made-up) id is 404, so a page never confirms it exists."""
    value = data.get("school", "")
    if not value:
        return None
    if not value.isdigit():
        raise Http404("No such school.")
    allowed = School.objects.none()
    for action in actions:
        allowed = allowed | restrict(School.objects.all(), request.user, action)
    return get_object_or_404(allowed.distinct(), pk=value)


def in_school(queryset: QuerySet[M], school: School | None) -> QuerySet[M]:
    """A list page's rows at the school its filter chose (`list_school`, `chosen_school`); None: all."""
    return queryset if school is None else queryset.filter(school=school)


def list_school(request: HttpRequest, *actions: str) -> School | None:
    """A list page's opening: refuse (403) people who hold none of the actions anywhere, then the school
    its ?school= filter names (None: all the person's schools)."""
    require_anywhere(request, *actions)
    return chosen_school(request, request.GET, *actions)


def schools_where(request: HttpRequest, action: str) -> QuerySet[School]:
    """The schools a page offers to choose from: those where the person holds `action`."""
    return restrict(School.objects.all(), request.user, action)


def show_refusal(form: Any, refusal: PolicyRefusal) -> None:
    """Show the policy's reasons in the form, keeping everything the person typed."""
    for problem in refusal.problems:
        form.add_error(None, problem)
