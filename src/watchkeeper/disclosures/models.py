"""Disclosures to third parties (11.1–11.7; design/disclosures.md): police requests, requests from
solicitors, courts, insurers and other outside bodies, Freedom of Information requests, the school's
closure periods (for the FOI clock) and the register of every disclosure."""

from __future__ import annotations

import uuid

from django.db import models

from watchkeeper.core import fields
from watchkeeper.estate.models import Camera, Purpose


class LegalBasis(models.TextChoices):
    """The law as it stands. The policy (11.3) still cites section 29 of the Data Protection Act 1998,
    which was repealed on 25 May 2018: its successor is DPA 2018 Schedule 2 Part 1 paragraph 2."""

    CRIME = (
        "dpa2018_sch2_p1_para2",
        "DPA 2018 Sch 2 Part 1 para 2 (crime: prevention or detection of crime, apprehension or "
        "prosecution of offenders)",
    )
    LEGAL_PROCEEDINGS = (
        "dpa2018_sch2_p1_para5",
        "DPA 2018 Sch 2 Part 1 para 5 (required by law or a court order; legal proceedings, legal advice, "
        "establishing or defending legal rights)",
    )
    CONSENT = "consent", "Consent of the people shown (UK GDPR Art 6(1)(a))"


class RequesterKind(models.TextChoices):
    POLICE = "police", "Police (11.2, 11.3)"
    SOLICITOR = "solicitor", "Solicitor (11.5)"
    COURT = "court", "Court or tribunal (11.5)"
    INSURER = "insurer", "Insurer (11.5)"
    OTHER = "other", "Other outside body (11.5)"


class Grounds(models.TextChoices):
    """11.5: the documentary evidence that normally justifies a release to an outside body."""

    LEGAL_PROCEEDINGS = "legal_proceedings", "Required for legal proceedings"
    COURT_ORDER = "court_order", "A court order"
    SUBJECT_ACCESS = "subject_access", "A subject access request made on someone's behalf"
    OTHER = "other", "Other (explain)"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "Awaiting the Headteacher's decision"
    APPROVED = "approved", "Approved: footage sent to the evidence workflow"
    REFUSED = "refused", "Refused"


class ReviewOutcome(models.TextChoices):
    """11.3, 10.2: what the approved reviewer found in the footage sought."""

    SHOWS = "shows", "The footage shows what was sought"
    NOT_SHOWN = "not_shown", "The footage does not show what was sought"


class DisclosureRequest(models.Model):
    """A request from the police (11.2, 11.3) or an outside body (11.5) for recorded footage, referred to
    the Headteacher, who decides it (or a designated person, the nominated alternate of Appendix I)."""

    SCHOOL_LOOKUP = "school"

    school = fields.school("disclosure_requests")
    kind = models.CharField(max_length=16, choices=RequesterKind.choices)
    # Who asks: the officer and force, or the solicitor, court, insurer and their organisation.
    requester_name = models.CharField(max_length=200)
    requester_organisation = models.CharField(max_length=200)
    collar_number = models.CharField(max_length=32, blank=True, help_text="Police only.")
    reference = models.CharField(
        max_length=100, help_text="Crime or incident reference (police); case or claim reference otherwise."
    )
    contact = models.CharField(max_length=200, blank=True)
    # What is sought and why.
    cameras = models.ManyToManyField(Camera, related_name="disclosure_requests")
    start = models.DateTimeField(help_text="UTC: the first moment of footage sought.")
    end = models.DateTimeField(help_text="UTC: the last moment of footage sought.")
    sought = models.TextField(help_text="What is sought, in the requester's words.")
    reason = models.TextField(help_text="Why it is sought.")
    # Police (11.2): the purpose of the CCTV (4.1) the request falls under, as logged and as confirmed.
    purpose = models.CharField(max_length=8, choices=Purpose.choices, blank=True)
    confirmed_purpose = models.CharField(max_length=8, choices=Purpose.choices, blank=True)
    # Outside bodies (11.5).
    grounds = models.CharField(max_length=24, choices=Grounds.choices, blank=True)
    legal_basis = models.CharField(max_length=32, choices=LegalBasis.choices)
    # 13.2: the police may ask for the downloaded copy to be kept longer than six months.
    keep_longer = models.BooleanField(default=False)
    keep_longer_reason = models.TextField(blank=True)
    # Until when the police ask it kept: carried to the copy itself on approval (evidence.Download).
    keep_until = models.DateField(null=True, blank=True)
    received_on = models.DateField()
    logged_by = fields.person()
    logged_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    decided_by = fields.person_or_none()
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    # The nomination an alternate decided under (11.3, Appendix I); empty for the Headteacher and the DPO.
    nomination = models.ForeignKey(
        "people.Nomination", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # 9.6, 13.1: the footage sought is held from the moment the request is logged, so retention cannot erase
    # it while the Headteacher decides; released (audited) when the request is refused.
    hold = models.ForeignKey(
        "recording.Hold", on_delete=models.PROTECT, related_name="disclosure_requests", null=True, blank=True
    )
    # 11.3, 10.2: before the decision the footage is reviewed by an approved user under a normal viewing
    # authorisation (reason "disclosure"), and the reviewer records what it shows.
    review = models.ForeignKey(
        "viewing.ViewingAuthorisation", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    review_outcome = models.CharField(max_length=16, choices=ReviewOutcome.choices, blank=True)
    review_finding = models.TextField(blank=True, help_text="What the reviewer saw, in a few words.")
    finding_by = fields.person_or_none()
    finding_at = models.DateTimeField(null=True, blank=True)
    # 11.3, 10.2: an approval although the reviewer found the footage does not show what was sought needs
    # the decider's explicit override, with its reason (audited as disclosures.review_overridden).
    review_override = models.TextField(
        blank=True, help_text="Why it was approved although the review found nothing of what was sought."
    )
    # The evidence workflow's request made on approval (evidence.DownloadRequest), by id so that this app
    # does not depend on that model's migrations.
    download_request_id = models.PositiveIntegerField(null=True, blank=True)
    # 11.5: "if there are any concerns … the Trust's Data Protection Officer should be contacted".
    escalated_by = fields.person_or_none()
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalation_note = models.TextField(blank=True)
    dpo_advice = models.TextField(blank=True)
    advised_by = fields.person_or_none()
    advised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-logged_at", "-pk"]
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self) -> str:
        return f"{self.kind_name} request {self.pk} ({self.reference})"

    @property
    def kind_name(self) -> str:
        """Who asked, in plain words ("Police"): the choice's label without its clauses, which pages put after
        the words ("Police request #1 (11.2, 11.3)", not "Police (11.2, 11.3) request #1")."""
        return str(self.get_kind_display()).split(" (")[0]

    @property
    def kind_clauses(self) -> str:
        """The clauses of the kind ("11.2, 11.3"), for a small note after the words."""
        label = str(self.get_kind_display())
        return label[label.find(" (") + 2 : -1] if " (" in label else ""

    @property
    def is_police(self) -> bool:
        return self.kind == RequesterKind.POLICE


class DocumentKind(models.TextChoices):
    COURT_ORDER = "court_order", "Court order"
    PROOF_OF_PROCEEDINGS = "proof_of_proceedings", "Proof of legal proceedings"
    SIGNED_REQUEST = "signed_request", "Signed request"
    CONSENT = "consent", "Signed consent"
    OTHER = "other", "Other"


class Document(models.Model):
    """Documentary evidence for a request (11.5). The file is stored under <data dir>/disclosures/,
    AES-256-GCM encrypted with its own key wrapped by the school key (recording/crypto.py)."""

    SCHOOL_LOOKUP = "request__school"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(DisclosureRequest, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=24, choices=DocumentKind.choices)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, help_text="Of the file as uploaded.")
    key_id = models.CharField(max_length=64)
    wrapped_key = models.BinaryField()
    uploaded_by = fields.person()
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"


