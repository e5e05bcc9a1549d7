"""Redactions (10.3, 10.4.1; design/redaction.md): a redacted working copy of recorded footage, proposed
automatically, reviewed by a person, and approved before it may leave in an evidence package."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from watchkeeper.core import fields
from watchkeeper.estate.models import Camera
from watchkeeper.viewing.models import ViewingAuthorisation


class Status(models.TextChoices):
    PROPOSING = "proposing", "Finding people"
    REVIEW = "review", "Ready for review"
    RENDERING = "rendering", "Rendering"
    APPROVED = "approved", "Approved"
    FAILED = "failed", "Failed"
    DISCARDED = "discarded", "Discarded"


class Mode(models.TextChoices):
    BLUR = "blur", "Blur"
    PIXELATE = "pixelate", "Pixelate"
    FILL = "fill", "Fill (solid box)"


class Redaction(models.Model):
    """One camera's footage over a window, under the reviewer's viewing authorisation (9.2, 10.2): the
    master segments it was made from (ids and SHA-256), the proposal, the reviewer's decisions, and the
    rendered output, sealed at rest with its own key (design/redaction.md, "Storage")."""

    SCHOOL_LOOKUP = "school"

    school = fields.school("redactions")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSING)
    created_at = models.DateTimeField(auto_now_add=True)

    authorisation = models.ForeignKey(
        ViewingAuthorisation, on_delete=models.PROTECT, related_name="redactions", null=True
    )
    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="redactions", null=True)
    start = models.DateTimeField(null=True, help_text="UTC: the first moment of the window.")
    end = models.DateTimeField(null=True, help_text="UTC: the last moment of the window.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    # The master: [{"id", "sha256", "start", "end", "first_frame", "frames"}] in time order.
    segments = models.JSONField(default=list)
    # The engine's Proposal as JSON (engine.tracks.proposal_to_json): boxes, never pictures.
    proposal = models.JSONField(null=True, blank=True)
    # The reviewer's decisions: track ids kept visible (the data subject), manual tracks (key frames), mode.
    keep = models.JSONField(default=list)
    manual = models.JSONField(default=list)
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.BLUR)
    job_task_id = models.CharField(max_length=64, blank=True, help_text="huey id of the latest job.")
    message = models.TextField(blank=True, help_text="Why the last job failed.")

    # The rendered output (a preview until approved), sealed with its own key wrapped by the school key.
    output_id = models.UUIDField(null=True, blank=True)
    output_path = models.CharField(max_length=300, blank=True)
    output_wrapped_key = models.BinaryField(null=True, blank=True)
    output_key_id = models.CharField(max_length=64, blank=True)
    output_sha256 = models.CharField(max_length=64, blank=True)
    output_digest = models.CharField(
        max_length=64, blank=True, help_text="Digest of the decisions the output was rendered from."
    )
    output_frames = models.PositiveIntegerField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    approved_by = fields.person_or_none()
    approved_at = models.DateTimeField(null=True, blank=True)
    report = models.JSONField(null=True, blank=True, help_text="The redaction report, set on approval.")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Redaction {self.pk} ({self.get_status_display()})"

    @property
    def has_output(self) -> bool:
        return bool(self.output_path) and self.output_wrapped_key is not None
