"""Job records: what the job runner did, is doing and has queued, for the Jobs page (design/jobs.md)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from watchkeeper.estate.models import School


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


BADGES = {JobStatus.QUEUED: "", JobStatus.RUNNING: "warn", JobStatus.DONE: "ok", JobStatus.FAILED: "bad"}


class JobRecord(models.Model):
    """One task of the job runner. Written only through jobs.services, by the runner's signal receivers
    and by the task itself (progress). A job with no school is trust-level: only trust-wide holders of
    jobs.view see it."""

    SCHOOL_LOOKUP = "school"

    task_id = models.CharField(max_length=64, unique=True, help_text="huey's task id.")
    name = models.CharField(max_length=100, db_index=True)
    args_summary = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent, 0–100.")
    message = models.TextField(blank=True)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100), name="jobs_progress_0_to_100"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.status})"

    @property
    def badge(self) -> str:
        return BADGES.get(JobStatus(self.status), "")
