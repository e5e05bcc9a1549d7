"""Camera health and maintenance (12.1): alerts from the automatic checks, the maintenance log, and each
camera's reference view (design/health.md)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db import models
from django.db.models import Q
from django.urls import reverse

from watchkeeper.core import fields
from watchkeeper.core.actors import Actor
from watchkeeper.core.permissions import holds_any, restrict
from watchkeeper.estate.models import Camera


class AlertKind(models.TextChoices):
    """What an automatic check found (health/checks.py). Each is also a maintenance check type."""

    STREAM_DOWN = "stream_down", "Stream down"
    NO_RECORDING = "no_recording", "No new recording"
    FROZEN = "frozen", "Frozen picture"
    BLACK = "black", "Black picture"
    BLURRED = "blurred", "Blurred picture"
    VIEW_MOVED = "view_moved", "View moved"
    # 9.3: the camera's clock against the server's, and the server's against its time source
    # (health/clock.py).
    CAMERA_CLOCK = "camera_clock", "Camera clock wrong"
    SERVER_CLOCK = "server_clock", "Server clock not synchronised"


class AlertQuerySet(models.QuerySet["Alert"]):
    def open(self) -> AlertQuerySet:
        return self.filter(closed_at__isnull=True)

    def visible_to(self, user: Actor, action: str) -> AlertQuerySet:
        """The alerts of the person's schools, and the server's own (9.3: every school's recordings carry the
        server's time) for anyone who holds `action` at any school."""
        mine: AlertQuerySet = restrict(self, user, action)  # type: ignore[assignment]
        return (mine | self.filter(camera__isnull=True)) if holds_any(user, action) else mine


class Alert(models.Model):
    """A fault an automatic check found on a camera, open until a later check finds it gone (12.1).

    At most one open alert per camera and kind (a database constraint): a fault that lasts an hour is one
    alert, not sixty. An alert with no camera is about the server itself (9.3: its clock), one for every
    camera rather than one on each; the same constraint keeps it to one open of its kind."""

    SCHOOL_LOOKUP = "camera__school"

    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="alerts", null=True, blank=True)
    kind = models.CharField(max_length=16, choices=AlertKind.choices)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    detail = models.CharField(max_length=300, help_text="What the check found when it opened the alert.")
    resolution = models.CharField(max_length=300, blank=True, help_text="Why it closed.")

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["camera", "kind"],
                condition=Q(closed_at__isnull=True),
                name="health_one_open_alert_per_camera_and_kind",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(closed_at__isnull=True, camera__isnull=True),
                name="health_one_open_server_alert_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.camera_id} {self.kind} {'open' if self.closed_at is None else 'closed'}"


class EntryKind(models.TextChoices):
    AUTOMATIC = "automatic", "Automatic"
    MANUAL = "manual", "Manual"


class CheckType(models.TextChoices):
    # Manual checks (12.1; the Home Office code's regular picture-quality and maintenance checks).
    PICTURE_QUALITY = "picture_quality", "Picture quality"
    CLOCK = "clock", "Date and time (camera clock)"
    HOUSING = "housing", "Housing and cleaning"
    SIGNAGE = "signage", "Signage"
    PLAYBACK = "playback", "Recording playback"
    # Automatic checks: the alert kinds.
    STREAM_DOWN = AlertKind.STREAM_DOWN.value, AlertKind.STREAM_DOWN.label
    NO_RECORDING = AlertKind.NO_RECORDING.value, AlertKind.NO_RECORDING.label
    FROZEN = AlertKind.FROZEN.value, AlertKind.FROZEN.label
    BLACK = AlertKind.BLACK.value, AlertKind.BLACK.label
    BLURRED = AlertKind.BLURRED.value, AlertKind.BLURRED.label
    VIEW_MOVED = AlertKind.VIEW_MOVED.value, AlertKind.VIEW_MOVED.label
    CAMERA_CLOCK = AlertKind.CAMERA_CLOCK.value, AlertKind.CAMERA_CLOCK.label
    SERVER_CLOCK = AlertKind.SERVER_CLOCK.value, AlertKind.SERVER_CLOCK.label


MANUAL_CHECKS = [
    CheckType.PICTURE_QUALITY,
    CheckType.CLOCK,
    CheckType.HOUSING,
    CheckType.SIGNAGE,
    CheckType.PLAYBACK,
]


class CheckResult(models.TextChoices):
    OK = "ok", "OK"
    FAULT = "fault", "Fault"


class MaintenanceEntry(models.Model):
    """One line of a school's maintenance log (12.1): a manual check someone did, or an alert that an
    automatic check opened (fault) or closed (ok). Signage checks may name no camera."""

    SCHOOL_LOOKUP = "school"

    school = fields.school("maintenance_entries")
    camera = models.ForeignKey(
        Camera, on_delete=models.PROTECT, related_name="maintenance_entries", null=True, blank=True
    )
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    check_type = models.CharField(max_length=16, choices=CheckType.choices)
    result = models.CharField(max_length=8, choices=CheckResult.choices)
    notes = models.TextField(blank=True)
    by = fields.person_or_none()
    at = models.DateTimeField()
    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="+", null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "maintenance entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.check_type}: {self.result}"


class ReferenceFeatures(models.Model):
    """What the camera's view looked like when someone said "this is right": a 32×18 grayscale thumbnail
    (576 bytes — too small to recognise anyone; never a full picture) and its sharpness, against which
    the checks find a view that has moved (12.1)."""

    SCHOOL_LOOKUP = "camera__school"

    camera = models.OneToOneField(Camera, on_delete=models.CASCADE, primary_key=True, related_name="+")
    width = models.PositiveSmallIntegerField()
    height = models.PositiveSmallIntegerField()
    thumbnail = models.BinaryField(help_text="width × height bytes, row by row, 8-bit grey levels.")
    sharpness = models.FloatField(help_text="Variance of the Laplacian of the analysed frame.")
    taken_from = models.DateTimeField(help_text="Start of the segment the reference came from.")
    set_at = models.DateTimeField()
    set_by = fields.person_or_none()

    class Meta:
        verbose_name_plural = "reference features"

    def __str__(self) -> str:
        return f"reference view of {self.camera_id}"


class MaintenanceSchedule(models.Model):
    """How often a manual check is due (12.1), for a school as a whole or for one camera: e.g. the
    picture-quality check of the car park camera every 30 days. A check is due `every_days` after the last
    one of its kind was logged, or after the schedule was set if none has been (health/schedule.py)."""

    SCHOOL_LOOKUP = "school"

    school = fields.school("maintenance_schedules")
    camera = models.ForeignKey(
        Camera, on_delete=models.CASCADE, related_name="maintenance_schedules", null=True, blank=True
    )
    check_type = models.CharField(max_length=16, choices=[(c.value, c.label) for c in MANUAL_CHECKS])
    every_days = models.PositiveSmallIntegerField()
    set_by = fields.person_or_none()
    set_at = models.DateTimeField()

    class Meta:
        ordering = ["school__name", "camera__name", "check_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["camera", "check_type"],
                name="health_one_schedule_per_camera_check",
                condition=Q(camera__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["school", "check_type"],
                name="health_one_school_wide_schedule_per_check",
                condition=Q(camera__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.check_type} every {self.every_days} days"

    def record_url(self) -> str:
        """The check form with this schedule's school, camera and check chosen, so that recording it
        clears this schedule and not a school-wide one (issue 15: no dead ends)."""
        wanted = {"school": self.school_id, "camera": self.camera_id or "", "check_type": self.check_type}
        return f"{reverse('health:check_record')}?{urlencode(wanted)}"
