"""Forms for staff accounts, role grants and training (3.2, 8.1, 14.1). The services decide; these only ask.

Choices are cut down to what the person may do (schools where they hold the action, roles they may grant),
so the form guides; the service checks again and its refusals are shown in the form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html

from watchkeeper.core.actors import Actor, person_or_none
from watchkeeper.core.forms import Form, authenticator_code
from watchkeeper.core.permissions import restrict, school_ids
from watchkeeper.estate.models import School
from watchkeeper.people.models import SCHOOL_ROLES, Decision, Role, RoleGrant
from watchkeeper.people.services import DESIGNATED_PERSON_MAY_GRANT

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _schools(actor: Actor, action: str) -> Any:
    return restrict(School.objects.all(), actor, action)


def _trust_wide(actor: Actor, action: str) -> bool:
    return school_ids(actor, action) is None


def is_dpo(actor: Actor) -> bool:
    return (
        RoleGrant.objects.current()
        .filter(user=person_or_none(actor), role=Role.DPO, school__isnull=True)
        .exists()
    )


def grantable_roles(actor: Actor) -> list[Role]:
    """The roles this person may grant somewhere: the DPO all (trust-wide ones only by the DPO), a
    Headteacher the school roles but not Headteacher (3.2), a designated person live viewers (8.1)."""
    if is_dpo(actor):
        return list(Role)
    held = set(RoleGrant.objects.current().filter(user=person_or_none(actor)).values_list("role", flat=True))
    allowed: set[Role] = set()
    if Role.HEADTEACHER in held:
        allowed |= SCHOOL_ROLES - {Role.HEADTEACHER}
    if Role.DESIGNATED_PERSON in held:
        allowed |= DESIGNATED_PERSON_MAY_GRANT
    return [role for role in Role if role in allowed]


class StaffCreateForm(forms.Form):
    school = forms.ModelChoiceField(queryset=School.objects.none(), help_text="The person's home school.")
    username = forms.CharField(label="User name", max_length=150)
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(required=False)
    job_title = forms.CharField(max_length=120, required=False)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["school"]
        field.queryset = _schools(actor, "people.manage")  # type: ignore[attr-defined]
        if _trust_wide(actor, "people.manage"):
            field.required = False
            field.empty_label = "None: trust staff"  # type: ignore[attr-defined]


class GrantForm(forms.Form):
    role = forms.ChoiceField()
    school = forms.ModelChoiceField(queryset=School.objects.none(), required=False)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in grantable_roles(actor)]  # type: ignore[attr-defined]
        school = self.fields["school"]
        school.queryset = _schools(actor, "people.grant")  # type: ignore[attr-defined]
        if is_dpo(actor):
            school.empty_label = "Trust-wide (DPO, board and IG group roles)"  # type: ignore[attr-defined]
        else:
            school.required = True


class RevokeForm(forms.Form):
    reason = forms.CharField(max_length=500, help_text="Recorded in the audit log.")


class TrainingForm(forms.Form):
    school = forms.ModelChoiceField(queryset=School.objects.none(), help_text="The school recording it.")
    completed_on = forms.DateField(widget=DATE)
    expires_on = forms.DateField(widget=DATE, help_text="Refresher due (normally a year on).")

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = _schools(actor, "training.record")  # type: ignore[attr-defined]


class StaffFilterForm(forms.Form):
    school = forms.ModelChoiceField(queryset=School.objects.none(), required=False, empty_label="All schools")

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = _schools(actor, "people.view")  # type: ignore[attr-defined]


class DeactivateForm(Form):
    reason = forms.CharField(max_length=500, help_text="Recorded in the audit log.")


class InvitationForm(Form):
    """The holder's own password (twice; Django's validators run in the service) and a code from the new
    authenticator, in one step (people/invitations.py)."""

    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="The password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    code = authenticator_code(
        label="Code from the authenticator app",
        invalid="Enter the 6-digit code the authenticator app shows.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords are not the same.")
        return data


class EnrolForm(Form):
    code = authenticator_code(
        label="Code from the new authenticator",
        invalid="Enter the 6-digit code the new authenticator app shows.",
    )


class NominationForm(Form):
    """The Headteacher names an alternate for some decisions, for a period (9.2, Appendix I)."""

    school = forms.ModelChoiceField(queryset=School.objects.none())
    nominee = forms.ModelChoiceField(
        queryset=RoleGrant.objects.none(), label="Alternate (a designated person)"
    )
    decisions = forms.MultipleChoiceField(
        choices=Decision.choices, widget=forms.CheckboxSelectMultiple, label="May decide"
    )
    starts_on = forms.DateField(widget=DATE, label="From")
    ends_on = forms.DateField(widget=DATE, label="Until (inclusive)")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any):
        super().__init__(*args, **kwargs)
        schools = _schools(actor, "people.nominate")
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]
        grants = RoleGrant.objects.current().filter(role=Role.DESIGNATED_PERSON, school__in=schools)
        self.fields["nominee"].queryset = grants.select_related("user", "school")  # type: ignore[attr-defined]
        self.fields["nominee"].label_from_instance = lambda g: (  # type: ignore[attr-defined]
            f"{g.user.get_full_name() or g.user.get_username()} ({g.school.name})"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        grant, school = data.get("nominee"), data.get("school")
        if grant is not None and school is not None and grant.school_id != school.pk:
            self.add_error("nominee", "Choose a designated person of this school.")
        return data


class EndNominationForm(Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Why it ends early")


class RecusalForm(Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label="How you are involved in the footage or the incident"
    )
