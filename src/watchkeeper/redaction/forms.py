"""Forms of the redaction review (10.4.1). Times are typed in UK local time, as on the viewing forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from watchkeeper.core.forms import Form
from watchkeeper.estate.models import Camera
from watchkeeper.redaction.models import Mode
from watchkeeper.viewing.forms import LOCAL_TIME


class StartForm(Form):
    camera = forms.ModelChoiceField(queryset=Camera.objects.none(), label="Camera", empty_label=None)
    start = forms.DateTimeField(
        label="From", widget=LOCAL_TIME, help_text="UK time, inside the authorised window."
    )
    end = forms.DateTimeField(
        label="Until",
        widget=LOCAL_TIME,
        help_text="UK time. Only whole recording files inside are used (about 10 seconds each).",
    )

    release_reason = forms.CharField(
        label="Release of held footage (CCTV administrator only)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="9.6: only if this footage is held as evidence — why you release it for this redaction. "
        "Recorded in the audit log and in any package made from it.",
    )

    def __init__(self, *args: Any, cameras: QuerySet[Camera], may_release: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["camera"].queryset = cameras  # type: ignore[attr-defined]
        if not may_release:  # held footage is the CCTV administrator's alone (9.6)
            del self.fields["release_reason"]


class KeepForm(Form):
    track = forms.IntegerField(min_value=1)
    keep = forms.BooleanField(required=False)


class GroupKeepForm(Form):
    """Keep visible, or hide, a whole review group at once (issue 16 §1)."""

    group = forms.ChoiceField(choices=[("faces", "Faces"), ("people", "People"), ("other", "Other motion")])
    keep = forms.BooleanField(required=False)


class ApproveForm(Form):
    """How much of the preview the reviewer played (review.js measures it) and, if not all of it, their
    confirmation that they approve anyway (issue 16 §1, 10.4.1)."""

    watched = forms.FloatField(min_value=0, max_value=1, required=False)
    confirm_unwatched = forms.BooleanField(required=False)


class ModeForm(Form):
    mode = forms.ChoiceField(label="How to hide others", choices=Mode.choices)


class ManualForm(Form):
    op = forms.ChoiceField(choices=[("add", "Add"), ("extend", "Extend"), ("delete", "Delete")])
    track = forms.IntegerField(min_value=1, required=False)
    frame = forms.IntegerField(min_value=0, required=False)
    x = forms.FloatField(required=False)
    y = forms.FloatField(required=False)
    w = forms.FloatField(required=False)
    h = forms.FloatField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        op = data.get("op")
        if op in ("extend", "delete") and data.get("track") is None:
            raise forms.ValidationError("Choose a manual box.")
        if op in ("add", "extend") and any(data.get(k) is None for k in ("frame", "x", "y", "w", "h")):
            raise forms.ValidationError("Draw a box on the picture first.")
        return data
