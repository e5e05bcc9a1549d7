"""Forms of the hold pages (9.6, 13.1). Choices come from querysets the views have restricted; the services
make the policy decisions (cameras of another school, an end before the start, a review date today …).

Times are typed as UK local times (Europe/London, the installation's TIME_ZONE) and stored in UTC. A time
that does not exist (the hour skipped in March) or happens twice (the hour repeated in October) is
refused by the field rather than guessed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from watchkeeper.core.forms import Form, authenticator_code, offer_schools
from watchkeeper.estate.models import Camera, School
from watchkeeper.recording.models import Hold

LOCAL_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local", "step": 1}, format="%Y-%m-%dT%H:%M:%S")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class HoldCameraField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} — {obj.school.name} ({obj.get_status_display().lower()})"


class HoldForm(Form):
    school = forms.ModelChoiceField(queryset=School.objects.none())
    cameras = HoldCameraField(queryset=Camera.objects.none(), required=False, label="Cameras")
    start = forms.DateTimeField(label="From", widget=LOCAL_DATETIME, help_text="UK time.")
    end = forms.DateTimeField(label="Until", widget=LOCAL_DATETIME, help_text="UK time.")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="9.6: why this footage must be kept as evidence (an incident number, a police request …).",
    )
    review_on = forms.DateField(
        label="Review by", widget=DATE, help_text="13.1: footage is kept no longer than needed."
    )

    def __init__(self, *args: Any, schools: QuerySet[School], cameras: QuerySet[Camera], **kwargs: Any):
        super().__init__(*args, **kwargs)
        offer_schools(self, schools)
        self.fields["cameras"].queryset = cameras  # type: ignore[attr-defined]


class ReviewForm(Form):
    note = forms.CharField(
        label="Review note",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why the footage is still needed.",
    )
    next_review_on = forms.DateField(label="Next review by", widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("next_review_on", timezone.localdate() + timedelta(days=30))


class ReleaseForm(Form):
    reason = forms.CharField(
        label="Reason for release",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Once released, footage past its retention is erased at the next sweep (13.1).",
    )


class DvrUploadForm(Form):
    """A minibus DVR file to upload (5.2, issue 16 §3): the file itself goes in pieces from the page's script;
    this form carries what the import needs, as `watchkeeper import-dvr` asks for it."""

    camera = forms.ModelChoiceField(queryset=Camera.objects.none(), label="Minibus camera", empty_label=None)
    clock_offset_ms = forms.IntegerField(
        label="DVR clock offset (milliseconds)",
        initial=0,
        help_text="The DVR's clock minus the true time, from its clock check (9.3); positive: it runs fast.",
    )
    start = forms.DateTimeField(
        label="File starts at (on the DVR's clock)",
        required=False,
        widget=LOCAL_DATETIME,
        help_text="UK time. Leave empty for an MP4 file that carries its own creation time.",
    )
    filename = forms.CharField(max_length=200, widget=forms.HiddenInput, required=False)
    size = forms.IntegerField(min_value=1, widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, cameras: QuerySet[Camera], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["camera"].queryset = cameras  # type: ignore[attr-defined]
        self.fields["camera"].label_from_instance = lambda c: f"{c.name} — {c.vehicle} ({c.school.name})"  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_bound and (not data.get("filename") or not data.get("size")):
            raise forms.ValidationError("Choose the DVR file to upload.")
        return data


class HoldChoiceField(forms.ModelMultipleChoiceField):
    """Each hold listed in full beside its own box: ticking it is confirming it (issue 15 §4)."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        cameras = ", ".join(c.name for c in obj.cameras.all())
        due = f"review by {obj.review_on:%d/%m/%Y}"
        return f"Hold #{obj.pk} — {obj.school.name}, {cameras}: {obj.reason[:80]} ({due})"


class ReviewTogetherForm(ReviewForm):
    """Several holds reviewed at once (9.6, 13.1): the same note and next review date, one fresh code."""

    holds = HoldChoiceField(
        queryset=Hold.objects.none(),
        label="Holds",
        help_text="Tick each hold this review covers; each is recorded in its history on its own.",
    )
    code = authenticator_code(help_text="A fresh code from your authenticator app: one for the holds ticked.")
    field_order = ["holds", "note", "next_review_on", "code"]

    def __init__(self, *args: Any, holds: QuerySet[Hold], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["holds"].queryset = holds  # type: ignore[attr-defined]
