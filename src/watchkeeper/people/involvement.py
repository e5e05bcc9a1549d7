"""The staff involved in an incident or shown in the footage, named by whoever asks to view or download it
(9.2, 9.5; design/roles.md "Who decides"). Optional: the asker names the school's accounts they know are
involved, and people/deciders.py then never lets one of them decide the request (it goes to another
decider, or to the DPO). The request forms offer the field; the services check and record it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from watchkeeper.core.actors import Person
from watchkeeper.people.models import RoleGrant

LABEL = "Staff involved in the incident or shown in the footage"
HELP = (
    "Optional. Tick any member of staff you know is involved or appears: none of them decides this request "
    "(9.2) — another Headteacher-level decider or the DPO does."
)


def school_accounts(school_ids: Iterable[int]) -> QuerySet[Any]:
    """The active accounts holding a current role at any of these schools, by name."""
    holders = RoleGrant.objects.current().filter(school_id__in=list(school_ids)).values("user_id")
    users = get_user_model().objects.filter(is_active=True, pk__in=holders)
    return users.order_by("last_name", "first_name", "username")


class StaffInvolvedField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", get_user_model().objects.none())
        super().__init__(label=LABEL, help_text=HELP, required=False, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


def offer_cameras_and_staff(form: forms.Form, cameras: QuerySet[Any]) -> None:
    """A request form's choices: the `cameras` offered, and as staff involved the staff of their schools
    (the service checks the request's own school)."""
    form.fields["cameras"].queryset = cameras  # type: ignore[attr-defined]
    school_ids = cameras.values_list("school_id", flat=True).distinct()
    form.fields["staff_involved"].queryset = school_accounts(school_ids)  # type: ignore[attr-defined]


def involvement_problems(clause: str, school_id: int, staff: Iterable[Person]) -> list[str]:
    """Each person named must be a member of staff of the request's school."""
    known = set(school_accounts([school_id]).values_list("pk", flat=True))
    strangers = [p for p in staff if p.pk not in known]
    return [
        f"{clause}: {p.get_full_name() or p.get_username()} is not a member of staff of this school — "
        "name only the school's staff as involved"
        for p in strangers
    ]


def usernames(staff: Iterable[Person]) -> list[str]:
    """For the audit event: who was named as involved."""
    return sorted(p.get_username() for p in staff)
