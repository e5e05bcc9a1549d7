"""Unapproved previews are not kept (13.1, 13.2; issue 13 §3): a rendered preview that nobody approved within
PREVIEW_KEEP_DAYS of its render is deleted — its wrapped key destroyed first (so no backup of the file
opens), then the file — by the daily `redaction_preview_purge` job, as SYSTEM, audited. The redaction row
and the reviewer's decisions stay: a reviewer who comes back previews again. Approved copies are never
touched while a package may still carry them: an approved copy goes once it has been carried out and every
copy of every package carrying it is deleted (13.2: its retention is that of the package that carries it,
design/evidence.md), or six months after its approval if no package ever carried it — `purge_spent_copies`,
the same daily job."""

from __future__ import annotations

from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

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
        rendered = row.rendered_at
        return _forget_output(
            row,
            "redaction.preview_purged",
            f"13.1: an unapproved preview is kept {PREVIEW_KEEP_DAYS} days",
            rendered_at=rendered.isoformat(),
        )


def _forget_output(row: Redaction, event: str, reason: str, **details: str) -> str:
    """Inside the caller's locked transaction: the output's wrapped key destroyed (no backup of the file
    opens from here on), audited; returns the file's path, removed by the caller after the commit."""
    old = row.output_path
    Redaction.objects.filter(pk=row.pk).update(
        output_wrapped_key=None, output_path="", output_digest="", output_sha256=""
    )
    audit(event, SYSTEM, row, reason=reason, **details)
    return old


# --- approved copies no package will carry again -------------------------------------------------------

# 13.2's six months, the default keep of a copy made for a request: an approved copy nobody carried out in a
# package in that time (the request it was made for was answered otherwise, or dropped) is not kept longer.
UNCARRIED_KEEP_MONTHS = 6
CARRIED = "13.2: every package that carried the approved copy is deleted"
NEVER_CARRIED = (
    f"13.2: the approved copy was never carried out in a package in {UNCARRIED_KEEP_MONTHS} months"
)


def _spent(now: datetime) -> QuerySet[Redaction]:
    """Approved copies with an output, no request for them still open (asked, authorised, building or
    failed: it may yet be built) and no copy of a package carrying them left; either carried out in a
    package, or approved more than UNCARRIED_KEEP_MONTHS ago."""
    from watchkeeper.evidence.models import Download, DownloadRequest, RequestStatus

    still_open = [
        RequestStatus.REQUESTED,
        RequestStatus.APPROVED,
        RequestStatus.BUILDING,
        RequestStatus.FAILED,
    ]
    copies = Download.objects.filter(request__redaction=OuterRef("pk"))
    long_ago = now - relativedelta(months=UNCARRIED_KEEP_MONTHS)
    return (
        Redaction.objects.filter(status=Status.APPROVED)
        .exclude(output_wrapped_key=None)
        .exclude(output_path="")
        .filter(Q(Exists(copies)) | Q(approved_at__lt=long_ago))
        .exclude(Exists(copies.filter(deleted_at=None)))
        .exclude(Exists(DownloadRequest.objects.filter(redaction=OuterRef("pk"), status__in=still_open)))
        .annotate(carried=Exists(copies))
    )


@enforces("13.1", "13.2")
def purge_spent_copies(now: datetime) -> int:
    """Delete every approved copy no package will carry again; returns how many. Re-checked under a row
    lock, so a package asked for since it was listed keeps it."""
    purged = 0
    for redaction in list(_spent(now)):
        with secure_delete(), transaction.atomic():
            row = Redaction.objects.select_for_update().get(pk=redaction.pk)
            found = _spent(now).filter(pk=row.pk).first()
            if found is None:
                continue
            why = CARRIED if getattr(found, "carried", False) else NEVER_CARRIED  # annotated in _spent
            old = _forget_output(row, "redaction.copy_purged", why, purged_at=now.isoformat())
        files.remove_output(old)
        purged += 1
    return purged
