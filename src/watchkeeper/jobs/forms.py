"""The Jobs page's filter: school, job name and status."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from watchkeeper.core.actors import Actor
from watchkeeper.core.permissions import restrict
from watchkeeper.estate.models import School
from watchkeeper.jobs.models import JobRecord, JobStatus


class JobFilterForm(forms.Form):
    school = forms.ModelChoiceField(queryset=School.objects.none(), required=False, empty_label="All")
    name = forms.CharField(required=False, max_length=100, label="Job")
    status = forms.ChoiceField(choices=[("", "Any"), *JobStatus.choices], required=False)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = restrict(School.objects.all(), actor, "jobs.view")  # type: ignore[attr-defined]

    def apply(self, jobs: QuerySet[JobRecord]) -> QuerySet[JobRecord]:
        """The jobs matching every filter that was filled in (each field filters on the column it names)."""
        chosen = {field: value for field, value in self.cleaned_data.items() if value}
        return jobs.filter(**chosen)
