"""What a person chose not to be told, and which deadline notices have gone (design/notices.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class OptOut(models.Model):
    """`user` asked not to be e-mailed about `kind` (notices/kinds.py). Statutory deadlines ignore it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=64)
    chosen_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notices_one_opt_out_per_kind")]

    def __str__(self) -> str:
        return f"{self.user_id} opted out of {self.kind}"


class Threshold(models.TextChoices):
    WEEK = "7d", "Due within 7 days"
    DAY = "1d", "Due within 1 day"
    OVERDUE = "overdue", "Overdue"


class SentNotice(models.Model):
    """A deadline notice that went: one per inbox item (InboxItem.key), threshold and person, never twice."""

    key = models.CharField(max_length=120)
    threshold = models.CharField(max_length=8, choices=Threshold.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "threshold", "user"], name="notices_each_threshold_once")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.threshold} to {self.user_id}"
