"""Viewing authorisations (9.2, 9.4): a reviewer's request to see recorded footage, and its decision."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from watchkeeper.core import fields
from watchkeeper.estate.models import Camera
from watchkeeper.viewing.rules import AuthorisationTerms


class ReasonCategory(models.TextChoices):
    # 9.4: activity the trust cannot be expected to ignore.
    CRIMINAL_ACTIVITY = "criminal_activity", "Criminal activity (9.4)"
    SAFEGUARDING = "safeguarding", "Safeguarding (9.4)"
    MISCONDUCT = "misconduct", "Potential misconduct or gross misconduct (9.4)"
    RISK_TO_OTHERS = "risk_to_others", "Behaviour that puts others at risk (9.4)"
    # 10.2 and 11: footage reviewed for a subject access or a disclosure request.
    SUBJECT_ACCESS = "subject_access", "Subject access request (10.2)"
    DISCLOSURE = "disclosure", "Disclosure request (11)"


class Status(models.TextChoices):
    PENDING = "pending", "Awaiting a decision"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class ViewingAuthorisation(models.Model):
    """Cameras of one school, a time window and a stated reason; approved or declined by the school's
    Headteacher or a designated person (never the requester), with a fresh authenticator code. Only the
    requester may view under it, and only until it expires (design/viewing.md)."""

    SCHOOL_LOOKUP = "school"

    school = fields.school("viewing_authorisations")
    cameras = models.ManyToManyField(Camera, related_name="viewing_authorisations")
    start = models.DateTimeField(help_text="UTC: the first moment of footage asked for.")
    end = models.DateTimeField(help_text="UTC: the last moment of footage asked for.")
    reason_category = models.CharField(max_length=32, choices=ReasonCategory.choices)
    reason = models.TextField(help_text="Why the footage must be seen, in the requester's words (9.2).")
    purpose_reason = models.TextField(
        blank=True,
        help_text="4.1, 9.4: why viewing is in line with the purposes of cameras whose purposes the kind of "
        "reason falls outside (viewing.rules.cameras_outside_purposes); empty when none does.",
    )
    requested_by = fields.person()
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = fields.person_or_none()
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    # The nomination an alternate decided under (9.2, Appendix I); empty for the Headteacher and the DPO.
    nomination = models.ForeignKey(
        "people.Nomination", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Set on approval.")
    # Staff involved in the incident or shown in the footage, named by the asker (optional): none of them
    # decides the request (9.2, 9.5; people/deciders.py).
    staff_involved = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self) -> str:
        return f"Viewing authorisation {self.pk} ({self.get_status_display().lower()})"

    def terms(self) -> AuthorisationTerms:
        """What the authorisation allows, for the pure rules (uses prefetched cameras when present)."""
        return AuthorisationTerms(
            status=self.status,
            camera_ids=frozenset(camera.pk for camera in self.cameras.all()),
            start=self.start,
            end=self.end,
            expires_at=self.expires_at,
        )
