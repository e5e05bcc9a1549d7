"""Unapproved previews are not kept (13.1, 13.2; issue 13 §3): a rendered preview that nobody approved within
PREVIEW_KEEP_DAYS of its render is deleted — its wrapped key destroyed first (so no backup of the file
opens), then the file — by the daily `redaction_preview_purge` job, as SYSTEM, audited. The redaction row
and the reviewer's decisions stay: a reviewer who comes back previews again. Approved copies are never
touched here (their retention is that of the package that carries them, design/evidence.md)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from watchkeeper.core.actors import SYSTEM
from watchkeeper.core.clauses import enforces
from watchkeeper.recording.retention import secure_delete
from watchkeeper.redaction.models import Redaction, Status
from watchkeeper.redaction.services import files
from watchkeeper.redaction.services.access import audit

# A preview is watched the day it is rendered; a week covers a reviewer's absence. Could move to the
# DPO's settings.
PREVIEW_KEEP_DAYS = 7
# Statuses in which a rendered copy is only a preview: waiting for review, or a later job failed.
UNAPPROVED = (Status.REVIEW, Status.FAILED, Status.PROPOSING)


def stale_previews(now: datetime) -> list[Redaction]:
    """Unapproved redactions whose rendered preview is older than PREVIEW_KEEP_DAYS."""
    cutoff = now - timedelta(days=PREVIEW_KEEP_DAYS)
    return list(
        Redaction.objects.filter(status__in=UNAPPROVED, rendered_at__lt=cutoff)
        .exclude(output_wrapped_key=None)
        .exclude(output_path="")
    )


@enforces("13.1", "13.2")
def purge_stale_previews(now: datetime) -> int:
    """Delete every stale unapproved preview; returns how many. Each is re-read under a row lock, so a
    preview approved (or re-rendered) since it was listed is left alone."""
    purged = 0
    for redaction in stale_previews(now):
        old = _destroy_key(redaction, now)
        if old:
            files.remove_output(old)
            purged += 1
    return purged


def _destroy_key(redaction: Redaction, now: datetime) -> str:
    cutoff = now - timedelta(days=PREVIEW_KEEP_DAYS)
    with secure_delete(), transaction.atomic():
        row = Redaction.objects.select_for_update().get(pk=redaction.pk)
        if row.status not in UNAPPROVED or row.rendered_at is None or row.rendered_at >= cutoff:
            return ""
        if row.output_wrapped_key is None or not row.output_path:
            return ""
        old, rendered = row.output_path, row.rendered_at
        Redaction.objects.filter(pk=row.pk).update(
            output_wrapped_key=None, output_path="", output_digest="", output_sha256=""
        )
        audit(
            "redaction.preview_purged",
            SYSTEM,
            row,
            reason=f"13.1: an unapproved preview is kept {PREVIEW_KEEP_DAYS} days",
            rendered_at=rendered.isoformat(),
        )
    return old
