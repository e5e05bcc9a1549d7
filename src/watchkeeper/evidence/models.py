"""Evidence downloads (9.5, Appendix I; design/evidence.md): one row of the school's CCTV log per copy of
footage taken out of the system. Rows are filled by the workflow (evidence/services.py), never typed."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from watchkeeper.core import fields
from watchkeeper.core.actors import Person
from watchkeeper.estate.models import Camera
from watchkeeper.redaction.models import Redaction
from watchkeeper.viewing.models import ReasonCategory, ViewingAuthorisation


def person_name(user: Person) -> str:
    """A member of staff as the log, the manifest and the pages name them: full name, else username."""
    return str(user.get_full_name() or user.get_username())


class Kind(models.TextChoices):
    # Rows from before issue 11: a plain JPEG handed over at once. Stills now leave as sealed packages.
    SNAPSHOT = "snapshot", "Snapshot (still image)"
    PACKAGE = "package", "Sealed evidence package (footage)"


class Purpose(models.TextChoices):
    INTERNAL = "internal", "Internal use in school"
    SUBJECT_ACCESS = "subject_access", "Subject access request (10.2)"
    POLICE = "police", "Police request (11.3)"
    THIRD_PARTY = "third_party", "Other third party (11.5)"
    OTHER = "other", "Other"


# 13.2: copies downloaded for subject access requests and third parties (the police are one) are kept
# six months by default; internal copies stay in school (11.6) until deleted with authorisation.
KEPT_SIX_MONTHS = frozenset({Purpose.SUBJECT_ACCESS, Purpose.POLICE, Purpose.THIRD_PARTY})


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", "Awaiting authorisation"
    APPROVED = "approved", "Authorised: package queued"
    REFUSED = "refused", "Refused"
    BUILDING = "building", "Building the package"
    READY = "ready", "Package ready"
    FAILED = "failed", "Build failed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class DownloadRequest(models.Model):
    """A request to take footage out of the system as a sealed package (9.5, 11.3, 11.5, 11.6). The
    Headteacher's or a designated person's approval with a fresh second factor is Appendix I's "signature";
    a job then builds the package (evidence/tasks.py) and the CCTV log row (Download) is written."""

    SCHOOL_LOOKUP = "school"

    school = fields.school("download_requests")
    cameras = models.ManyToManyField(Camera, related_name="download_requests")
    start = models.DateTimeField(help_text="UTC")
    end = models.DateTimeField(help_text="UTC")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    reason_category = models.CharField(max_length=32, choices=ReasonCategory.choices)
    reason = models.TextField()
    # The member of staff who made the request (a person, or SYSTEM's stand-in: None).
    requested_by = fields.person_or_none()
    requested_at = models.DateTimeField()
    # Appendix I "Name of Requestor who wants to see the recording": a member of staff, or an external
    # recipient (police officer, solicitor, parent) with their organisation.
    requestor_user = fields.person_or_none()
    recipient_name = models.CharField(max_length=200, blank=True)
    recipient_organisation = models.CharField(max_length=200, blank=True)
    legal_basis = models.TextField(blank=True)
    case_reference = models.CharField(max_length=100, blank=True)
    # 10.4.1: a subject access copy is redacted unless only the requester appears in it.
    redaction = models.ForeignKey(
        Redaction, on_delete=models.PROTECT, related_name="download_requests", null=True, blank=True
    )
    only_requester_appears = models.BooleanField(default=False)
    # 10.4.2, 10.4.3: the Headteacher released this subject access copy unredacted (every other person
    # consented or a para 16 decision); the decision and the names stay in the case (subjectaccess).
    unredacted_release = models.BooleanField(default=False)
    # 13.2: a police request to keep the copy longer than six months, carried to the copy when it is built:
    # until when, who asked and why.
    keep_until = models.DateField(null=True, blank=True)
    keep_asked_by = models.CharField(max_length=300, blank=True)
    keep_reason = models.TextField(blank=True)
    # A still image of this moment (UTC) of the one camera, instead of footage (9.5, 11.6): the player's
    # "Ask for a still". The window is then the segment holding it.
    still_at = models.DateTimeField(null=True, blank=True, help_text="UTC: the moment of a still image.")
    status = models.CharField(max_length=16, choices=RequestStatus.choices, default=RequestStatus.REQUESTED)
    decided_by = fields.person_or_none()
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    # The nomination an alternate authorised under (Appendix I); empty for the Headteacher and the DPO.
    nomination = models.ForeignKey(
        "people.Nomination", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # Staff involved in the incident or shown in the footage, named by the asker (optional): none of them
    # decides the request (9.2, 9.5; people/deciders.py).
    staff_involved = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    # The build job (jobs.JobRecord.task_id) and, when it failed, why. Never the password (11.6).
    job_task_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    failure = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self) -> str:
        return f"Download request {self.pk} ({self.get_status_display()})"

    @property
    def requestor_display(self) -> str:
        if self.requestor_user is not None:
            return person_name(self.requestor_user)
        if self.recipient_organisation:
            return f"{self.recipient_name} ({self.recipient_organisation})"
        return self.recipient_name


class Download(models.Model):
    """One row of the CCTV log (Appendix I). The authoriser and the time of their authorisation are
    copied from the viewing authorisation, so the log reads the same whatever later happens to it."""

    SCHOOL_LOOKUP = "school"

    school = fields.school("downloads")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Appendix I: "authorisation to download a recording (signature)".
    # An old snapshot's viewing authorisation (before issue 11), or a package's download request.
    authorisation = models.ForeignKey(
        ViewingAuthorisation, on_delete=models.PROTECT, related_name="downloads", null=True, blank=True
    )
    request = models.ForeignKey(
        DownloadRequest, on_delete=models.PROTECT, related_name="downloads", null=True, blank=True
    )
    authorised_by = fields.person()
    authorised_at = models.DateTimeField()
    # When the package was built and stored (the row's own date: ordering, the keep-until date).
    downloaded_at = models.DateTimeField()
    # Appendix I "Date and time that recording was downloaded": when the copy first left the system —
    # fetched from the app, or handed over on a device — not when it was built (issue 13 §3).
    handed_over_at = models.DateTimeField(null=True, blank=True)
    handed_over_by = fields.person_or_none()
    # A copy given over outside the app (e.g. on a USB stick to a police officer): who received it and
    # when, recorded by "Record hand-over" (evidence/services/copies.py record_hand_over, issue 13 §3).
    handed_over_to = models.CharField(max_length=300, blank=True)
    handed_over_to_at = models.DateTimeField(null=True, blank=True)
    # "Reason for recording being downloaded": the authorisation's category and words.
    reason_category = models.CharField(max_length=32, choices=ReasonCategory.choices)
    reason = models.TextField()
    # "Name of Requestor who wants to see the recording": the person who downloaded it (a snapshot) or who
    # asked for the package (None: the installation itself); the request names an external requestor.
    requested_by = fields.person_or_none()
    # "Date and time the recording was viewed": recorded by "Record viewing" (the time the requestor saw
    # the copy) or when the copy is viewed in the app.
    viewed_at = models.DateTimeField(null=True, blank=True)
    viewed_recorded_by = fields.person_or_none()
    # "authorisation to delete a recording (signature)" and "Date that a recording was deleted" (issue 5).
    deletion_authorised_by = fields.person_or_none()
    deletion_authorised_at = models.DateTimeField(null=True, blank=True)
    # The nomination an alternate authorised the deletion under (Appendix I); empty for the Headteacher.
    deletion_nomination = models.ForeignKey(
        "people.Nomination", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    # What was taken.
    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="downloads")
    frame_at = models.DateTimeField(help_text="UTC: the moment of the frame (snapshot) or the first moment.")
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the file handed over.")
    package_file = models.CharField(
        max_length=200, blank=True, help_text="A sealed package's file name in <data dir>/exports/."
    )
    # The stored package is encrypted at rest with its own AES-256-GCM key, wrapped by the school key.
    # Deleting the copy destroys this first (design/evidence.md "Stored copies").
    wrapped_key = models.BinaryField(null=True, blank=True)
    key_id = models.CharField(max_length=64, blank=True)
    # 13.2: the copy's keep-until date; a police request may extend it.
    expires_on = models.DateField(null=True, blank=True)
    expiry_note = models.TextField(blank=True)
    # 13.2: a longer keep asked for by the police, recorded on the copy itself: who asked (officer and
    # force), who recorded it and when; the date is expires_on, the reason expiry_note.
    expiry_asked_by = models.CharField(max_length=300, blank=True)
    expiry_set_by = fields.person_or_none()
    expiry_set_at = models.DateTimeField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True, help_text="When the daily check flagged it as due.")
    overdue_on = models.DateField(null=True, blank=True, help_text="When the daily check flagged it overdue.")

    class Meta:
        ordering = ["-downloaded_at", "-pk"]
        indexes = [models.Index(fields=["school", "downloaded_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk} of {self.camera_id} at {self.frame_at:%Y-%m-%d %H:%M:%S}"


class HoldRelease(models.Model):
    """The CCTV administrator's release of footage under an evidential hold for one download request, or
    for one redaction (9.6: held footage is theirs alone). Without it held footage is not authorised, built
    or redacted; the package's manifest lists every release it was made under (design/evidence.md)."""

    SCHOOL_LOOKUP = "school"

    school = fields.school("+")
    hold = models.ForeignKey("recording.Hold", on_delete=models.PROTECT, related_name="releases")
    request = models.ForeignKey(
        DownloadRequest, on_delete=models.PROTECT, related_name="hold_releases", null=True, blank=True
    )
    redaction = models.ForeignKey(
        Redaction, on_delete=models.PROTECT, related_name="hold_releases", null=True, blank=True
    )
    released_by = fields.person()
    released_at = models.DateTimeField()
    reason = models.TextField()

    class Meta:
        ordering = ["released_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(request__isnull=False, redaction__isnull=True)
                | models.Q(request__isnull=True, redaction__isnull=False),
                name="hold_release_for_one_request_or_redaction",
            ),
            models.UniqueConstraint(fields=["hold", "request"], name="one_release_per_hold_and_request"),
            models.UniqueConstraint(fields=["hold", "redaction"], name="one_release_per_hold_and_redaction"),
        ]

    def __str__(self) -> str:
        target = f"request {self.request_id}" if self.request_id else f"redaction {self.redaction_id}"
        return f"Release of hold {self.hold_id} for {target}"

    @property
    def given_for(self) -> str:
        if self.request_id:
            return f"download request #{self.request_id}"
        return f"redaction #{self.redaction_id}"


class Mishap(models.TextChoices):
    """What a person who held or handled a copy reports about it (15.1, 11.6): each opens a breach draft."""

    LOST = "lost", "Reported lost"
    PASSWORD_WITH_FILE = "password_with_file", "Password reported sent with the file (11.6)"


class CopyReport(models.Model):
    """A copy (a CCTV log row) reported lost, or its package's password reported sent with the file (11.6),
    by someone who held or handled it: who, when, what they said, and the breach draft it opened for the
    DPO (15.1; design/evidence.md "Copies reported lost")."""

    SCHOOL_LOOKUP = "school"

    school = fields.school("+")
    download = models.ForeignKey(Download, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(max_length=20, choices=Mishap.choices)
    reported_by = fields.person()
    reported_at = models.DateTimeField()
    # When the reporter (so the trust) first knew: the breach's 72-hour clock runs from here.
    noticed_at = models.DateTimeField()
    account = models.TextField()  # what they said, in their own words
    # The draft it opened (or joined). Kept when the breach register's retention deletes the breach.
    breach = models.ForeignKey(
        "breaches.Breach", on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["reported_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: copy {self.download_id}"
