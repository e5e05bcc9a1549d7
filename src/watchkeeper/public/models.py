"""What the public form keeps beside the case it created: the address's confirmation, and a keyed digest of
the client's network address for the rate limit (never the address itself: design/public.md)."""

from __future__ import annotations

from django.db import models


class Submission(models.Model):
    SCHOOL_LOOKUP = "case__school"

    # Goes with its case when the subject access register's retention deletes it (reports/retention.py);
    # an unconfirmed one goes sooner, leaving the case (public/retention.py).
    case = models.OneToOneField(
        "subjectaccess.SubjectAccessRequest", on_delete=models.CASCADE, related_name="public_submission"
    )
    email = models.EmailField(max_length=200)
    client_key = models.CharField(max_length=64, db_index=True)  # cleared after the rate limit's hour
    received_at = models.DateTimeField(db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"Public form: {self.case.reference}"


class PublicComplaint(models.Model):
    """A data-protection complaint sent through the public form (DPA 2018 s164A asks for an electronic form):
    kept here until a complaints handler enters it in the register, which records who took it (17.1)."""

    SCHOOL_LOOKUP = "school"

    school = models.ForeignKey("estate.School", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=200)
    summary = models.TextField(max_length=3000)
    client_key = models.CharField(max_length=64, db_index=True)
    received_at = models.DateTimeField(db_index=True)
    complaint = models.OneToOneField(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["received_at", "pk"]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"WEB-{self.pk}"