class FOIDecision(models.TextChoices):
    WITHHELD = "withheld_s40_2", "Withheld: personal data of identifiable people (FOIA 2000 s40(2))"
    RELEASED = "released", "Released"
    PARTLY = "partly", "Partly released (the rest withheld under s40(2) or another exemption)"


class FOIRequest(models.Model):
    """A Freedom of Information request for CCTV images (11.7), with its own clock (clock.py)."""

    SCHOOL_LOOKUP = "school"

    school = fields.school("foi_requests")
    requester_name = models.CharField(max_length=200)
    contact = models.CharField(max_length=200)
    received_on = models.DateField()
    sought = models.TextField()
    # 11.7: the footage the request is about, held like any request's while it is answered (9.6, 13.1).
    # Empty on requests logged before issue 13.
    cameras = models.ManyToManyField(Camera, related_name="foi_requests", blank=True)
    start = models.DateTimeField(null=True, blank=True, help_text="UTC: the first moment of footage sought.")
    end = models.DateTimeField(null=True, blank=True, help_text="UTC: the last moment of footage sought.")
    hold = models.ForeignKey(
        "recording.Hold", on_delete=models.PROTECT, related_name="foi_requests", null=True, blank=True
    )
    logged_by = fields.person()
    logged_at = models.DateTimeField()
    decision = models.CharField(max_length=16, choices=FOIDecision.choices, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_by = fields.person_or_none()
    decided_at = models.DateTimeField(null=True, blank=True)
    # The nomination an alternate decided under (11.7, Appendix I); empty for the Headteacher and the DPO.
    nomination = models.ForeignKey(
        "people.Nomination", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return f"FOI request {self.pk} from {self.requester_name}"


class ClosurePeriod(models.Model):
    """Days the school is closed to pupils (holidays, INSET days): not school days for the FOI clock."""

    SCHOOL_LOOKUP = "school"

    school = fields.school("closure_periods")
    first_day = models.DateField()
    last_day = models.DateField()
    description = models.CharField(max_length=200)
    added_by = fields.person()
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["first_day"]

    def __str__(self) -> str:
        return f"{self.description} ({self.first_day}–{self.last_day})"


class Disclosure(models.Model):
    """A disclosure that left no package (an in-school viewing, an FOI release, …), in the register
    (11.1) beside the evidence packages, which the register reads from the evidence app."""

    SCHOOL_LOOKUP = "school"

    school = fields.school("disclosures")
    disclosed_at = models.DateTimeField()
    recipient_name = models.CharField(max_length=200)
    recipient_organisation = models.CharField(max_length=200, blank=True)
    what = models.TextField()
    # 11.1: why it was disclosed (the register's reason column).
    reason = models.TextField(blank=True)
    legal_basis = models.CharField(max_length=300)
    # 11.4: the conditions the images were released on, as told to the recipient (release_terms).
    conditions = models.TextField(blank=True)
    authorised_by = fields.person()
    reference = models.CharField(max_length=100, blank=True)
    recorded_by = fields.person_or_none()
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-disclosed_at", "-pk"]

    def __str__(self) -> str:
        return f"Disclosure {self.pk} to {self.recipient_name}"
