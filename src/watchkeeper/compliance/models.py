"""Compliance registers: DPIAs (7.1–7.3, 18.1) and CCTV signs (6.1)."""

from __future__ import annotations

from django.db import models

from watchkeeper.core import fields
from watchkeeper.estate.models import Camera, Vehicle


class DPIAStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    SUPERSEDED = "superseded", "Superseded"


class DPIA(models.Model):
    SCHOOL_LOOKUP = "school"

    school = fields.school("dpias")
    title = models.CharField(max_length=200)
    cameras = models.ManyToManyField(Camera, related_name="dpias", blank=True)
    retrospective = models.BooleanField(
        default=False, help_text="A retrospective assessment of cameras installed before DPIAs (7.3)."
    )
    summary = models.TextField(blank=True, help_text="How personal information will be shared (11.6).")
    status = models.CharField(max_length=16, choices=DPIAStatus.choices, default=DPIAStatus.DRAFT)
    created_by = fields.person_or_none()
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = fields.person_or_none()
    approved_at = models.DateTimeField(null=True, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["school__name", "-created_at"]
        verbose_name = "DPIA"

    def __str__(self) -> str:
        return self.title


def dpia_document_path(instance: DPIADocument, filename: str) -> str:
    return f"dpia/{instance.dpia.school_id}/{instance.dpia_id}/{filename}"


class DPIADocument(models.Model):
    SCHOOL_LOOKUP = "dpia__school"

    dpia = models.ForeignKey(DPIA, on_delete=models.PROTECT, related_name="documents")
    file = models.FileField(upload_to=dpia_document_path)
    name = models.CharField(max_length=200)
    uploaded_by = fields.person_or_none()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class SignPlacement(models.TextChoices):
    ENTRANCE = "entrance", "Entrance point"
    AREA = "area", "Within a covered area"
    INSIDE_VEHICLE = "inside_vehicle", "Inside the minibus"


def sign_photo_path(instance: Sign, filename: str) -> str:
    return f"signs/{instance.school_id}/{filename}"


class Sign(models.Model):
    """A CCTV sign (6.1): at entrance points, within covered areas, and inside minibuses."""

    SCHOOL_LOOKUP = "school"

    school = fields.school("signs")
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.PROTECT, related_name="signs", null=True, blank=True
    )
    placement = models.CharField(max_length=16, choices=SignPlacement.choices)
    location_description = models.CharField(max_length=300)
    last_checked_on = models.DateField(null=True, blank=True)
    checked_by = fields.person_or_none()
    # A plain file field: Pillow is not needed just to keep a photo of a sign.
    photo = models.FileField(upload_to=sign_photo_path, blank=True)

    class Meta:
        ordering = ["school__name", "placement"]

    def __str__(self) -> str:
        return f"{self.get_placement_display()}: {self.location_description}"
