"""Complaints about the CCTV or this policy (17.1), and data-protection complaints to the trust (DPA 2018
s164A): how each arrived, who made it and so which procedure handles it, what it concerns (cameras, a
subject access request, a window of footage and its hold), the statutory clock's steps and the outcome
(design/complaints.md)."""

from __future__ import annotations

from datetime import date

from django.db import models

from watchkeeper.complaints import clock
from watchkeeper.core import fields
from watchkeeper.estate.models import Camera


class Channel(models.TextChoices):
    """17.1, s164A(2): every way a complaint arrives is valid; none is refused for its form."""

    LETTER = "letter", "Letter"
    EMAIL = "email", "E-mail"
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Telephone"
    FORM = "form", "Complaint form (paper or online)"


class Complainant(models.TextChoices):
    """17.1: who complains decides the procedure."""

    PUBLIC = "public", "A member of the public (parent, carer, visitor, neighbour)"
    EMPLOYEE = "employee", "An employee of the trust"


class Subject(models.TextChoices):
    CCTV = "cctv", "The CCTV system (cameras, recording, signs, footage)"
    POLICY = "policy", "This CCTV policy"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Outcome given"


class Outcome(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    PARTLY_UPHELD = "partly_upheld", "Partly upheld"
    NOT_UPHELD = "not_upheld", "Not upheld"
    WITHDRAWN = "withdrawn", "Withdrawn by the complainant"


class StepKind(models.TextChoices):
    ENQUIRY = "enquiry", "Enquiry made"
    PROGRESS = "progress", "Complainant told of progress"


ROUTES = {
    Complainant.PUBLIC: "the Trust's Complaints Policy",
    Complainant.EMPLOYEE: "the Trust's Grievance Procedure",
}


class Complaint(models.Model):
    SCHOOL_LOOKUP = "school"

    school = fields.school("complaints")
    received_on = models.DateField(help_text="The day the complaint reached anyone in the trust.")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    complainant = models.CharField(max_length=16, choices=Complainant.choices)
    complainant_name = models.CharField(max_length=200)
    complainant_contact = models.TextField(help_text="Postal address, e-mail or telephone for replies.")
    subject = models.CharField(max_length=16, choices=Subject.choices)
    # s164A: about how the trust uses the complainant's personal data (their images): the Act's clock runs.
    data_protection = models.BooleanField(default=True)
    summary = models.TextField()
    route_reference = models.CharField(max_length=100, blank=True)
    cameras = models.ManyToManyField(Camera, related_name="complaints", blank=True)
    subject_access = models.ForeignKey(
        "subjectaccess.SubjectAccessRequest",
        on_delete=models.PROTECT,
        related_name="complaints",
        null=True,
        blank=True,
    )
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    hold = models.ForeignKey(
        "recording.Hold", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    acknowledged_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    outcome_by = fields.person_or_none()
    logged_by = fields.person()
    logged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"COMP-{self.pk}"

    @property
    def route(self) -> str:
        return ROUTES[Complainant(self.complainant)]

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    def last_contact_on(self) -> date | None:
        told = [s.on for s in self.steps.all() if s.kind == StepKind.PROGRESS]
        return max(told, default=None)

    def next_step(self) -> clock.NextStep:
        return clock.next_step(
            self.received_on,
            statutory=self.data_protection,
            acknowledged_on=self.acknowledged_on,
            last_contact_on=self.last_contact_on(),
            closed=not self.is_open,
        )

    def acknowledgement_due(self) -> date | None:
        return clock.acknowledgement_due(self.received_on) if self.data_protection else None


class Step(models.Model):
    """An enquiry made, or the complainant told of progress (s164A(5)): the record that nothing waited."""

    SCHOOL_LOOKUP = "complaint__school"

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(max_length=16, choices=StepKind.choices)
    on = models.DateField()
    note = models.TextField()
    by = fields.person()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.complaint.reference}: {self.get_kind_display()} {self.on}"
