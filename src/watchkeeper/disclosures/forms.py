"""Forms for disclosure requests (11.2–11.7). Times are typed in UK local time, as on the viewing forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from watchkeeper.compliance.forms import upload_within_limit
from watchkeeper.core.forms import Form, authenticator_code
from watchkeeper.disclosures.models import (
    DocumentKind,
    FOIDecision,
    Grounds,
    LegalBasis,
    RequesterKind,
    ReviewOutcome,
)
from watchkeeper.estate.models import Camera, Purpose, School
from watchkeeper.viewing.forms import LOCAL_TIME, CameraChoiceField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NO_PURPOSE = "none"
PURPOSE_CHOICES = [*Purpose.choices, (NO_PURPOSE, "None of these applies")]


class _SchoolForm(Form):
    school = forms.ModelChoiceField(queryset=School.objects.none(), label="School")

    def __init__(
        self, *args: Any, schools: QuerySet[School], cameras: QuerySet[Camera] | None = None, **kw: Any
    ):
        super().__init__(*args, **kw)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]
        if len(schools) == 1 and not self.initial.get("school"):
            self.initial["school"] = schools[0]
        if cameras is not None and "cameras" in self.fields:
            self.fields["cameras"].queryset = cameras  # type: ignore[attr-defined]


class _FootageFields(_SchoolForm):
    cameras = CameraChoiceField(queryset=Camera.objects.none(), label="Cameras")
    start = forms.DateTimeField(label="Footage from", widget=LOCAL_TIME, help_text="UK time.")
    end = forms.DateTimeField(label="Until", widget=LOCAL_TIME, help_text="UK time.")
    sought = forms.CharField(label="What is sought", widget=forms.Textarea(attrs={"rows": 3}))
    received_on = forms.DateField(label="Received on", widget=DATE, initial=timezone.localdate)


class PoliceRequestForm(_FootageFields):
    field_order = ["school", "officer_name", "collar_number", "force", "crime_reference", "contact"]
    officer_name = forms.CharField(label="Officer's name", max_length=200)
    collar_number = forms.CharField(label="Collar number", max_length=32)
    force = forms.CharField(label="Force", max_length=200)
    crime_reference = forms.CharField(label="Crime or incident reference", max_length=100)
    contact = forms.CharField(label="Contact (email or telephone)", max_length=200, required=False)
    reason = forms.CharField(label="Why the police want it", widget=forms.Textarea(attrs={"rows": 3}))
    purpose = forms.ChoiceField(
        label="Purpose of the CCTV it serves (4.1)",
        choices=PURPOSE_CHOICES,
        help_text="11.2: footage goes to the police only in line with a purpose the CCTV exists for.",
    )
    keep_longer = forms.BooleanField(
        label="The police ask for the copy to be kept longer than six months (13.2)", required=False
    )
    keep_until = forms.DateField(
        label="Keep the copy to (date)", required=False, widget=DATE, help_text="The date the police ask for."
    )
    keep_longer_reason = forms.CharField(
        label="Why", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class OutsideRequestForm(_FootageFields):
    field_order = ["school", "kind", "requester_name", "organisation", "reference", "contact"]
    kind = forms.ChoiceField(
        label="Who is asking", choices=[c for c in RequesterKind.choices if c[0] != RequesterKind.POLICE]
    )
    requester_name = forms.CharField(label="Name", max_length=200)
    organisation = forms.CharField(label="Organisation", max_length=200)
    reference = forms.CharField(label="Their reference", max_length=100, required=False)
    contact = forms.CharField(label="Contact (email or telephone)", max_length=200, required=False)
    reason = forms.CharField(label="Why they want it", widget=forms.Textarea(attrs={"rows": 3}))
    grounds = forms.ChoiceField(label="Grounds given (11.5)", choices=Grounds.choices)
    legal_basis = forms.ChoiceField(
        label="Legal basis", choices=[c for c in LegalBasis.choices if c[0] != LegalBasis.CRIME]
    )


class DocumentForm(Form):
    kind = forms.ChoiceField(label="Kind of document", choices=DocumentKind.choices)
    file = forms.FileField(label="File", help_text="PDF, JPEG or PNG.")

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = f"PDF, JPEG or PNG, at most {filesizeformat(settings.MAX_UPLOAD_BYTES)}."

    def clean_file(self) -> Any:
        return upload_within_limit(self.cleaned_data.get("file"))


class DecisionForm(Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("refuse", "Refuse")])
    confirmed_purpose = forms.ChoiceField(
        label="Purpose of the CCTV the disclosure serves (4.1)", choices=PURPOSE_CHOICES, required=False
    )
    reason = forms.CharField(label="Reason for the decision", widget=forms.Textarea(attrs={"rows": 3}))
    # Asked only where the review found the footage does not show what was sought (the page skips it else).
    override = forms.CharField(
        label="Approve all the same: why (override of the review, 11.3)",
        help_text="The reviewer found the footage does not show what was sought. An approval overrides that "
        "finding: say why the footage should still be disclosed. It is recorded with the decision.",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    code = authenticator_code(
        help_text="A fresh code from your authenticator app: each decision needs its own.",
    )


class FindingForm(Form):
    """What the reviewer found (11.3, 10.2), for the Headteacher's decision."""

    outcome = forms.ChoiceField(label="What the review found", choices=ReviewOutcome.choices)
    finding = forms.CharField(
        label="What the footage shows",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="A few words for the Headteacher: who or what is seen, when (or why it is not there).",
    )


class EscalateForm(Form):
    note = forms.CharField(
        label="Your concern (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AdviceForm(Form):
    advice = forms.CharField(label="Advice to the Headteacher", widget=forms.Textarea(attrs={"rows": 3}))


class FOIRequestForm(_FootageFields):
    field_order = ["school", "requester_name", "contact", "received_on", "sought", "cameras", "start", "end"]
    requester_name = forms.CharField(label="Requester", max_length=200)
    contact = forms.CharField(label="Address for the reply (email or postal)", max_length=200)
    sought = forms.CharField(label="Information asked for", widget=forms.Textarea(attrs={"rows": 3}))


class FOIDecisionForm(Form):
    decision = forms.ChoiceField(label="Decision", choices=FOIDecision.choices)
    reason = forms.CharField(
        label="Reason (what was released, or why it was withheld)", widget=forms.Textarea(attrs={"rows": 3})
    )


class ClosureForm(_SchoolForm):
    first_day = forms.DateField(label="First day closed", widget=DATE)
    last_day = forms.DateField(label="Last day closed", widget=DATE)
    description = forms.CharField(label="What", max_length=200, help_text="E.g. Summer holiday, INSET day.")
