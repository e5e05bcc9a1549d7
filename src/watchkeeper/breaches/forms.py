"""Forms for the breach register (15.1; UK GDPR Art 33, 34). Times are typed in UK local time."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from watchkeeper.breaches.models import (
    Category,
    ICODecision,
    IndividualsDecision,
    Kind,
    Likelihood,
    Party,
    Recipients,
    Severity,
)
from watchkeeper.breaches.services.reporting import STAFF_KINDS
from watchkeeper.core.forms import Form, offer_schools
from watchkeeper.estate.models import Camera, School
from watchkeeper.evidence.models import Download

LOCAL_TIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 3})


def _time(label: str, help_text: str = "UK time.", required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, widget=LOCAL_TIME, help_text=help_text, required=required)


class CameraField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} — {obj.school.name}"


class PackageField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        # Only a number and a date: the reporter may not see the CCTV log itself (evidence.log).
        return f"Package or copy #{obj.pk} of {obj.downloaded_at:%d/%m/%Y} — {obj.school.name}"


class ReportForm(Form):
    school = forms.ModelChoiceField(queryset=School.objects.none(), label="School")
    kind = forms.ChoiceField(
        label="What kind",
        choices=[(Kind.REPORTED, "Something else, or not sure"), *[(k, k.label) for k in STAFF_KINDS[1:]]],
        initial=Kind.REPORTED,
    )
    what_happened = forms.CharField(label="What happened", widget=forms.Textarea(attrs={"rows": 4}))
    happened_at = _time("When it happened", "UK time. Leave empty if nobody knows yet.", required=False)
    aware_at = _time(
        "When anyone in the trust first became aware",
        "UK time: now, unless someone knew earlier. The 72-hour clock runs from this moment: the school's "
        "awareness is the trust's.",
    )
    cameras = CameraField(queryset=Camera.objects.none(), label="Cameras involved", required=False)
    downloads = PackageField(
        queryset=Download.objects.none(), label="Packages or copies involved", required=False
    )
    involved = forms.CharField(
        label="Footage, packages or copies involved",
        widget=TEXT,
        required=False,
        help_text="Anything else: which recordings, a USB stick, an e-mail, its reference.",
    )
    people_affected = forms.IntegerField(label="People affected (roughly)", min_value=0, required=False)
    records_affected = forms.IntegerField(
        label="Records affected (roughly)",
        min_value=0,
        required=False,
        help_text="Recordings, stills, files.",
    )
    categories = forms.MultipleChoiceField(
        label="Categories of data",
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    children_images = forms.BooleanField(label="Images of children are involved", required=False)

    def __init__(self, *args: Any, schools: QuerySet[School], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_schools(self, schools)
        self.fields["cameras"].queryset = Camera.objects.filter(school__in=schools).select_related("school")  # type: ignore[attr-defined]
        self.fields["downloads"].queryset = Download.objects.filter(  # type: ignore[attr-defined]
            school__in=schools, kind="package"
        ).select_related("school")


class AwareForm(Form):
    aware_at = _time("When the trust first became aware")
    reason = forms.CharField(label="Why it changes", widget=TEXT)


class AssessForm(Form):
    likelihood = forms.ChoiceField(
        label="Likelihood of harm to the people affected", choices=Likelihood.choices
    )
    severity = forms.ChoiceField(label="Severity of that harm", choices=Severity.choices)
    notes = forms.CharField(label="What the assessment rests on", widget=TEXT)


class ICODecisionForm(Form):
    decision = forms.ChoiceField(label="Decision", choices=ICODecision.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(
        label="Reasons",
        widget=TEXT,
        required=False,
        help_text="Required when the ICO is not told (Art 33(5): every breach is documented).",
    )


class ICOPhaseForm(Form):
    sent_at = _time("Sent to the ICO at")
    nature = forms.CharField(
        label="Nature of the breach",
        widget=TEXT,
        help_text="Art 33(3)(a): what happened, the categories and rough numbers of people and records.",
    )
    dpo_contact = forms.CharField(label="The DPO's name and contact details (Art 33(3)(b))", widget=TEXT)
    consequences = forms.CharField(
        label="Likely consequences (Art 33(3)(c))",
        widget=TEXT,
        required=False,
        help_text="May follow later (Art 33(4)).",
    )
    measures = forms.CharField(
        label="Measures taken or proposed (Art 33(3)(d))",
        widget=TEXT,
        required=False,
        help_text="May follow later (Art 33(4)).",
    )
    late_reasons = forms.CharField(
        label="Reasons for the delay",
        widget=TEXT,
        required=False,
        help_text="Required when sent after 72 hours.",
    )
    ico_reference = forms.CharField(label="ICO reference", max_length=100, required=False)


class IndividualsForm(Form):
    decision = forms.ChoiceField(
        label="Decision", choices=IndividualsDecision.choices, widget=forms.RadioSelect
    )
    recipients = forms.ChoiceField(
        label="Who is told", choices=[("", "—"), *Recipients.choices], required=False
    )
    notice = forms.CharField(
        label="What they are told, in plain language",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="What happened, the DPO's contact details, the likely consequences, what is being done.",
    )
    safeguarding_checked = forms.BooleanField(
        label="The safeguarding check was done before parents or carers are told", required=False
    )
    reasons = forms.CharField(label="Why the exception applies", widget=TEXT, required=False)


class OtherForm(Form):
    party = forms.ChoiceField(label="Who was told", choices=Party.choices)
    notified_at = _time("When")
    reference = forms.CharField(label="Their reference", max_length=200, required=False)
    notes = forms.CharField(label="Notes", widget=TEXT, required=False)
