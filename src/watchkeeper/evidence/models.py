"""Evidence downloads (9.5, Appendix I; design/evidence.md): one row of the school's CCTV log per copy of
footage taken out of the system. Rows are filled by the workflow (evidence/services.py), never typed."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from watchkeeper.estate.models import Camera, School
from watchkeeper.viewing.models import ReasonCategory, ViewingAuthorisation


class Kind(models.TextChoices):
    SNAPSHOT = "snapshot", "Snapshot (still image)"
    PACKAGE = "package", "Sealed evidence package (footage)"


class Download(models.Model):
    """One row of the CCTV log (Appendix I). The authoriser and the time of their authorisation are
    copied from the viewing authorisation, so the log reads the same whatever later happens to it."""

    SCHOOL_LOOKUP = "school"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="downloads")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Appendix I: "authorisation to download a recording (signature)".
    authorisation = models.ForeignKey(
        ViewingAuthorisation, on_delete=models.PROTECT, related_name="downloads"
    )
    authorised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    authorised_at = models.DateTimeField()
    # "Date and time that recording was downloaded".
    downloaded_at = models.DateTimeField()
    # "Reason for recording being downloaded": the authorisation's category and words.
    reason_category = models.CharField(max_length=32, choices=ReasonCategory.choices)
    reason = models.TextField()
    # "Name of Requestor who wants to see the recording": the person who downloaded it.
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # "Date and time the recording was viewed": when the kept copy is viewed in the app (issue 5).
    viewed_at = models.DateTimeField(null=True, blank=True)
    # "authorisation to delete a recording (signature)" and "Date that a recording was deleted" (issue 5).
    deletion_authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    deletion_authorised_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # What was taken.
    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="downloads")
    frame_at = models.DateTimeField(help_text="UTC: the moment of the frame (snapshot) or the first moment.")
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the file handed over.")
    package_file = models.CharField(
        max_length=200, blank=True, help_text="A sealed package's file name in <data dir>/exports/."
    )

    class Meta:
        ordering = ["-downloaded_at", "-pk"]
        indexes = [models.Index(fields=["school", "downloaded_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk} of {self.camera_id} at {self.frame_at:%Y-%m-%d %H:%M:%S}"
