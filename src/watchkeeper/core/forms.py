"""Form helpers shared by every app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet


class Form(forms.Form):
    """Labels without a trailing colon: "Name", not "Name:" (what people, and browser tests, look for)."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def offer_schools(form: forms.Form, schools: QuerySet[Any], field: str = "school") -> None:
    """Limit a school choice to `schools` (those where the person holds the action); with only one, it is
    chosen already."""
    form.fields[field].queryset = schools  # type: ignore[attr-defined]
    if not form.initial.get(field) and len(schools) == 1:
        form.initial[field] = schools[0]
