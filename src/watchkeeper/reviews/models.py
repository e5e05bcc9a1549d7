"""Reviews and acknowledgements (18.1, 3.1, 3.3; design/reviews.md): the trust's CCTV policy as versions
the board approves, what brings a review forward (legislation changed), staff acknowledgements of the
current version, and the yearly review of each camera (Surveillance Camera Code principle 2)."""

from __future__ import annotations

from django.db import models

from watchkeeper.compliance.models import SealedFile
from watchkeeper.core import fields
from watchkeeper.estate.models import Camera, Trust

GRACE_DAYS = 14  # 3.3: how long staff have to acknowledge a new version before footage work pauses


class PolicyVersion(models.Model):
    """One version of the trust's CCTV policy: the uploaded document (sealed under the trust's key, 9.1),
    approved by a board member (3.1), in force from its effective date. Staff who have not acknowledged
    it within `grace_days` of that date may not handle footage until they do (3.3)."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="policy_versions")
    version = models.CharField(max_length=40, help_text="As the document numbers it, e.g. “2.1”.")
    document = models.OneToOneField(SealedFile, on_delete=models.PROTECT, related_name="+")
    effective_on = models.DateField()
    grace_days = models.PositiveSmallIntegerField(default=GRACE_DAYS)
    summary = models.TextField(blank=True, help_text="What changed, in plain words, for staff.")
    uploaded_by = fields.person_or_none()
    uploaded_at = models.DateTimeField()
    approved_by = fields.person_or_none()
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-effective_on", "-uploaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["trust", "version"], name="reviews_one_version_number_per_trust")
        ]

    def __str__(self) -> str:
        return f"CCTV policy version {self.version}"


class ReviewTrigger(models.Model):
    """Something that brings the policy's review forward (18.1): legislation or guidance changed. Open
    until a version approved after it was recorded answers it."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="policy_review_triggers")
    reason = models.TextField()
    review_by = models.DateField()
    recorded_by = fields.person_or_none()
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["review_by"]

    def __str__(self) -> str:
        return f"Review by {self.review_by}"


class Acknowledgement(models.Model):
    """A member of staff has read and acknowledged one version of the policy (3.3)."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="acknowledgements")
    user = fields.person()
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="reviews_one_acknowledgement_each")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} acknowledged {self.version_id}"


class CameraReview(models.Model):
    """The yearly review of one camera (18.1; Surveillance Camera Code principle 2): is it still necessary
    for its purposes? The next is due a year later."""

    SCHOOL_LOOKUP = "camera__school"

    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="reviews")
    still_necessary = models.BooleanField()
    notes = models.TextField()
    by = fields.person_or_none()
    at = models.DateTimeField()
    next_review_on = models.DateField()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"Review of camera {self.camera_id} on {self.at:%Y-%m-%d}"
