"""Misuse alerts (16; design/misuse.md): what the rules found, the DPO's outcome, the trust's thresholds, the
staff privacy notice and DPIA that make the monitoring lawful, and each school's hours."""

from __future__ import annotations

from datetime import time

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from watchkeeper.core import fields
from watchkeeper.estate.models import Trust


class Outcome(models.TextChoices):
    NO_CONCERN = "no_concern", "No concern"
    SPOKE = "spoke", "Spoke to the person"
    DISCIPLINARY = "disciplinary", "Disciplinary referral (16.2)"
    POLICE_ICO = "police_ico", "Referred to the police or the ICO (DPA 2018 s170, s173)"
    BREACH = "breach", "Breach opened (15.1)"


class Alert(models.Model):
    """One thing a rule found about one person. Not a finding: the DPO (or, about the DPO, the board's or
    IG group's chair: `handler`) looks and records the outcome; nothing follows automatically."""

    SCHOOL_LOOKUP = "school"

    rule = models.CharField(max_length=1)
    key = models.CharField(max_length=120, unique=True, help_text="What was found, so a rerun adds nothing.")
    subject = fields.person()
    school = fields.school_or_none("+")
    # Empty: the DPO. Alerts about a DPO go to the chair, who alone sees them.
    handler = fields.person_or_none()
    summary = models.CharField(max_length=300)
    figures = models.JSONField(default=dict)
    found_at = models.DateTimeField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    decided_by = fields.person_or_none()
    decided_at = models.DateTimeField(null=True, blank=True)
    breach = models.ForeignKey(
        "breaches.Breach", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-found_at", "-pk"]

    def __str__(self) -> str:
        return f"Misuse alert {self.pk}"

    @property
    def reference(self) -> str:
        return f"MA-{self.pk}"


class MisuseSettings(models.Model):
    """The DPO's settings for monitoring staff: one row per trust, with these defaults until first saved."""

    trust = models.OneToOneField(Trust, on_delete=models.PROTECT, related_name="misuse_settings")
    spike_factor = models.FloatField(default=3.0, validators=[MinValueValidator(1.0), MaxValueValidator(20)])
    spike_floor = models.PositiveIntegerField(default=20, validators=[MaxValueValidator(10000)])
    refusals_per_day = models.PositiveIntegerField(default=5, validators=[MinValueValidator(2)])
    unviewed_days = models.PositiveIntegerField(default=14, validators=[MinValueValidator(1)])
    fetch_addresses = models.PositiveIntegerField(default=2, validators=[MinValueValidator(2)])
    no_concern_keep_days = models.PositiveIntegerField(
        default=90, validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )
    # ICO monitoring-workers guidance: staff are told (privacy notice) and the monitoring is assessed (DPIA).
    staff_notice_link = models.URLField(max_length=500, blank=True)
    staff_notice_on = models.DateField(null=True, blank=True)
    monitoring_dpia = models.ForeignKey(
        "compliance.DPIA", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    updated_by = fields.person_or_none()
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "misuse settings"

    def __str__(self) -> str:
        return f"Misuse settings of {self.trust}"


class SchoolDay(models.Model):
    """One weekday of a school's hours (0 = Monday), local time. A weekday without a row is closed once the
    school has any; a school with none has the default Monday to Friday 07:30 to 18:00."""

    SCHOOL_LOOKUP = "school"

    school = fields.school("+")
    weekday = models.PositiveSmallIntegerField(validators=[MaxValueValidator(6)])
    opens = models.TimeField(default=time(7, 30))
    closes = models.TimeField(default=time(18, 0))

    class Meta:
        ordering = ["school", "weekday"]
        constraints = [models.UniqueConstraint(fields=["school", "weekday"], name="misuse_one_row_a_weekday")]

    def __str__(self) -> str:
        return f"{self.school} day {self.weekday}"
