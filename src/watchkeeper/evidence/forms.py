"""Evidence forms: a still asked for from the player, download requests and their decisions, and the copy
lifecycle (9.5, 11.6, 13.2). Times are typed in UK local time (Europe/London) and stored in UTC."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from watchkeeper.core.forms import Form
from watchkeeper.estate.models import Camera
from watchkeeper.evidence.models import Download, Purpose
from watchkeeper.people.involvement import StaffInvolvedField, offer_cameras_and_staff
from watchkeeper.viewing.forms import LOCAL_TIME, CameraChoiceField, DecisionForm
from watchkeeper.viewing.models import ReasonCategory

__all__ = ["DecisionForm"]


class StillForm(forms.Form):
    """What the player's "Ask for a still" posts when paused: the camera, the segment on screen and the
    offset into it."""

    camera = forms.IntegerField(min_value=1)
    segment = forms.UUIDField()
    offset = forms.FloatField(min_value=0)


# From the player (issue 15 §4): copies for the school's own use. A subject access copy is asked for from its
# case, with its redaction (10.4); a copy for the police or another outside body from their request under
# Disclosures, which is reviewed and decided there first (11.3, 11.5): the page points there instead.
PLAYER_PURPOSES = [
    (value, label) for value, label in Purpose.choices if value in (Purpose.INTERNAL, Purpose.OTHER)
]


class PlayerPackageForm(Form):
    """The player's "Download a sealed package": which part of the viewed window, and what the copy is for.
    The service checks the window lies within the viewing authorisation's (9.2)."""

    start = forms.DateTimeField(
        label="From", widget=LOCAL_TIME, help_text="UK time; within the viewed window."
    )
    end = forms.DateTimeField(
        label="Until", widget=LOCAL_TIME, help_text="UK time; within the viewed window."
    )
    purpose = forms.ChoiceField(label="What the copy is for", choices=PLAYER_PURPOSES)
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Appendix I: why the recording is downloaded. The Headteacher reads it before deciding.",
    )
    recipient_name = forms.CharField(
        label="Recipient's name",
        required=False,
        max_length=200,
        help_text="Only when the copy is for someone outside the school; otherwise you are the requestor.",
    )
    recipient_organisation = forms.CharField(label="Recipient's organisation", required=False, max_length=200)

    def within(self, start: datetime, end: datetime) -> PlayerPackageForm:
        """The viewed window as both fields' limits: the browser keeps the window inside it, and the window
        presets offer the whole of it instead of "last hour" and "now" (issue 15 §4)."""
        limits = {"min": start, "max": end}
        for name in ("start", "end"):
            attrs = self.fields[name].widget.attrs
            attrs.update({k: timezone.localtime(v).strftime("%Y-%m-%dT%H:%M:%S") for k, v in limits.items()})
        return self


REQUESTOR_CHOICES = [("me", "Me (a member of staff)"), ("external", "Someone outside the school")]


class DownloadRequestForm(Form):
    cameras = CameraChoiceField(queryset=Camera.objects.none(), label="Cameras")
    start = forms.DateTimeField(label="From", widget=LOCAL_TIME, help_text="UK time.")
    end = forms.DateTimeField(label="Until", widget=LOCAL_TIME, help_text="UK time; already past.")
    purpose = forms.ChoiceField(label="What the copy is for", choices=Purpose.choices)
    reason_category = forms.ChoiceField(label="Kind of reason", choices=ReasonCategory.choices)
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Appendix I: why the recording is downloaded. The Headteacher reads it before deciding.",
    )
    requestor = forms.ChoiceField(
        label="Who wants to see the recording",
        choices=REQUESTOR_CHOICES,
        widget=forms.RadioSelect,
        initial="me",
    )
    recipient_name = forms.CharField(label="Recipient's name", required=False, max_length=200)
    recipient_organisation = forms.CharField(
        label="Recipient's organisation", required=False, max_length=200, help_text="e.g. the police force"
    )
    legal_basis = forms.CharField(
        label="Legal basis",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For a disclosure (11.3, 11.5): e.g. DPA 2018 Sch 2 para 2, a court order.",
    )
    case_reference = forms.CharField(
        label="Case reference", required=False, max_length=100, help_text="e.g. a crime reference or SAR-12"
    )
    only_requester_appears = forms.BooleanField(
        label="Only the requester appears in this footage",
        required=False,
        help_text="10.4.1: otherwise a subject access copy needs an approved redaction.",
    )
    staff_involved = StaffInvolvedField()

    def __init__(self, *args: Any, cameras: QuerySet[Camera], **kwargs: Any):
        super().__init__(*args, **kwargs)
        offer_cameras_and_staff(self, cameras)


