"""The breach register (15.1; UK GDPR Art 33, 34; design/breaches.md): every suspected personal data breach,
its 72-hour clock from the trust's first awareness, the DPO's risk assessment and decisions, and every
notification made — to the ICO (in phases), to the people affected, and to others."""

from __future__ import annotations

from django.db import models

from watchkeeper.core import fields
from watchkeeper.estate.models import Camera


class Kind(models.TextChoices):
    """What kind of event it is; Watchkeeper opens drafts of the kinds it detects (services.open_draft)."""

    REPORTED = "reported", "Reported by a member of staff"
    AUDIT_CHAIN = "audit_chain", "The audit log failed verification"
    FOOTAGE_LOST = "footage_lost", "Held footage erased or recordings lost"
    STORAGE_CHECK = "storage_check", "The storage check found a problem"
    COPY_LOST = "copy_lost", "A copy or package was lost"
    PASSWORD_WITH_FILE = "password_with_file", "A package's password was sent with its file (11.6)"


class Category(models.TextChoices):
    """Categories of personal data in CCTV footage and its records (Art 33(3)(a))."""

    IMAGES_PUPILS = "images_pupils", "Images of pupils"
    IMAGES_STAFF = "images_staff", "Images of staff"
    IMAGES_VISITORS = "images_visitors", "Images of visitors or the public"
    VEHICLES = "vehicles", "Vehicle number plates"
    REQUESTS = "requests", "Requesters' details (subject access, police, FOI)"
    SPECIAL = "special", "Special category data (e.g. health, religion seen in footage)"
    CRIMINAL = "criminal", "Criminal offence data"
    ACCOUNTS = "accounts", "Staff accounts and the audit log"


class Likelihood(models.TextChoices):
    REMOTE = "remote", "Remote"
    POSSIBLE = "possible", "Possible"
    LIKELY = "likely", "Likely"


class Severity(models.TextChoices):
    MINIMAL = "minimal", "Minimal"
    SIGNIFICANT = "significant", "Significant"
    SEVERE = "severe", "Severe"


class Risk(models.TextChoices):
    """The risk to people's rights and freedoms the assessment comes to (clock.risk_level)."""

    UNLIKELY = "unlikely", "Unlikely to result in a risk"
    RISK = "risk", "A risk to rights and freedoms"
    HIGH = "high", "A high risk to rights and freedoms"


class ICODecision(models.TextChoices):
    NOTIFY = "notify", "Notify the ICO (Art 33(1))"
    NOT_NOTIFY = "not_notify", "Do not notify: unlikely to result in a risk (Art 33(1), reasons recorded)"
    NOT_A_BREACH = "not_a_breach", "Not a personal data breach (reasons recorded)"


class IndividualsDecision(models.TextChoices):
    NOTIFY = "notify", "Tell the people affected (Art 34(1))"
    EXCEPTION_A = "exception_a", "Art 34(3)(a): the data was unintelligible to others (e.g. encrypted)"
    EXCEPTION_B = "exception_b", "Art 34(3)(b): later measures mean the high risk is no longer likely"
    EXCEPTION_C = "exception_c", "Art 34(3)(c): telling each person would take disproportionate effort"


class Recipients(models.TextChoices):
    PEOPLE = "people", "The people themselves"
    PARENTS = "parents", "Their parents or carers (young pupils)"
    BOTH = "both", "The people and, for young pupils, their parents or carers"


class Party(models.TextChoices):
    POLICE = "police", "The police"
    INSURER = "insurer", "The trust's insurer"
    BOARD = "board", "The trust board"
    OTHER = "other", "Someone else"


