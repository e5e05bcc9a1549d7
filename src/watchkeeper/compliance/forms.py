"""Forms for the DPIA register (7.1–7.3, 11.6, 18.1) and the sign register (6.1).

Choice lists are built by the views from querysets already passed through core.permissions.restrict; the
services make the policy decisions (cameras of another school, a minibus sign without a minibus, …).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from watchkeeper.compliance import trust
from watchkeeper.compliance.models import DPIA, SignPlacement, TrustSettings
from watchkeeper.core.filetypes import upload_problem
from watchkeeper.core.forms import offer_schools
from watchkeeper.estate.models import Camera, School, Vehicle

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CameraChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} — {obj.school.name} ({obj.get_status_display().lower()})"


def upload_within_limit(upload: UploadedFile | None) -> UploadedFile | None:
    """Refuse uploads over settings.MAX_UPLOAD_BYTES (read at call time, so deployments can change it)."""
    limit = settings.MAX_UPLOAD_BYTES
    if upload is not None and (upload.size or 0) > limit:
        size = filesizeformat(upload.size or 0)
        raise forms.ValidationError(
            f"“{upload.name}” is {size}: files may be at most {filesizeformat(limit)}."
        )
    return upload


def upload_of_kind(upload: UploadedFile | None, *, pictures_only: bool = False) -> UploadedFile | None:
    """Within the limit, and by its content (not its name) a kind the register keeps (core.filetypes)."""
    upload = upload_within_limit(upload)
    if upload is not None:
        data = b"".join(upload.chunks())
        problem = upload_problem(
            upload.name or "file", data, settings.MAX_UPLOAD_BYTES, pictures_only=pictures_only
        )
        if problem:
            raise forms.ValidationError(problem[:1].upper() + problem[1:] + ".")
    return upload


class DPIAForm(forms.Form):
    school = forms.ModelChoiceField(queryset=School.objects.none())
    title = forms.CharField(label="Title", max_length=200)
    retrospective = forms.BooleanField(
        label="Retrospective DPIA",
        required=False,
        help_text="For cameras installed before DPIAs were required: a legacy camera records only under "
        "an approved retrospective DPIA (7.3).",
    )
    summary = forms.CharField(
        label="How information will be shared",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="11.6: document how recordings may be shared (seen in school; encrypted device; "
        "password sent separately).",
    )
    cameras = CameraChoiceField(queryset=Camera.objects.none(), required=False, label="Cameras covered")

    def __init__(self, *args: Any, schools: QuerySet[School], cameras: QuerySet[Camera], **kwargs: Any):
        super().__init__(*args, **kwargs)
        offer_schools(self, schools)
        self.fields["cameras"].queryset = cameras  # type: ignore[attr-defined]


class DPIACamerasForm(forms.Form):
    cameras = CameraChoiceField(queryset=Camera.objects.none(), required=False, label="Cameras covered")

    def __init__(self, *args: Any, cameras: QuerySet[Camera], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["cameras"].queryset = cameras  # type: ignore[attr-defined]


class SupersedeForm(forms.Form):
    replacement = forms.ModelChoiceField(
        queryset=DPIA.objects.none(),
        label="Replaced by",
        help_text="Another approved DPIA of the same school.",
    )

    def __init__(self, *args: Any, replacements: QuerySet[DPIA], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["replacement"].queryset = replacements  # type: ignore[attr-defined]


class DocumentForm(forms.Form):
    file = forms.FileField(label="Document")

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        limit = filesizeformat(settings.MAX_UPLOAD_BYTES)
        self.fields["file"].help_text = f"A PDF, an office document or a picture, at most {limit}."

    def clean_file(self) -> UploadedFile | None:
        return upload_of_kind(self.cleaned_data.get("file"))


class SignForm(forms.Form):
    school = forms.ModelChoiceField(queryset=School.objects.none())
    vehicle = forms.ModelChoiceField(
        queryset=Vehicle.objects.none(),
        required=False,
        label="Minibus",
        help_text="Required when the sign is inside a minibus (6.1); leave empty for a site sign.",
    )
    placement = forms.ChoiceField(choices=SignPlacement.choices)
    location_description = forms.CharField(label="Location", max_length=300)
    last_checked_on = forms.DateField(label="Last checked", required=False, widget=DATE)

    def __init__(self, *args: Any, schools: QuerySet[School], vehicles: QuerySet[Vehicle], **kwargs: Any):
        super().__init__(*args, **kwargs)
        offer_schools(self, schools)
        self.fields["vehicle"].queryset = vehicles  # type: ignore[attr-defined]


class SignCheckForm(forms.Form):
    checked_on = forms.DateField(label="Checked on", widget=DATE, initial=timezone.localdate)
    photo = forms.FileField(label="Photo", required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        limit = filesizeformat(settings.MAX_UPLOAD_BYTES)
        self.fields[
            "photo"
        ].help_text = f"Optional: a photo of the sign in place (a picture), at most {limit}."

    def clean_photo(self) -> UploadedFile | None:
        return upload_of_kind(self.cleaned_data.get("photo"), pictures_only=True)


class DPIASharingForm(forms.Form):
    summary = forms.CharField(
        label="How information will be shared",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="11.6: required before the DPO approves the DPIA. For example: seen in school (the "
        "Trust's preference); otherwise an encrypted device or a password-protected file, the password "
        "sent separately.",
    )


class TrustSettingsForm(forms.ModelForm):
    """The DPO's settings page. The file is handed to the service apart from the other fields."""

    policy_upload = forms.FileField(label="Upload the appropriate policy document", required=False)
    policy_link = forms.URLField(
        label="Link to the appropriate policy document",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="DPA 2018 Schedule 1 Part 4: where the trust keeps the document (a link, an upload "
        "below, or both).",
    )

    class Meta:
        model = TrustSettings
        fields = list(trust.FIELDS)  # what the settings service accepts, in the same order
        labels = {
            "art9_condition": "Special-category information (UK GDPR Art 9) — the condition relied on",
            "art10_condition": "Criminal-offence information (UK GDPR Art 10) — the condition relied on",
            "policy_approved_on": "Appropriate policy document approved on",
            "policy_review_by": "Appropriate policy document to be reviewed by",
            "overdue_reviews": "When a DPIA review or a yearly sign check is overdue",
            "clock_drift_alert_seconds": "Alert when a clock is out by more than (seconds)",
            "escalate_after_working_days": "A request nobody decides goes to the DPO after (working days)",
        }
        help_texts = {
            "art9_condition": "When footage is used for safeguarding or crime (9.4) it may show health or "
            "other special-category information.",
            "art10_condition": "Footage used for crime (9.4, 11.3) is information about criminal offences.",
            "overdue_reviews": "A camera without an approved DPIA never starts (7.1), whatever is chosen "
            "here.",
            "clock_drift_alert_seconds": "9.3: a camera's clock against the server's, or the server's clock "
            "against its time source. The CCTV administrator gets the alert. Usually 2.",
            "escalate_after_working_days": "9.2, 11.3, Appendix I: a request to view or download footage, "
            "or a police, outside-body or FOI request, that no Headteacher or nominated alternate has "
            "decided in this many working days can be decided by the DPO. Usually 3.",
        }
        widgets = {
            "policy_approved_on": DATE,
            "policy_review_by": DATE,
            "overdue_reviews": forms.RadioSelect,
        }

    # The upload beside the link it stands with, not after the unrelated settings.
    field_order = ["art9_condition", "art10_condition", "policy_link", "policy_upload"]

    def clean_policy_upload(self) -> UploadedFile | None:
        return upload_within_limit(self.cleaned_data.get("policy_upload"))


class PrivacyNoticeForm(forms.Form):
    text = forms.CharField(
        label="Text of the notice",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Or upload the notice as a document below.",
    )
    document = forms.FileField(label="Notice as a document", required=False)
    published_where = forms.CharField(
        label="Where it is published",
        max_length=300,
        help_text="For example: the school website's privacy page and the reception noticeboard.",
    )
    reviewed_on = forms.DateField(label="Last reviewed on", widget=DATE, initial=timezone.localdate)

    def clean_document(self) -> UploadedFile | None:
        return upload_within_limit(self.cleaned_data.get("document"))
