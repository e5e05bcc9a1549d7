"""Forms for subject access cases (10.1–10.4). Times are UK local time, as on the viewing forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from watchkeeper.core.dates import uk_window
from watchkeeper.core.forms import Form, authenticator_code
from watchkeeper.estate.models import Camera, School
from watchkeeper.people.involvement import school_accounts
from watchkeeper.redaction.models import Redaction
from watchkeeper.subjectaccess.models import (
    PARA_16_FACTORS,
    Clip,
    IdentityBasis,
    OtherPersonBasis,
    Provision,
    Relationship,
    RequestKind,
    UnredactedRelease,
)
from watchkeeper.viewing.forms import LOCAL_TIME, CameraChoiceField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
IDENTITY_CHOICES = [("", "Not yet confirmed (the clock has not started)"), *IdentityBasis.choices]


def _text(label: str, help_text: str = "", rows: int = 3, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label, help_text=help_text, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


def _account_label(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


class CaseForm(Form):
    school = forms.ModelChoiceField(queryset=School.objects.none(), label="School")
    # The same choices as the public form (public/forms.py), so a request is the same case however it came.
    kind = forms.ChoiceField(
        label="What the requester asks for",
        choices=RequestKind.choices,
        initial=RequestKind.ACCESS,
        help_text="Erasure, restriction and objection run on the same one-month clock as access (10.1).",
    )
    relationship = forms.ChoiceField(
        label="Who the requester is to the person in the footage",
        choices=Relationship.choices,
        initial=Relationship.SELF,
        help_text="For someone else (a child, usually): the child's competence and views and the designated "
        "safeguarding lead's check come before anything is released (DPA 2018 Sch 3 Part 5).",
    )
    received_on = forms.DateField(
        label="Received on", widget=DATE, help_text="10.1: the day it reached the school."
    )
    requester_name = forms.CharField(label="Requester's name", max_length=200)
    requester_contact = _text("Contact for the reply", "Postal address, e-mail or telephone.", rows=2)
    identity_basis = forms.ChoiceField(label="Identity", choices=IDENTITY_CHOICES, required=False)
    identity_note = _text(
        "How identity was established",
        "Documents seen, or who on the staff knows the requester and how.",
        rows=2,
        required=False,
    )
    identity_confirmed_on = forms.DateField(label="Identity confirmed on", widget=DATE, required=False)
    description = _text(
        "Description of the person", "Clothing, appearance, what they were doing — for the reviewer (10.2)."
    )
    cameras = CameraChoiceField(queryset=Camera.objects.none(), label="Cameras")
    window_start = forms.DateTimeField(label="From", widget=LOCAL_TIME, help_text="UK time.")
    window_end = forms.DateTimeField(label="Until", widget=LOCAL_TIME, help_text="UK time.")
    subject_account = forms.ModelChoiceField(
        queryset=School.objects.none(),
        required=False,
        label="The requester is a member of staff",
        help_text="Optional: their account, so that they never decide a request to view or download this "
        "footage (9.2).",
    )

    def __init__(self, *args: Any, schools: QuerySet[School], cameras: QuerySet[Camera], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]
        self.fields["cameras"].queryset = cameras  # type: ignore[attr-defined]
        accounts = school_accounts(schools.values_list("pk", flat=True))
        self.fields["subject_account"].queryset = accounts  # type: ignore[attr-defined]
        self.fields["subject_account"].label_from_instance = _account_label  # type: ignore[attr-defined]
        if not self.initial.get("school") and len(schools) == 1:
            self.initial["school"] = schools[0]


class IdentityForm(Form):
    basis = forms.ChoiceField(label="Identity", choices=IdentityBasis.choices)
    note = _text("How identity was established", rows=2)
    confirmed_on = forms.DateField(label="Confirmed on", widget=DATE, required=False)


class ClarificationForm(Form):
    question = _text("What the requester was asked", rows=2)


class AnswerForm(Form):
    answer = _text("The requester's answer", rows=2)


class ExtensionForm(Form):
    months = forms.TypedChoiceField(label="Extend by", coerce=int, choices=[(1, "1 month"), (2, "2 months")])
    notified_on = forms.DateField(label="Requester told on", widget=DATE, help_text="Within the first month.")
    reason = _text("Why the request is complex", rows=2)


class NoteForm(Form):
    note = _text("Note", rows=2)


class ChildForm(Form):
    """A request made for a child (issue 18 §3): the child's competence and views, recorded by the school."""

    competence = _text("The child's competence", "Can they understand their rights and the request?")
    views = _text("The child's views", "What they think of someone else seeing the footage of them.")


class SafeguardingForm(Form):
    """The designated safeguarding lead's check before release (DPA 2018 Sch 3 Part 5): only a holder of the
    school's DSL role is shown it, and the service checks the role again."""

    note = _text("What was checked", "Whether anything is withheld, and why (Sch 3 Part 5).")


class OptionalNoteForm(Form):
    note = _text("Note", rows=2, required=False)


