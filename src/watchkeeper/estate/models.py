"""The trust's estate: schools (sites), minibuses and the cameras on them (policy 4.1, 5.1–5.4, 13.1)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from watchkeeper.core import fields

if TYPE_CHECKING:
    from watchkeeper.core.actors import Person


class Trust(models.Model):
    name = models.CharField(max_length=200, unique=True)

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    SCHOOL_LOOKUP = "pk"

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="schools")
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    # The member of staff answerable for the school's cameras, named where each camera is shown (4.1;
    # set through estate.services.set_school_responsible, audited). A camera may name its own.
    responsible_person = fields.person_or_none()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["trust", "name"], name="school_name_unique_in_trust")]

    def __str__(self) -> str:
        return self.name


class Vehicle(models.Model):
    """A school minibus (5.2): its cameras are internal, dash or rear."""

    SCHOOL_LOOKUP = "school"

    school = fields.school("vehicles")
    registration = models.CharField(max_length=16, unique=True)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["registration"]

    def __str__(self) -> str:
        return f"Minibus {self.registration}"


class LocationType(models.TextChoices):
    ENTRANCE = "entrance", "Entrance"
    RECEPTION = "reception", "Reception"
    CORRIDOR = "corridor", "Corridor"
    CLASSROOM = "classroom", "Classroom"
    HALL = "hall", "Hall"
    PLAYGROUND = "playground", "Playground"
    CAR_PARK = "car_park", "Car park"
    PERIMETER = "perimeter", "Perimeter"
    OFFICE = "office", "Office"
    OTHER = "other", "Other"
    TOILET = "toilet", "Toilet"
    CHANGING_ROOM = "changing_room", "Changing room"
    VEHICLE_INTERNAL = "vehicle_internal", "Minibus: internal"
    VEHICLE_DASH = "vehicle_dash", "Minibus: dash"
    VEHICLE_REAR = "vehicle_rear", "Minibus: rear view"


# 5.4: places with a heightened expectation of privacy. They stay in the choice list so that a person
# registering such a camera gets the policy's refusal, not a silently missing option.
PROHIBITED_LOCATIONS = frozenset({LocationType.TOILET, LocationType.CHANGING_ROOM})
# 5.2: the only camera positions a minibus may have.
VEHICLE_LOCATIONS = frozenset(
    {LocationType.VEHICLE_INTERNAL, LocationType.VEHICLE_DASH, LocationType.VEHICLE_REAR}
)


class Purpose(models.TextChoices):
    """The purposes of 4.1; every camera names at least one."""

    SAFETY = "4.1.1", "4.1.1 A safe and secure environment for pupils, employees and visitors"
    PROPERTY = "4.1.2", "4.1.2 Preventing loss of or damage to buildings and assets"
    SITE_SECURITY = "4.1.3", "4.1.3 Monitoring the security of the site"
    CRIME = "4.1.4", "4.1.4 Preventing crime and assisting the Police"


class LawfulBasis(models.TextChoices):
    """UK GDPR Art 6(1): the lawful basis each camera's processing relies on (design/estate.md)."""

    PUBLIC_TASK = "public_task", "Public task — UK GDPR Art 6(1)(e)"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation — UK GDPR Art 6(1)(c)"
    VITAL_INTERESTS = "vital_interests", "Vital interests — UK GDPR Art 6(1)(d)"
    LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests — UK GDPR Art 6(1)(f)"


class CameraStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    DECOMMISSIONED = "decommissioned", "Decommissioned"


MAX_RETENTION_DAYS = 30  # 13.1: "up to a maximum of 30 days"


class Camera(models.Model):
    SCHOOL_LOOKUP = "school"

    school = fields.school("cameras")
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.PROTECT, related_name="cameras", null=True, blank=True
    )
    name = models.CharField(max_length=120)
    location_description = models.CharField(max_length=300)
    location_type = models.CharField(max_length=32, choices=LocationType.choices)
    purposes = models.JSONField(default=list)
    visibly_sited = models.BooleanField(default=True)
    views_beyond_premises = models.BooleanField(default=False)
    privacy_zones = models.JSONField(default=list, blank=True)
    main_stream_url = models.CharField(max_length=500, blank=True)
    sub_stream_url = models.CharField(max_length=500, blank=True)
    # The stream addresses' passwords, sealed under the school key (9.1; estate.streams): the two columns
    # above hold the addresses without them.
    stream_secret = models.TextField(blank=True, default="", editable=False)
    retention_days = models.PositiveSmallIntegerField(default=MAX_RETENTION_DAYS)
    status = models.CharField(max_length=16, choices=CameraStatus.choices, default=CameraStatus.PROPOSED)
    legacy = models.BooleanField(
        default=False, help_text="Installed before DPIAs were required: needs a retrospective DPIA (7.3)."
    )
    # An academy trust is a public authority: its cameras rest on public task (Art 6(1)(e)). Legitimate
    # interests is not available to it for its tasks (Art 6(1), last paragraph), so choosing it needs a
    # recorded reason (estate.footing).
    lawful_basis = models.CharField(
        max_length=32, choices=LawfulBasis.choices, default=LawfulBasis.PUBLIC_TASK
    )
    lawful_basis_reason = models.TextField(blank=True)
    # 5.4: a camera in a place of type "other" says what the place is, and the DPO confirms it is not a
    # place of privacy before it may be activated (estate.services.confirm_not_private).
    place_description = models.CharField(max_length=300, blank=True)
    not_private_confirmed_by = fields.person_or_none()
    not_private_confirmed_at = models.DateTimeField(null=True, blank=True)
    # Overrides the school's responsible person for this camera when set.
    responsible_person = fields.person_or_none()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["school__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="camera_name_unique_in_school")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def place(self) -> str:
        return str(self.vehicle) if self.vehicle_id else self.school.name

    def purpose_labels(self) -> list[str]:
        labels = dict(Purpose.choices)
        return [labels.get(p, p) for p in self.purposes]

    def responsible(self) -> Person | None:
        """The person answerable for this camera: its own, or else its school's (None: nobody named)."""
        return self.responsible_person or self.school.responsible_person
