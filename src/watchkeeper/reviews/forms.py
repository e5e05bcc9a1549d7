"""Forms of the reviews pages (18.1, 3.1, 3.3)."""

from __future__ import annotations

from django import forms

from watchkeeper.core.forms import Form
from watchkeeper.reviews.models import GRACE_DAYS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VersionForm(Form):
    version = forms.CharField(max_length=40, help_text="As the document numbers it, e.g. “4” or “2.1”.")
    document = forms.FileField(help_text="The policy as approved: PDF or Word document.")
    effective_on = forms.DateField(label="In force from", widget=DATE)
    grace_days = forms.IntegerField(
        label="Days staff have to acknowledge it",
        initial=GRACE_DAYS,
        min_value=7,
        max_value=90,
        help_text="After these days, staff who have not acknowledged it may not handle footage (3.3).",
    )
    summary = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="What changed, in plain words."
    )


class TriggerForm(Form):
    reason = forms.CharField(
        label="What changed",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The legislation or guidance.",
    )
    review_by = forms.DateField(label="Review the policy by", widget=DATE)


class CameraReviewForm(Form):
    still_necessary = forms.TypedChoiceField(
        label="Is the camera still necessary for its purposes?",
        choices=[
            ("yes", "Yes, still necessary"),
            (
                "no",
                "No: decommission it now — recording stops, and the CCTV administrator erases its "
                "recordings before disposal (13.1)",
            ),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="Why, in a sentence or two.")
