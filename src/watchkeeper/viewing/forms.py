"""Forms for asking to view footage and for deciding (9.2, 9.4). Times are typed in UK local time
(Europe/London, the site's TIME_ZONE): Django makes them aware, refusing a time that does not exist or
happens twice when the clocks change, and they are stored in UTC."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from watchkeeper.core.forms import Form, authenticator_code
from watchkeeper.estate.models import Camera
from watchkeeper.people.involvement import StaffInvolvedField, offer_cameras_and_staff
from watchkeeper.viewing.models import ReasonCategory

LOCAL_TIME = forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S")


class CameraChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        # The purposes shown so that the requester sees when a kind of reason falls outside them (4.1).
        return f"{obj.name} — {obj.school.name} (purposes {', '.join(obj.purposes)})"


class AuthorisationRequestForm(Form):
    cameras = CameraChoiceField(queryset=Camera.objects.none(), label="Cameras")
    start = forms.DateTimeField(
        label="From",
        widget=LOCAL_TIME,
        help_text="UK time. Only whole recorded segments inside the window are shown.",
    )
    end = forms.DateTimeField(label="Until", widget=LOCAL_TIME, help_text="UK time; already past.")
    reason_category = forms.ChoiceField(label="Kind of reason", choices=ReasonCategory.choices)
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="9.2: the clear reason the footage must be seen. The Headteacher or a designated person "
        "reads it before deciding.",
    )
    purpose_reason = forms.CharField(
        label="Why this is in line with the cameras' purposes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="4.1: needed only when the kind of reason falls outside a chosen camera's purposes (for "
        "example criminal activity on a camera that is there for safety alone).",
    )
    staff_involved = StaffInvolvedField()

    def __init__(self, *args: Any, cameras: QuerySet[Camera], **kwargs: Any):
        super().__init__(*args, **kwargs)
        offer_cameras_and_staff(self, cameras)


class DecisionForm(Form):
    # Sent by the button pressed (Approve or Decline); the template renders the other two fields only.
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("decline", "Decline")])
    code = authenticator_code(
        help_text="A fresh code from your authenticator app: each decision needs its own (9.2).",
    )
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when declining: the requester sees it.",
    )
