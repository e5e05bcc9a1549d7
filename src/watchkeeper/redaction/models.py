"""Redactions (10.3, 10.4.1; design/redaction.md): a redacted working copy of recorded footage, proposed
automatically, reviewed by a person, and approved before it may leave in an evidence package."""

from __future__ import annotations

from django.db import models

from watchkeeper.estate.models import School


class Status(models.TextChoices):
    PROPOSING = "proposing", "Finding people"
    REVIEW = "review", "Ready for review"
    RENDERING = "rendering", "Rendering"
    APPROVED = "approved", "Approved"
    FAILED = "failed", "Failed"


class Redaction(models.Model):
    SCHOOL_LOOKUP = "school"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="redactions")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Redaction {self.pk} ({self.get_status_display()})"