class Breach(models.Model):
    """One suspected breach. `school` is empty for a trust-wide event (the audit log), which only trust-wide
    roles (the DPO) see. A draft is one Watchkeeper opened itself, awaiting the DPO."""

    SCHOOL_LOOKUP = "school"

    school = fields.school_or_none("breaches")
    kind = models.CharField(max_length=24, choices=Kind.choices, default=Kind.REPORTED)
    draft = models.BooleanField(default=False)
    source_key = models.CharField(max_length=200, blank=True)  # a draft's event, so it opens once
    what_happened = models.TextField()
    happened_at = models.DateTimeField(null=True, blank=True)  # None: not known
    aware_at = models.DateTimeField()  # the trust's first awareness: the 72-hour clock starts here
    reported_by = fields.person_or_none()
    reported_at = models.DateTimeField()
    cameras = models.ManyToManyField(Camera, related_name="breaches", blank=True)
    involved = models.TextField(blank=True)  # footage, packages or copies in the reporter's words
    people_affected = models.PositiveIntegerField(null=True, blank=True)  # approximate
    records_affected = models.PositiveIntegerField(null=True, blank=True)  # approximate
    categories = models.JSONField(default=list, blank=True)
    children_images = models.BooleanField(default=False)
    # The DPO's risk assessment.
    likelihood = models.CharField(max_length=16, choices=Likelihood.choices, blank=True)
    severity = models.CharField(max_length=16, choices=Severity.choices, blank=True)
    risk = models.CharField(max_length=16, choices=Risk.choices, blank=True)
    risk_notes = models.TextField(blank=True)
    assessed_by = fields.person_or_none()
    assessed_at = models.DateTimeField(null=True, blank=True)
    # The ICO decision (Art 33(1), 33(5)).
    ico_decision = models.CharField(max_length=16, choices=ICODecision.choices, blank=True)
    ico_reasons = models.TextField(blank=True)
    decided_by = fields.person_or_none()
    decided_at = models.DateTimeField(null=True, blank=True)
    # The people affected (Art 34).
    individuals_decision = models.CharField(max_length=16, choices=IndividualsDecision.choices, blank=True)
    individuals_recipients = models.CharField(max_length=16, choices=Recipients.choices, blank=True)
    individuals_notice = models.TextField(blank=True)  # plain language, Art 34(2) / 33(3)(b)-(d)
    individuals_reasons = models.TextField(blank=True)  # why an Art 34(3) exception applies
    safeguarding_checked_by = fields.person_or_none()
    individuals_decided_by = fields.person_or_none()
    individuals_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-aware_at", "-pk"]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"BR-{self.reported_at:%Y}-{self.pk:04d}"

    def categories_words(self) -> str:
        labels = dict(Category.choices)
        return "; ".join(str(labels.get(c, c)) for c in self.categories)


class EvidenceLink(models.Model):
    """What a breach rests on: an audit event, a package or download, a segment, a check's finding."""

    SCHOOL_LOOKUP = "breach__school"

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="links")
    label = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return self.label


class ICONotification(models.Model):
    """One phase of the notification to the ICO (Art 33(4)): the Art 33(3) content as known then."""

    SCHOOL_LOOKUP = "breach__school"

    breach = models.ForeignKey(Breach, on_delete=models.PROTECT, related_name="ico_phases")
    phase = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()
    nature = models.TextField()  # (a) incl. categories and approximate numbers of people and records
    dpo_contact = models.TextField()  # (b)
    consequences = models.TextField(blank=True)  # (c)
    measures = models.TextField(blank=True)  # (d)
    late_reasons = models.TextField(blank=True)  # Art 33(1): a notification after 72 hours says why
    ico_reference = models.CharField(max_length=100, blank=True)
    made_by = fields.person()

    class Meta:
        ordering = ["phase"]
        constraints = [models.UniqueConstraint(fields=["breach", "phase"], name="breach_ico_phase_once")]

    def __str__(self) -> str:
        return f"{self.breach} ICO phase {self.phase}"


class OtherNotification(models.Model):
    """A notification to someone other than the ICO or the people affected: police, insurer, board."""

    SCHOOL_LOOKUP = "breach__school"

    breach = models.ForeignKey(Breach, on_delete=models.PROTECT, related_name="other_notifications")
    party = models.CharField(max_length=16, choices=Party.choices)
    notified_at = models.DateTimeField()
    reference = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    made_by = fields.person()

    class Meta:
        ordering = ["notified_at", "pk"]

    def __str__(self) -> str:
        return f"{self.breach} told {self.party}"
