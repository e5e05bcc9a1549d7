"""Forms for complaints (17.1; DPA 2018 s164A). Times are UK local time, as on the other footage forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from watchkeeper.complaints.models import Channel, Complainant, Outcome, StepKind, Subject
from watchkeeper.core.forms import Form, offer_schools
from watchkeeper.estate.models import Camera, School
from watchkeeper.subjectaccess.models import SubjectAccessRequest
from watchkeeper.viewing.forms import LOCAL_TIME, CameraChoiceField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(label: str, help_text: str = "", rows: int = 3, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label, help_text=help_text, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


def _day(label: str, help_text: str = "") -> forms.DateField:
    # Today's date to start with (what is recorded is most often done today; issue 15 §5, an empty date was
    # a step more). Emptied, the service says what is missing (with its clause), in the form.
    return forms.DateField(
        label=label, widget=DATE, help_text=help_text, required=False, initial=timezone.localdate
    )


class ComplaintForm(Form):
    school = forms.ModelChoiceField(queryset=School.objects.none(), label="School")
    received_on = forms.DateField(
        label="Received on", widget=DATE, help_text="The day it reached anyone in the trust."
    )
    channel = forms.ChoiceField(
        label="How it arrived", choices=Channel.choices, help_text="Every way is valid: none is turned away."
    )
    complainant = forms.ChoiceField(
        label="Who complains",
        choices=Complainant.choices,
        help_text="17.1: the public → the Trust's Complaints Policy; an employee → the Grievance Procedure.",
    )
    complainant_name = forms.CharField(label="Complainant's name", max_length=200)
    complainant_contact = _text("Contact for replies", "Postal address, e-mail or telephone.", rows=2)
    subject = forms.ChoiceField(label="About", choices=Subject.choices)
    data_protection = forms.BooleanField(
        label="About how we use their personal information (their images, their request)",
        required=False,
        initial=True,
        help_text="DPA 2018 s164A: receipt must then be acknowledged within 30 days, and the outcome letter "
        "tells them they may complain to the ICO.",
    )
    summary = _text("What the complaint says", rows=4)
    route_reference = forms.CharField(
        label="Reference under that procedure", max_length=100, required=False, help_text="If it has one yet."
    )
    cameras = CameraChoiceField(queryset=Camera.objects.none(), label="Cameras concerned", required=False)
    subject_access = forms.ModelChoiceField(
        queryset=SubjectAccessRequest.objects.none(),
        label="About a subject access request",
        required=False,
        help_text="The request the complaint is about, if any.",
    )
    window_start = forms.DateTimeField(label="Footage from", widget=LOCAL_TIME, required=False)
    window_end = forms.DateTimeField(label="Footage until", widget=LOCAL_TIME, required=False)
    hold = forms.BooleanField(
        label="Keep this footage (hold it until the outcome)",
        required=False,
        help_text="Asked by the complainant or needed to look into it: retention (13.1) will not erase it.",
    )

    def __init__(
        self,
        *args: Any,
        schools: QuerySet[School],
        cameras: QuerySet[Camera],
        requests: QuerySet[SubjectAccessRequest],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        offer_schools(self, schools)
        self.fields["cameras"].queryset = cameras  # type: ignore[attr-defined]
        self.fields["subject_access"].queryset = requests  # type: ignore[attr-defined]


class AcknowledgeForm(Form):
    acknowledged_on = _day("Acknowledged on", "The day the acknowledgement was sent or given.")


class StepForm(Form):
    kind = forms.ChoiceField(label="What", choices=StepKind.choices)
    on = _day("On")
    note = _text("What was asked or said", rows=2)


class RouteForm(Form):
    reference = forms.CharField(label="Reference under the procedure", max_length=100)


class HoldForm(Form):
    cameras = CameraChoiceField(queryset=Camera.objects.none(), label="Cameras")
    window_start = forms.DateTimeField(label="Footage from", widget=LOCAL_TIME, help_text="UK time.")
    window_end = forms.DateTimeField(label="Footage until", widget=LOCAL_TIME, help_text="UK time.")

    def __init__(self, *args: Any, cameras: QuerySet[Camera], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["cameras"].queryset = cameras  # type: ignore[attr-defined]


class OutcomeForm(Form):
    outcome = forms.ChoiceField(label="Outcome", choices=Outcome.choices)
    note = _text("What was found and what will be done", "The outcome letter quotes it.", rows=4)
    told_on = _day("Complainant told on")