class CodeForm(Form):
    code = copy.deepcopy(DecisionForm.base_fields["code"])


class ViewedForm(Form):
    viewed_at = forms.DateTimeField(
        label="Date and time viewed", widget=LOCAL_TIME, help_text="UK time; when the requestor saw the copy."
    )


class HandOverForm(Form):
    """A copy given over outside the app (issue 13 §3, Appendix I)."""

    name = forms.CharField(label="Received by", max_length=150, help_text="e.g. PC Jane Smith, 4471")
    organisation = forms.CharField(label="Organisation", max_length=140, help_text="e.g. the police force")
    at = forms.DateTimeField(
        label="Date and time handed over",
        widget=LOCAL_TIME,
        help_text="UK time; e.g. when the USB stick was given.",
    )


class ExtendForm(Form):
    asked_by = forms.CharField(
        label="Asked for by",
        max_length=300,
        help_text="13.2: who asked for it to be kept longer, e.g. the officer, collar number and force.",
    )
    new_date = forms.DateField(
        label="Keep until", widget=forms.DateInput(attrs={"type": "date"}), help_text="13.2: a later date."
    )
    reason = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="e.g. the police request and its reference",
    )


class HoldReleaseForm(Form):
    """The CCTV administrator's release of held footage for one request or redaction (9.6)."""

    reason = forms.CharField(
        label="Why this held footage may be used",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="9.6: recorded in the audit log and in the package's manifest.",
    )


class CopyChoiceField(forms.ModelMultipleChoiceField):
    """Each copy listed in full beside its own box: ticking it is confirming it (issue 15 §4)."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        kept = f"kept until {obj.expires_on:%d/%m/%Y}" if obj.expires_on else "no keep-until date"
        return f"{obj.package_file} — {obj.school.name}, {obj.request}, {kept}"


class CopiesTogetherForm(Form):
    """Several copies' deletion with one fresh code (Appendix I, issue 15 §4)."""

    copies = CopyChoiceField(
        queryset=Download.objects.none(),
        label="Copies",
        help_text="Tick each copy this decision covers; each is recorded in the audit log on its own.",
    )
    code = copy.deepcopy(DecisionForm.base_fields["code"])

    def __init__(self, *args: Any, copies: QuerySet[Download], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["copies"].queryset = copies  # type: ignore[attr-defined]


class ExtendTogetherForm(CopiesTogetherForm):
    """Several copies kept longer (13.2) with one fresh code, for the same asker and reason."""

    asked_by = copy.deepcopy(ExtendForm.base_fields["asked_by"])
    new_date = copy.deepcopy(ExtendForm.base_fields["new_date"])
    reason = copy.deepcopy(ExtendForm.base_fields["reason"])
    field_order = ["copies", "asked_by", "new_date", "reason", "code"]


FOUND_OUT = "UK time; the DPO's 72 hours run from it."


class LostForm(Form):
    """A copy reported lost (15.1): opens a breach draft for the DPO."""

    lost_noticed_at = forms.DateTimeField(
        label="When did you find out?", widget=LOCAL_TIME, help_text=FOUND_OUT
    )
    lost_account = forms.CharField(
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="e.g. the USB stick with the copy was left on the bus; who had it last and where.",
    )


class PasswordSentForm(Form):
    """A package's password reported sent with its file (11.6): opens a breach draft for the DPO."""

    password_noticed_at = forms.DateTimeField(
        label="When did you find out?", widget=LOCAL_TIME, help_text=FOUND_OUT
    )
    password_account = forms.CharField(
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="e.g. the password was written on the stick, or sent in the same e-mail as the file.",
    )
