"""Subject access requests (10.1–10.4; UK GDPR Art 15, 12(3); DPA 2018 Sch 2 Part 3 para 16).

A case holds what the requester asked for (who, what they looked like, which cameras and when), the
statutory clock's inputs, a hold on the footage, the viewing authorisation for the review, and one outcome
per clip with a decision for every other person who appears in it (design/subjectaccess.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db import models

from watchkeeper.core import fields
from watchkeeper.core.dates import uk_datetime, uk_window
from watchkeeper.estate.models import Camera
from watchkeeper.subjectaccess import clock

if TYPE_CHECKING:
    from watchkeeper.recording.models import Hold
    from watchkeeper.viewing.models import ViewingAuthorisation


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    AWAITING_CLARIFICATION = "awaiting_clarification", "Awaiting clarification (clock paused)"
    EXTENDED = "extended", "Extended (complex request)"
    RESPONDED = "responded", "Responded"
    CLOSED = "closed", "Closed"
    REFUSED = "refused", "Refused as manifestly unfounded or excessive"


# A case in one of these still needs an answer: its clock runs and its footage stays held.
LIVE_STATUSES = (CaseStatus.OPEN, CaseStatus.AWAITING_CLARIFICATION, CaseStatus.EXTENDED)


class IdentityBasis(models.TextChoices):
    VERIFIED = "verified", "Verified (documents or other evidence)"
    KNOWN_TO_STAFF = "known_to_staff", "Known to staff"


class RequestKind(models.TextChoices):
    """The right the requester exercises: each is recorded and decided like access, with the same month."""

    ACCESS = "access", "Access to the footage (Art 15)"
    ERASURE = "erasure", "Erasure of the footage (Art 17)"
    RESTRICTION = "restriction", "Restriction of its use (Art 18)"
    OBJECTION = "objection", "Objection to its use (Art 21, against public-task processing)"


class Relationship(models.TextChoices):
    """Who the requester is to the person in the footage (a request may be made for someone else)."""

    SELF = "self", "The person in the footage"
    PARENT = "parent", "A parent with parental responsibility"
    AUTHORISED = "authorised", "Another person with the data subject's written authority"


class SubjectAccessRequest(models.Model):
    SCHOOL_LOOKUP = "school"

    kind = models.CharField(max_length=16, choices=RequestKind.choices, default=RequestKind.ACCESS)
    relationship = models.CharField(max_length=16, choices=Relationship.choices, default=Relationship.SELF)
    # A request for someone else (a child, usually): the child's competence to make it themselves and their
    # views, recorded by the school, and the designated safeguarding lead's check before anything is released
    # (DPA 2018 Sch 3 Part 5: child-abuse data may be exempt).
    child_competence = models.TextField(blank=True)
    child_views = models.TextField(blank=True)
    safeguarding_checked_by = fields.person_or_none()
    safeguarding_checked_at = models.DateTimeField(null=True, blank=True)
    safeguarding_note = models.TextField(blank=True)
    # Received through the public form (public app): nobody logged it, the form did.
    by_public_form = models.BooleanField(default=False)

    school = fields.school("subject_access_requests")
    received_on = models.DateField(help_text="The day the request reached the school (10.1).")
    requester_name = models.CharField(max_length=200)
    requester_contact = models.TextField(help_text="Postal address, e-mail or telephone for the reply.")
    identity_basis = models.CharField(max_length=20, choices=IdentityBasis.choices, blank=True)
    identity_note = models.TextField(
        blank=True, help_text="How identity was verified, or why the requester is known to staff."
    )
    identity_confirmed_on = models.DateField(null=True, blank=True)
    description = models.TextField(
        help_text="What the person looked like: clothing, appearance, what they did."
    )
    cameras = models.ManyToManyField(Camera, related_name="subject_access_requests")
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    status = models.CharField(max_length=24, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    extension_months = models.PositiveSmallIntegerField(default=0)
    extension_notified_on = models.DateField(null=True, blank=True)
    outcome_note = models.TextField(blank=True, help_text="Why refused, responded or closed.")
    hold = models.ForeignKey(
        "recording.Hold", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    review = models.ForeignKey(
        "viewing.ViewingAuthorisation", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    logged_by = fields.person_or_none()  # None: received through the public form
    logged_at = models.DateTimeField(auto_now_add=True)
    # When the data subject is a member of staff: their account, so that they never decide a request for
    # their own footage (people/deciders.py). Optional.
    subject_account = fields.person_or_none()
    responded_on = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self) -> str:
        return f"{self.reference} ({self.requester_name})"

    @property
    def reference(self) -> str:
        return f"SAR-{self.pk}"

    @property
    def for_someone_else(self) -> bool:
        return self.relationship != Relationship.SELF

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    def windows(self) -> list[Window]:
        """Every window the case covers: the one logged with it, then those added since (10.2)."""
        first = Window(None, self.window_start, self.window_end, self.hold, self.review)
        return [first, *(Window(w, w.start, w.end, w.hold, w.review) for w in self.more_windows.all())]

    def pauses(self) -> list[clock.Pause]:
        return [clock.Pause(p.started_on, p.ended_on) for p in self.clarifications.all()]

    def deadline(self, today: date) -> date | None:
        return clock.deadline(
            self.received_on,
            self.identity_confirmed_on,
            today,
            pauses=self.pauses(),
            extension_months=self.extension_months,
        )

    def clock_state(self, today: date) -> clock.ClockState:
        return clock.state(self.deadline(today), today, stopped=not self.is_live)


@dataclass(frozen=True)
class Window:
    """One window of a case, with the hold that keeps its footage and the review that sees it."""

    row: SearchWindow | None  # None: the window logged with the case (its fields on the case)
    start: datetime
    end: datetime
    hold: Hold | None
    review: ViewingAuthorisation | None


class SearchWindow(models.Model):
    """A further window the request covers (another day, another visit; 10.2): held like the first, and
    reviewed under its own viewing authorisation, so nobody sees the footage between two windows."""

    SCHOOL_LOOKUP = "case__school"

    case = models.ForeignKey(SubjectAccessRequest, on_delete=models.PROTECT, related_name="more_windows")
    start = models.DateTimeField()
    end = models.DateTimeField()
    hold = models.ForeignKey(
        "recording.Hold", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    review = models.ForeignKey(
        "viewing.ViewingAuthorisation", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reason = models.TextField(blank=True)
    added_by = fields.person()
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["start", "pk"]

    def __str__(self) -> str:
        return f"Window {uk_window(self.start, self.end)}"


class Attestation(models.Model):
    """ "Only the requester appears" (10.3), said by the reviewer who watched the footage: detectors cannot
    prove that nobody else is there, so a person who watched every recorded segment of it does, and is named.
    Needed before a viewing in school, a still, or an unredacted copy of footage showing the requester alone.
    """

    SCHOOL_LOOKUP = "case__school"

    case = models.ForeignKey(SubjectAccessRequest, on_delete=models.PROTECT, related_name="attestations")
    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()
    authorisation = models.ForeignKey(
        "viewing.ViewingAuthorisation", on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    attested_by = fields.person()
    attested_at = models.DateTimeField()

    class Meta:
        ordering = ["start", "pk"]

    def __str__(self) -> str:
        return f"{self.camera.name}, {uk_window(self.start, self.end)}: only the requester (attested)"


class Clarification(models.Model):
    """Waiting for the requester to say more (which day, which camera): the clock is paused from the day
    the question was sent until the day the answer came."""

    SCHOOL_LOOKUP = "case__school"

    case = models.ForeignKey(SubjectAccessRequest, on_delete=models.PROTECT, related_name="clarifications")
    question = models.TextField()
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    answer = models.TextField(blank=True)

    class Meta:
        ordering = ["started_on", "pk"]

    def __str__(self) -> str:
        return f"Clarification asked {self.started_on}"


class Provision(models.TextChoices):
    """What the requester is given for a clip (10.3, 10.4)."""

    VIEWING = "viewing", "Viewing in school (10.3)"
    COPY = "copy", "A copy of the footage"
    STILL = "still", "A still image — the requester appears in one scene only (10.3)"
    NOT_FOUND = "not_found", "The requester does not appear"


class Clip(models.Model):
    """One camera and window the review found; who appears decides what the requester may have."""

    SCHOOL_LOOKUP = "case__school"

    case = models.ForeignKey(SubjectAccessRequest, on_delete=models.PROTECT, related_name="clips")
    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()
    only_requester = models.BooleanField(help_text="Only the requester appears (10.3).")
    # The reviewer's word for `only_requester` (10.3): no clip claims it without one.
    attestation = models.ForeignKey(
        Attestation, on_delete=models.PROTECT, related_name="clips", null=True, blank=True
    )
    provision = models.CharField(max_length=16, choices=Provision.choices)
    # A still (10.3): the moment of the one scene the requester appears in.
    still_at = models.DateTimeField(null=True, blank=True)
    # The sealed package of this clip (a copy or a still), asked for through the evidence workflow (9.5).
    download_request = models.ForeignKey(
        "evidence.DownloadRequest", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    appointment_at = models.DateTimeField(null=True, blank=True)
    attended_by = models.TextField(blank=True, help_text="Who was present at the viewing in school.")
    note = models.TextField(blank=True)
    decided_by = fields.person()
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["start", "pk"]

    def __str__(self) -> str:
        return f"Clip {self.pk}: {self.camera.name}, {uk_datetime(self.start, seconds=True)}"


class OtherPersonBasis(models.TextChoices):
    """How another person seen in a clip is dealt with (10.4.1–10.4.3; DPA 2018 Sch 2 Part 3 para 16)."""

    REDACTED = "redacted", "Obscured by redaction (10.4.1)"
    CONSENT = "consent", "Consented to disclosure (10.4.2)"
    REASONABLE = "reasonable", "Reasonable to disclose without consent (10.4.3, Sch 2 para 16)"


# The Sch 2 Part 3 para 16(2) factors weighed when disclosing without consent: (field, label).
PARA_16_FACTORS = [
    ("information_type", "Type of information that would be disclosed"),
    ("duty_of_confidence", "Any duty of confidentiality owed to the other person"),
    ("consent_steps", "Steps taken to seek the other person's consent"),
    ("capacity", "Whether the other person is capable of giving consent"),
    ("refusal", "Any express refusal of consent by the other person"),
]


class OtherPerson(models.Model):
    SCHOOL_LOOKUP = "clip__case__school"

    clip = models.ForeignKey(Clip, on_delete=models.PROTECT, related_name="others")
    description = models.CharField(
        max_length=200, help_text="Who, without naming them: e.g. 'adult in grey coat'."
    )
    basis = models.CharField(max_length=16, choices=OtherPersonBasis.choices)
    redaction = models.ForeignKey(
        "redaction.Redaction", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    consent_by = models.CharField(max_length=200, blank=True)
    consent_on = models.DateField(null=True, blank=True)
    consent_how = models.TextField(blank=True)
    # 10.4.2: a child's own consent stands only with their capacity to give it recorded; else a parent's.
    is_child = models.BooleanField(default=False, help_text="A pupil or anyone under 18.")
    consent_capacity = models.TextField(
        blank=True, help_text="Why the child is able to understand and give consent themselves."
    )
    consent_by_parent = models.BooleanField(default=False)
    # An express refusal of consent by the person (or their parent) blocks an unredacted copy.
    refused_consent = models.BooleanField(default=False)
    information_type = models.TextField(blank=True)
    duty_of_confidence = models.TextField(blank=True)
    consent_steps = models.TextField(blank=True)
    capacity = models.TextField(blank=True)
    refusal = models.TextField(blank=True)
    decided_by = fields.person()
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description


class UnredactedRelease(models.Model):
    """The Headteacher's decision, with a fresh authenticator code, that a clip may leave unredacted because
    every other person in it consented (10.4.2) or was the subject of a documented para 16 decision (10.4.3);
    signed off by the DPO where any of them is a child. It names no one: the decisions it rests on stay in the
    school's records (OtherPerson), never in the requester's package."""

    SCHOOL_LOOKUP = "clip__case__school"

    clip = models.OneToOneField(Clip, on_delete=models.PROTECT, related_name="release")
    reason = models.TextField()
    decided_by = fields.person()
    decided_at = models.DateTimeField()
    # Who decides, as for downloads (people/deciders.py): the Headteacher, an alternate under this
    # nomination (for downloads, Appendix I), or the DPO when no Headteacher-level decider may.
    nomination = models.ForeignKey(
        "people.Nomination", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    authority = models.CharField(max_length=24, blank=True, help_text="headteacher, nominated alternate, dpo")
    needs_dpo = models.BooleanField(help_text="Another person in the clip is a child.")
    dpo_signed_by = fields.person_or_none()
    dpo_signed_at = models.DateTimeField(null=True, blank=True)
    dpo_note = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Unredacted release of clip {self.clip_id}"

    @property
    def complete(self) -> bool:
        return not self.needs_dpo or self.dpo_signed_at is not None
