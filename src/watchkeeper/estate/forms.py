"""Forms for the estate pages. They only shape input: the policy itself (4.1, 5.1–5.4, 13.1) is checked by
estate.services and the gates, whose refusals the views show as form errors."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet

from watchkeeper.core.forms import Form, offer_schools
from watchkeeper.estate import streams
from watchkeeper.estate.footing import LEGITIMATE_INTERESTS_WARNING
from watchkeeper.estate.models import (
    MAX_RETENTION_DAYS,
    Camera,
    CameraStatus,
    LawfulBasis,
    LocationType,
    Purpose,
    School,
    Vehicle,
)


def _stream_url(value: str) -> str:
    """9.6: RTSP only, so that the address cannot point the server at an internal web page."""
    value = value.strip()
    if streams.scheme_problem(value):
        raise forms.ValidationError(
            "A camera's stream address starts with rtsp:// or rtsps:// (for example "
            "rtsp://user:password@192.168.1.20/stream1)."
        )
    return value


class VehicleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.registration} ({obj.school.name})"


class CameraForm(Form):
    """What describes a camera. Choices that the policy forbids (toilets, changing rooms — 5.4) are kept so
    that the person is told why, rather than finding the option missing."""

    name = forms.CharField(label="Name", max_length=120)
    location_description = forms.CharField(
        label="Location description", max_length=300, help_text="Where it is and what it looks at."
    )
    location_type = forms.ChoiceField(label="Location type", choices=LocationType.choices)
    place_description = forms.CharField(
        label="What kind of place it is (for “other”)",
        max_length=300,
        required=False,
        help_text="5.4: for a location of type “other”, say what kind of place it is (for example “forest "
        "school clearing”). The DPO confirms it is not a place of privacy before the camera may record.",
    )
    purposes = forms.MultipleChoiceField(
        label="Purposes",
        choices=Purpose.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="4.1: every camera serves at least one of the trust's purposes.",
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis",
        choices=LawfulBasis.choices,
        initial=LawfulBasis.PUBLIC_TASK,
        required=False,  # left out: public task, the trust's default
        help_text="UK GDPR Art 6(1). An academy trust is a public authority: its cameras normally rest on "
        "public task. Legitimate interests is not available to it for its tasks.",
    )
    lawful_basis_reason = forms.CharField(
        label="Why this basis",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required for legitimate interests: " + LEGITIMATE_INTERESTS_WARNING + ".",
    )
    visibly_sited = forms.BooleanField(
        label="Visibly sited",
        required=False,
        initial=True,
        help_text="5.1: in a prominent position where it is clearly visible.",
    )
    views_beyond_premises = forms.BooleanField(
        label="May view beyond the school premises",
        required=False,
        help_text="5.3: such a camera needs privacy zones before it may record.",
    )
    main_stream_url = forms.CharField(label="Main stream URL", max_length=500, required=False)
    sub_stream_url = forms.CharField(label="Sub stream URL", max_length=500, required=False)
    retention_days = forms.IntegerField(
        label="Retention (days)",
        initial=MAX_RETENTION_DAYS,
        help_text=f"13.1: recordings are kept for at most {MAX_RETENTION_DAYS} days.",
    )
    legacy = forms.BooleanField(
        label="Legacy camera",
        required=False,
        help_text="7.3: installed before DPIAs were required; it needs a retrospective DPIA.",
    )

    def clean_lawful_basis(self) -> str:
        return self.cleaned_data["lawful_basis"] or LawfulBasis.PUBLIC_TASK.value

    def clean_main_stream_url(self) -> str:
        return _stream_url(self.cleaned_data["main_stream_url"])

    def clean_sub_stream_url(self) -> str:
        return _stream_url(self.cleaned_data["sub_stream_url"])

    def camera_fields(self) -> dict[str, Any]:
        """The cleaned data as estate.services takes it."""
        return {name: self.cleaned_data[name] for name in CameraForm.base_fields}


class CameraRegisterForm(CameraForm):
    school = forms.ModelChoiceField(label="School", queryset=School.objects.none())
    vehicle = VehicleChoiceField(
        label="Minibus",
        queryset=Vehicle.objects.none(),
        required=False,
        help_text="5.2: only for a camera fitted to one of the school's minibuses.",
    )
    field_order = ["school", "vehicle"]

    def __init__(self, *args: Any, schools: QuerySet[School], vehicles: QuerySet[Vehicle], **kwargs: Any):
        super().__init__(*args, **kwargs)
        offer_schools(self, schools)
        self.fields["vehicle"].queryset = vehicles.select_related("school")  # type: ignore[attr-defined]


class CameraEditForm(CameraForm):
    """Stream URLs are shown with the password masked (`user:•••@`); sending the masked URL back keeps the
    stored password (estate.streams.seal_streams), typing a new one replaces it."""

    def __init__(self, *args: Any, camera: Camera, **kwargs: Any):
        self.camera = camera
        initial = {name: getattr(camera, name) for name in CameraForm.base_fields}
        initial["main_stream_url"] = streams.shown(camera, "main")
        initial["sub_stream_url"] = streams.shown(camera, "sub")
        super().__init__(*args, initial=initial, **kwargs)


class CameraStatusForm(Form):
    status = forms.ChoiceField(choices=CameraStatus.choices)
    reason = forms.CharField(label="Reason (optional)", max_length=500, required=False)


MAX_ZONES = 16
MAX_ZONE_POINTS = 64


class PrivacyZonesForm(Form):
    """The zone editor posts its polygons as JSON: [[[x, y], …], …] in picture coordinates 0..1. The form
    checks the shape of the data; estate.services.set_privacy_zones checks the zones themselves (5.3)."""

    zones = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_zones(self) -> list[list[list[float]]]:
        try:
            zones = json.loads(self.cleaned_data["zones"] or "[]")
        except json.JSONDecodeError:
            raise forms.ValidationError("The zones could not be read: draw them again.") from None
        if not isinstance(zones, list) or not all(_is_polygon(zone) for zone in zones):
            raise forms.ValidationError("Each zone is a list of points, each point two numbers.")
        if len(zones) > MAX_ZONES or any(len(zone) > MAX_ZONE_POINTS for zone in zones):
            raise forms.ValidationError(f"At most {MAX_ZONES} zones of {MAX_ZONE_POINTS} points each.")
        return [[[float(x), float(y)] for x, y in zone] for zone in zones]


def _is_polygon(zone: Any) -> bool:
    return isinstance(zone, list) and all(
        isinstance(point, list)
        and len(point) == 2
        and all(isinstance(c, int | float) and not isinstance(c, bool) for c in point)
        for point in zone
    )


class CameraFilterForm(Form):
    school = forms.ModelChoiceField(
        label="School", queryset=School.objects.none(), required=False, empty_label="All schools"
    )
    status = forms.ChoiceField(
        label="Status", choices=[("", "Any status"), *CameraStatus.choices], required=False
    )

    def __init__(self, *args: Any, schools: QuerySet[School], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]

    def apply(self, cameras: QuerySet[Camera]) -> QuerySet[Camera]:
        if self.cleaned_data.get("school"):
            cameras = cameras.filter(school=self.cleaned_data["school"])
        if self.cleaned_data.get("status"):
            cameras = cameras.filter(status=self.cleaned_data["status"])
        return cameras


class VehicleFilterForm(Form):
    school = forms.ModelChoiceField(
        label="School", queryset=School.objects.none(), required=False, empty_label="All schools"
    )

    def __init__(self, *args: Any, schools: QuerySet[School], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]


class SchoolForm(Form):
    name = forms.CharField(label="School name", max_length=200)
    address = forms.CharField(label="Address", widget=forms.Textarea(attrs={"rows": 4}), required=False)


class VehicleForm(Form):
    school = forms.ModelChoiceField(label="School", queryset=School.objects.none())
    registration = forms.CharField(label="Registration", max_length=16)
    description = forms.CharField(label="Description", max_length=200, required=False)

    def __init__(self, *args: Any, schools: QuerySet[School], **kwargs: Any):
        super().__init__(*args, **kwargs)
        offer_schools(self, schools)


class ResponsibleForm(Form):
    """The member of staff answerable for a school's cameras or one camera (R6); empty names nobody (for a
    camera: the school's responsible person answers for it)."""

    person = forms.ModelChoiceField(
        label="Responsible person", queryset=User.objects.none(), required=False, empty_label="Nobody named"
    )

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["person"].label_from_instance = _person_label  # type: ignore[attr-defined]


def _person_label(user: User) -> str:
    return user.get_full_name() or user.get_username()
