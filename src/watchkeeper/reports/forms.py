from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from watchkeeper.estate.models import School


class AnnualForm(forms.Form):
    """Which annual report: a school (or the whole trust, for a trust-wide reader), a year, an edition."""

    school = forms.ModelChoiceField(
        queryset=School.objects.none(), required=False, empty_label="The whole trust"
    )
    year = forms.IntegerField(min_value=2000, max_value=2100)
    public = forms.BooleanField(
        required=False, label="Public edition (counts only, small numbers suppressed)"
    )

    def __init__(self, *args: Any, schools: QuerySet[School], trust_wide: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["school"]
        field.queryset = schools  # type: ignore[attr-defined]
        field.required = not trust_wide
        if not trust_wide:
            field.empty_label = None  # type: ignore[attr-defined]
