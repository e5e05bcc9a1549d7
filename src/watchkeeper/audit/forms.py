"""The audit log's filter (16): school, person, action and local (Europe/London) dates."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.actors import Actor
from watchkeeper.core.permissions import restrict
from watchkeeper.estate.models import School

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def local_midnight(day: date) -> datetime:
    """The start of a local day as an aware datetime (TIME_ZONE is Europe/London, so BST is honoured)."""
    return timezone.make_aware(datetime.combine(day, time.min))


class AuditFilterForm(forms.Form):
    school = forms.ModelChoiceField(queryset=School.objects.none(), required=False, empty_label="All")
    person = forms.CharField(required=False, max_length=150, help_text="User name contains")
    action = forms.CharField(required=False, max_length=80, help_text="Action contains")
    date_from = forms.DateField(required=False, widget=DATE, label="From")
    date_to = forms.DateField(required=False, widget=DATE, label="To")

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = restrict(School.objects.all(), actor, "audit.view")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise forms.ValidationError("The ‘to’ date is before the ‘from’ date.")
        return data

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        data = self.cleaned_data
        if data.get("school"):
            events = events.filter(school=data["school"])
        if data.get("person"):
            events = events.filter(actor_name__icontains=data["person"])
        if data.get("action"):
            events = events.filter(action__icontains=data["action"])
        if data.get("date_from"):
            events = events.filter(at__gte=local_midnight(data["date_from"]))
        if data.get("date_to"):
            events = events.filter(at__lt=local_midnight(data["date_to"] + timedelta(days=1)))
        return events

    def describe(self) -> dict[str, Any]:
        """The filter as recorded with an export."""
        data = self.cleaned_data if self.is_bound else {}
        school = data.get("school")
        return {
            "school": school.pk if school else None,
            "person": data.get("person", ""),
            "action": data.get("action", ""),
            "date_from": data["date_from"].isoformat() if data.get("date_from") else None,
            "date_to": data["date_to"].isoformat() if data.get("date_to") else None,
        }
