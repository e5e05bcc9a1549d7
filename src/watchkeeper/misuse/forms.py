"""Forms of the misuse pages (16): the handler's outcome, the DPO's settings and a school's hours."""

from __future__ import annotations

from datetime import time
from typing import Any

from django import forms

from watchkeeper.compliance.models import DPIA
from watchkeeper.core.forms import Form
from watchkeeper.misuse.models import Outcome

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class OutcomeForm(Form):
    outcome = forms.ChoiceField(label="Outcome", choices=Outcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Not needed for no concern. Name no pupil; the person's name is on the alert already.",
    )


class SettingsForm(Form):
    spike_factor = forms.FloatField(
        label="Rule (b): times a person's usual week (k)", min_value=1, max_value=20
    )
    spike_floor = forms.IntegerField(label="Rule (b): and more than (views or downloads a week)", min_value=0)
    refusals_per_day = forms.IntegerField(label="Rule (c): refusals in a day (r)", min_value=2)
    unviewed_days = forms.IntegerField(label="Rule (e): days a download may stay unviewed (d)", min_value=1)
    fetch_addresses = forms.IntegerField(
        label="Rule (f): addresses one copy is fetched from (a)", min_value=2
    )
    no_concern_keep_days = forms.IntegerField(
        label="Delete alerts closed as no concern after (days)", min_value=1, max_value=3650
    )
    staff_notice_link = forms.URLField(
        label="Staff privacy notice (link)", required=False, assume_scheme="https"
    )
    staff_notice_on = forms.DateField(
        label="Staff privacy notice issued on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    monitoring_dpia = forms.ModelChoiceField(
        label="DPIA covering the monitoring of staff", queryset=DPIA.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["monitoring_dpia"]
        field.queryset = DPIA.objects.select_related("school").order_by("school__name", "title")  # type: ignore[attr-defined]


class HoursForm(Form):
    """Opening and closing time of each weekday; a day left empty is closed."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for number, name in enumerate(DAYS):
            self.fields[f"opens_{number}"] = forms.TimeField(
                label=f"{name} opens", widget=TIME, required=False
            )
            self.fields[f"closes_{number}"] = forms.TimeField(
                label=f"{name} closes", widget=TIME, required=False
            )

    def days(self) -> dict[int, tuple[time, time]]:
        data = self.cleaned_data
        found = {}
        for number in range(len(DAYS)):
            opens, closes = data.get(f"opens_{number}"), data.get(f"closes_{number}")
            if opens is not None and closes is not None:
                found[number] = (opens, closes)
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for number, name in enumerate(DAYS):
            if (data.get(f"opens_{number}") is None) != (data.get(f"closes_{number}") is None):
                self.add_error(None, f"{name}: give both times, or neither for a closed day")
        return data
