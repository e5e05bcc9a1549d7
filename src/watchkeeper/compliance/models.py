"""Compliance registers: DPIAs (7.1–7.3, 18.1), CCTV signs and privacy notices (6.1), and the DPO's
trust-wide settings (the lawful conditions for crime and safeguarding uses, the appropriate policy document,
what an overdue review does, the clock-drift threshold, when an undecided request escalates)."""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from watchkeeper.core import fields
from watchkeeper.estate.models import Camera, Trust, Vehicle


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


class SealedFile(models.Model):
    """An uploaded document or photo (a DPIA's documents, a sign's photo, a privacy notice, the appropriate
    policy document), sealed in the compliance object store like every other file Watchkeeper keeps (9.1;
    design/storage.md): its own key, wrapped by the school key (the trust's key when `school` is empty: the
    policy document is trust-wide), in this row. The type is the one found in its content
    (core.filetypes), never its name's."""

    SCHOOL_LOOKUP = "school"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = fields.school_or_none("+")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    key_id = models.CharField(max_length=64)
    wrapped_key = models.BinaryField()
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


# Where plain uploads went before issue 14 §5 (named by migration 0001; compliance.files since).
def dpia_document_path(instance: DPIADocument, filename: str) -> str:
    return f"dpia/{instance.dpia.school_id}/{instance.dpia_id}/{filename}"


class DPIADocument(models.Model):
    SCHOOL_LOOKUP = "dpia__school"

    dpia = models.ForeignKey(DPIA, on_delete=models.PROTECT, related_name="documents")
    stored = models.OneToOneField(SealedFile, on_delete=models.PROTECT, related_name="+", null=True)
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
    # The latest photo of the sign in place, sealed like every other file (compliance.files, 9.1).
    photo_file = models.OneToOneField(
        SealedFile, on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["school__name", "placement"]

    def __str__(self) -> str:
        return f"{self.get_placement_display()}: {self.location_description}"


def privacy_notice_path(instance: PrivacyNotice, filename: str) -> str:
    return f"privacy-notices/{instance.school_id}/{filename}"


class PrivacyNotice(models.Model):
    """A school's CCTV privacy notice (UK GDPR Art 13; R5): kept beside its signs (6.1), reviewed yearly
    (18.1). One per school, brought up to date in place; the audit log keeps each version's details."""

    SCHOOL_LOOKUP = "school"

    school = models.OneToOneField("estate.School", on_delete=models.PROTECT, related_name="privacy_notice")
    text = models.TextField(blank=True)
    # The notice as a document, sealed like every other file (compliance.files, 9.1; issue 14 §5).
    document_file = models.OneToOneField(
        SealedFile, on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    published_where = models.CharField(max_length=300)
    reviewed_on = models.DateField()
    updated_by = fields.person_or_none()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Privacy notice of {self.school}"


class Art9Condition(models.TextChoices):
    """The UK GDPR Art 9 condition for the special-category data that crime and safeguarding uses of
    footage touch (health, for example), with the DPA 2018 Schedule 1 paragraph that completes it."""

    SAFEGUARDING = (
        "sch1_para18",
        "Safeguarding children and people at risk (Art 9(2)(g); DPA 2018 Sch 1 para 18)",
    )
    UNLAWFUL_ACTS = (
        "sch1_para10",
        "Preventing or detecting unlawful acts (Art 9(2)(g); DPA 2018 Sch 1 para 10)",
    )
    LEGAL_CLAIMS = "art9_2_f", "Legal claims and the courts (Art 9(2)(f))"
    EMPLOYMENT = (
        "sch1_para1",
        "Employment obligations, such as misconduct (Art 9(2)(b); DPA 2018 Sch 1 para 1)",
    )


class Art10Condition(models.TextChoices):
    """The DPA 2018 s10(5) / Schedule 1 condition for criminal-offence data (UK GDPR Art 10)."""

    UNLAWFUL_ACTS = (
        "sch1_para10",
        "Preventing or detecting unlawful acts (DPA 2018 Sch 1 para 10, through para 36)",
    )
    SAFEGUARDING = (
        "sch1_para18",
        "Safeguarding children and people at risk (DPA 2018 Sch 1 para 18, through para 36)",
    )
    LEGAL_CLAIMS = "sch1_para33", "Legal claims and the courts (DPA 2018 Sch 1 para 33)"


class OverdueReviews(models.TextChoices):
    """What an overdue DPIA review (18.1) or a sign not checked within a year (6.1) does to a camera in
    service. The policy asks for review, not shutdown: a stopped camera loses safeguarding footage."""

    FLAG = "flag", "Flag and escalate: the camera keeps recording and shows as overdue to the DPO"
    SUSPEND = "suspend", "Suspend: the camera stops recording until the review or check is done"


def policy_document_path(instance: TrustSettings, filename: str) -> str:
    return f"appropriate-policy/{instance.trust_id}/{filename}"


class TrustSettings(models.Model):
    """The DPO's settings for the whole trust: one row per trust, made with these defaults when first read."""

    trust = models.OneToOneField(Trust, on_delete=models.PROTECT, related_name="compliance_settings")
    art9_condition = models.CharField(max_length=16, choices=Art9Condition.choices, blank=True)
    art10_condition = models.CharField(max_length=16, choices=Art10Condition.choices, blank=True)
    # The appropriate policy document (DPA 2018 Sch 1 Part 4): an uploaded document, a link, or both.
    # Sealed under the trust's key (compliance.files, 9.1; issue 14 §5).
    policy_file = models.OneToOneField(
        SealedFile, on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    policy_link = models.URLField(max_length=500, blank=True)
    policy_approved_on = models.DateField(null=True, blank=True)
    policy_review_by = models.DateField(null=True, blank=True)
    overdue_reviews = models.CharField(
        max_length=8, choices=OverdueReviews.choices, default=OverdueReviews.FLAG
    )
    # 9.3: above this, a camera's clock against the server's, or the server's against its time source, opens
    # an alert for the CCTV administrator (health/clock.py).
    clock_drift_alert_seconds = models.FloatField(
        default=2.0, validators=[MinValueValidator(0.1), MaxValueValidator(60)]
    )
    # 9.2, Appendix I: a request no Headteacher-level decider has decided for this many working days goes to
    # the DPO (people/deciders.py).
    escalate_after_working_days = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    updated_by = fields.person_or_none()
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "trust settings"

    def __str__(self) -> str:
        return f"Settings of {self.trust}"