class ClipForm(Form):
    camera = forms.ModelChoiceField(queryset=Camera.objects.none(), label="Camera")
    start = forms.DateTimeField(label="Clip from", widget=LOCAL_TIME)
    end = forms.DateTimeField(label="Clip until", widget=LOCAL_TIME)
    only_requester = forms.BooleanField(label="Only the requester appears (10.3)", required=False)
    provision = forms.ChoiceField(label="Provide", choices=Provision.choices)
    appointment_at = forms.DateTimeField(label="Viewing appointment", widget=LOCAL_TIME, required=False)
    still_at = forms.DateTimeField(
        label="Moment of the still",
        widget=LOCAL_TIME,
        required=False,
        help_text="For a still: the moment of the one scene the requester appears in (UK time).",
    )
    note = _text("Note", rows=2, required=False)

    def __init__(self, *args: Any, cameras: QuerySet[Camera], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["camera"].queryset = cameras  # type: ignore[attr-defined]


class OtherPersonForm(Form):
    clip = forms.ModelChoiceField(queryset=Clip.objects.none(), label="Clip")
    description = forms.CharField(label="Other person", max_length=200, help_text="Describe without naming.")
    basis = forms.ChoiceField(label="Dealt with by", choices=OtherPersonBasis.choices)
    redaction = forms.ModelChoiceField(queryset=Redaction.objects.none(), label="Redaction", required=False)
    consent_by = forms.CharField(label="Consent given by", required=False)
    consent_on = forms.DateField(label="Consent given on", widget=DATE, required=False)
    consent_how = forms.CharField(label="How consent was given", required=False)
    is_child = forms.BooleanField(label="This person is a child (a pupil, or under 18)", required=False)
    consent_capacity = forms.CharField(
        label="The child's capacity to consent",
        required=False,
        help_text="Where the child consented themselves: why they understand what they agree to.",
    )
    consent_by_parent = forms.BooleanField(
        label="Consent given by the child's parent or carer", required=False
    )
    refused_consent = forms.BooleanField(
        label="This person (or their parent) expressly refused consent", required=False
    )

    def __init__(self, *args: Any, clips: QuerySet[Clip], redactions: QuerySet[Redaction], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["clip"].queryset = clips  # type: ignore[attr-defined]
        self.fields["redaction"].queryset = redactions  # type: ignore[attr-defined]
        self.fields["redaction"].label_from_instance = _redaction_label  # type: ignore[attr-defined]
        if len(clips) == 1:
            self.initial.setdefault("clip", clips[0])
        for name, label in PARA_16_FACTORS:
            self.fields[name] = _text(f"{label} (Sch 2 para 16)", rows=2, required=False)


class LetterForm(Form):
    """What the response letter needs that the case does not hold as such: the requester's postal address
    (the case keeps "how to reply", which may be an e-mail). Not stored: printed on the letter only."""

    address = _text("Requester's postal address", rows=4, required=False)


class WindowForm(Form):
    start = forms.DateTimeField(label="Window from", widget=LOCAL_TIME, help_text="UK time.")
    end = forms.DateTimeField(label="Window until", widget=LOCAL_TIME, help_text="UK time.")
    reason = _text("Why the request covers this window too", rows=2)


class AttestForm(Form):
    """The reviewer's word that only the requester appears (10.3)."""

    camera = forms.ModelChoiceField(queryset=Camera.objects.none(), label="Camera watched")
    start = forms.DateTimeField(label="Watched from", widget=LOCAL_TIME, help_text="UK time.")
    end = forms.DateTimeField(label="Watched until", widget=LOCAL_TIME, help_text="UK time.")
    note = _text("Note", rows=2, required=False)

    def __init__(self, *args: Any, cameras: QuerySet[Camera], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["camera"].queryset = cameras  # type: ignore[attr-defined]


class ReleaseForm(Form):
    """The Headteacher's decision to release a clip unredacted (10.4.2, 10.4.3)."""

    clip = forms.ModelChoiceField(queryset=Clip.objects.none(), label="Clip released unredacted")
    reason = _text("Why releasing it unredacted is right", rows=2)
    code = authenticator_code()

    def __init__(self, *args: Any, clips: QuerySet[Clip], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["clip"].queryset = clips  # type: ignore[attr-defined]


class AuthoriseForm(Form):
    """The Headteacher's (or a nominated alternate's) authorisation of the response's packages at once:
    one code, one password for them all (9.5, 11.6)."""

    note = _text("Note", rows=2, required=False)
    code = authenticator_code()


class SignOffForm(Form):
    """The DPO's sign-off of an unredacted release where a child appears (10.4.3)."""

    release = forms.ModelChoiceField(queryset=UnredactedRelease.objects.none(), label="Release of clip")
    note = _text("The DPO's view of the children's interests", rows=2)
    code = authenticator_code()

    def __init__(self, *args: Any, releases: QuerySet[UnredactedRelease], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["release"].queryset = releases  # type: ignore[attr-defined]
        self.fields["release"].label_from_instance = lambda r: f"Clip {r.clip_id}"  # type: ignore[attr-defined]


class ViewingHeldForm(Form):
    clip = forms.ModelChoiceField(queryset=Clip.objects.none(), label="Viewing of clip")
    held_at = forms.DateTimeField(label="Held at", widget=LOCAL_TIME, help_text="UK time.")
    attended_by = forms.CharField(label="Who was present")

    def __init__(self, *args: Any, clips: QuerySet[Clip], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["clip"].queryset = clips  # type: ignore[attr-defined]
        if len(clips) == 1:
            self.initial.setdefault("clip", clips[0])


def _redaction_label(redaction: Redaction) -> str:
    """Camera and window, so the handler picks the redaction that covers the clip (10.4.1)."""
    start, end = redaction.start, redaction.end
    window = uk_window(start, end) if start and end else "no window recorded"  # the columns allow none
    status = redaction.get_status_display().lower()
    return f"Redaction {redaction.pk} — {redaction.camera}, {window} ({status})"
