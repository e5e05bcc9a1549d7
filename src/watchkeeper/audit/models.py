"""The append-only, hash-chained audit log (design/audit.md)."""

from __future__ import annotations

from django.db import models

from watchkeeper.core import fields

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    """One recorded change or access. Rows are never updated or deleted: database triggers refuse it."""

    SCHOOL_LOOKUP = "school"

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = fields.person_or_none()
    # The actor's user name at the time, so the chain does not depend on a row that may later change.
    actor_name = models.CharField(max_length=150)
    school = fields.school_or_none("+")
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=80, blank=True)
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditHead(models.Model):
    """The newest event's sequence and hash, sealed with the audit key: shows if the tail was cut off.

    One row (pk=1). Appends lock it, which also serialises writers on PostgreSQL.
    """

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)
    seal = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"audit head #{self.seq}"
