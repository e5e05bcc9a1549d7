"""The manual maintenance check form (12.1). Choices come from querysets the view has restricted."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from watchkeeper.core.forms import Form, offer_schools
from watchkeeper.estate.models import Camera, School
from watchkeeper.health.models import MANUAL_CHECKS, CheckResult

LOCAL_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CheckForm(Form):
    school = forms.ModelChoiceField(queryset=School.objects.none())
    camera = forms.ModelChoiceField(
        queryset=Camera.objects.none(),
        required=False,
        empty_label="— the school as a whole —",
        help_text="Leave empty for a check of the whole school, such as its signs.",
    )
    check_type = forms.ChoiceField(label="Check", choices=[(c.value, c.label) for c in MANUAL_CHECKS])
    result = forms.ChoiceField(choices=CheckResult.choices, widget=forms.RadioSelect, initial=CheckResult.OK)
    notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="Required when you found a fault."
    )
    at = forms.DateTimeField(label="Checked at", widget=LOCAL_DATETIME, help_text="UK time.")

    def __init__(self, *args: Any, schools: QuerySet[School], cameras: QuerySet[Camera], **kwargs: Any):
        super().__init__(*args, **kwargs)
        offer_schools(self, schools)
        self.fields["camera"].queryset = cameras  # type: ignore[attr-defined]
        self.fields["camera"].label_from_instance = lambda c: f"{c.name} — {c.school.name}"  # type: ignore[attr-defined]
        self.initial.setdefault("at", timezone.localtime().replace(second=0, microsecond=0))


class ScheduleForm(Form):
    """How often a manual check is due (12.1), for the school as a whole or one camera."""

    school = forms.ModelChoiceField(queryset=School.objects.none())
    camera = forms.ModelChoiceField(
        queryset=Camera.objects.none(), required=False, empty_label="— the school as a whole —"
    )
    check_type = forms.ChoiceField(label="Check", choices=[(c.value, c.label) for c in MANUAL_CHECKS])
    every_days = forms.IntegerField(label="Due every (days)", min_value=1, max_value=400, initial=30)

    def __init__(self, *args: Any, schools: QuerySet[School], cameras: QuerySet[Camera], **kwargs: Any):
        super().__init__(*args, **kwargs)
        offer_schools(self, schools)
        self.fields["camera"].queryset = cameras  # type: ignore[attr-defined]
        self.fields["camera"].label_from_instance = lambda c: f"{c.name} — {c.school.name}"  # type: ignore[attr-defined]
