"""Stored copies (9.5, 13.2; design/evidence.md "Stored copies"): who may fetch one, the fetch itself,
recording its hand-over outside the app and its viewing (Appendix I), keeping it longer and the
authorised deletion."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from watchkeeper.core.actors import Actor, is_person, person_or_none, require_person
from watchkeeper.core.auditing import audit_about
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal, refuse_if
from watchkeeper.core.permissions import can, require
from watchkeeper.core.second_factor import FreshCode
from watchkeeper.evidence import storage
from watchkeeper.evidence.models import KEPT_SIX_MONTHS, Download, Kind
from watchkeeper.evidence.services.actions import (
    COPY_DELETED,
    COPY_EXTENDED,
    COPY_FETCHED,
    COPY_HANDED_OVER,
    COPY_VIEWED,
    EXTEND,
    FETCH,
    LOG,
)
from watchkeeper.evidence.services.decisions import check_second_factor
from watchkeeper.people.deciders import deletion_authority
from watchkeeper.recording.retention import secure_delete

KEEP_MONTHS = 6
# 13.2 gives internal copies no period; 13.1 keeps recordings at most 30 days, so an internal copy is kept
# as long by default, then flagged for deletion like any other (it may be kept longer, with a reason).
# Could move to the DPO's settings.
INTERNAL_KEEP_DAYS = 30
NOT_YOURS_TO_RECORD = "9.5: you may not record the viewing of this copy"


def exports_dir() -> Path:
    return Path(settings.DATA_DIR) / "exports"


def stored_path(download: Download) -> Path:
    return exports_dir() / Path(download.package_file).name


def audit_copy(
    action: str, actor: Actor, download: Download, details: dict[str, Any], reason: str = ""
) -> None:
    """One event of a copy's life, on its log row, in the caller's transaction."""
    audit_about(action, actor, download, reason=reason, **details)


def iso_or_none(day: date | None) -> str | None:
    return day.isoformat() if day else None


@enforces("13.1", "13.2", "R14")
def keep_until(purpose: str, downloaded_on: date, asked_until: date | None = None) -> date:
    """13.2: subject access and third-party (police included) copies are kept six months by default, or
    until the later date the police asked for; internal copies INTERNAL_KEEP_DAYS (13.1's longest). Pure."""
    if purpose in KEPT_SIX_MONTHS:
        default = downloaded_on + relativedelta(months=KEEP_MONTHS)
    else:
        default = downloaded_on + timedelta(days=INTERNAL_KEEP_DAYS)
    return max(default, asked_until) if asked_until else default


def may_fetch(actor: Actor, download: Download) -> bool:
    """The staff requestor, the Headteacher or designated person, the CCTV administrator of the school."""
    if not is_person(actor):
        return False
    req = download.request
    own = req is not None and actor.pk in (req.requestor_user_id, req.requested_by_id)
    return own or can(actor, FETCH, download.school_id)


@enforces("9.5", "13.2", "Appendix I")
def fetch_copy(actor: Actor, download: Download, *, now: datetime) -> Iterator[bytes]:
    """The stored package (the password-protected ZIP) chunk by chunk, audited as evidence.copy_fetched.
    The first fetch is when the recording left the system: Appendix I's "date and time that recording was
    downloaded" (handed_over_at), not the build."""
    if not may_fetch(actor, download):
        raise PermissionDenied(
            "9.5: only the requestor, the Headteacher or designated person, or the CCTV "
            "administrator may download this copy"
        )
    if download.kind != Kind.PACKAGE or download.deleted_at is not None:
        raise PolicyRefusal("13.2: this copy is not stored (deleted, or a snapshot that was never kept)")
    if not stored_path(download).is_file():
        raise PolicyRefusal("9.5: the stored copy's file is missing from the exports folder")
    chunks = storage.open_file(
        stored_path(download), download.package_file, download.wrapped_key, download.key_id
    )
    with transaction.atomic():
        # Only the first fetch is the hand-over; the update's filter keeps two at once from both setting it.
        first = Download.objects.filter(pk=download.pk, handed_over_at__isnull=True).update(
            handed_over_at=now, handed_over_by=person_or_none(actor)
        )
        if first:
            download.handed_over_at, download.handed_over_by = now, person_or_none(actor)
        audit_about(
            COPY_FETCHED,
            actor,
            download,
            file=download.package_file,
            sha256=download.sha256,
            first=bool(first),
        )
    return chunks


@enforces("9.5", "Appendix I", "R13")
def record_viewing(actor: Actor, download: Download, viewed_at: datetime, *, now: datetime) -> Download:
    """Appendix I "Date and time the recording was viewed": when the requestor saw the copy. Not in the
    future, not before the download; recorded once."""
    person = require_person(actor, NOT_YOURS_TO_RECORD)
    if not (may_fetch(person, download) or can(person, LOG, download.school_id)):
        raise PermissionDenied(NOT_YOURS_TO_RECORD)
    problems = []
    if download.viewed_at is not None:
        problems.append("9.5: the viewing of this copy is recorded already")
    if viewed_at > now:
        problems.append("9.5: the time viewed cannot be in the future")
    # Compared to the second: the form gives whole seconds, and a copy viewed in the second it was
    # downloaded was not viewed before it.
    # Downloaded: handed over (Appendix I), or built when it has not been fetched yet.
    if viewed_at < (download.handed_over_at or download.downloaded_at).replace(microsecond=0):
        problems.append("9.5: the time viewed cannot be before the recording was downloaded")
    refuse_if(problems)
    with transaction.atomic():
        download.viewed_at, download.viewed_recorded_by = viewed_at, person
        download.save(update_fields=["viewed_at", "viewed_recorded_by"])
        audit_copy(COPY_VIEWED, person, download, {"viewed_at": viewed_at.isoformat()})
    return download


@enforces("9.5", "Appendix I", "R13")
def record_hand_over(
    actor: Actor, download: Download, received_by: str, at: datetime, *, now: datetime
) -> Download:
    """A copy given over outside the app (e.g. copied to a USB stick handed to a police officer): who
    received it, when, recorded by whom. The same people as may fetch the copy. Appendix I's "date and time
    that recording was downloaded" is the first hand-over, fetched or given (issue 13 §3): set here when no
    fetch set it before; the recipient is recorded once, every hand-over is audited."""
    person = require_person(actor, "9.5: you may not record the hand-over of this copy")
    if not may_fetch(person, download):
        raise PermissionDenied("9.5: you may not record the hand-over of this copy")
    problems = []
    if download.kind != Kind.PACKAGE:
        problems.append("9.5: only a sealed package can be handed over")
    if not received_by.strip():
        problems.append("9.5: say who received the copy (name and organisation)")
    if at > now:
        problems.append("9.5: the time handed over cannot be in the future")
    # To the second, as record_viewing: the form gives whole seconds.
    if at < download.downloaded_at.replace(microsecond=0):
        problems.append("9.5: the time handed over cannot be before the package was built")
    if download.deleted_at is not None and at > download.deleted_at:
        problems.append("9.5: the time handed over cannot be after the copy was deleted")
    refuse_if(problems)
    with transaction.atomic():
        row = Download.objects.select_for_update().get(pk=download.pk)
        first = row.handed_over_at is None
        if first:
            row.handed_over_at, row.handed_over_by = at, person
        if not row.handed_over_to:
            row.handed_over_to, row.handed_over_to_at = received_by.strip(), at
        row.save(update_fields=["handed_over_at", "handed_over_by", "handed_over_to", "handed_over_to_at"])
        details = {"received_by": received_by.strip(), "at": at.isoformat(), "first": first}
        audit_copy(COPY_HANDED_OVER, person, row, details)
    for field in ("handed_over_at", "handed_over_by", "handed_over_to", "handed_over_to_at"):
        setattr(download, field, getattr(row, field))
    return download


@enforces("13.2")
def extension_problems(
    download: Download, new_date: date, reason: str, asked_by: str, today: date
) -> list[str]:
    """Pure: what stops keeping this copy longer (13.2)."""
    problems = []
    if download.kind != Kind.PACKAGE or download.deleted_at is not None:
        problems.append("13.2: only a stored copy can be kept longer")
    if not asked_by.strip():
        problems.append("13.2: record who asked for the copy to be kept longer (e.g. the officer and force)")
    if not reason.strip():
        problems.append("13.2: say why the copy is kept longer (e.g. the police request and its reference)")
    if new_date <= today or (download.expires_on is not None and new_date <= download.expires_on):
        problems.append("13.2: the new keep-until date must be later than today and than the current date")
    return problems


@enforces("13.2", "R14")
def extend_copy(
    actor: Actor, download: Download, new_date: date, reason: str, *, asked_by: str, now: datetime
) -> Download:
    """13.2: keep a copy longer (a police request): the Headteacher or DPO, who asked (recorded on the copy
    itself), a reason, a later date."""
    require(actor, EXTEND, download.school_id)
    refuse_if(extension_problems(download, new_date, reason, asked_by, timezone.localdate(now)))
    with transaction.atomic():
        before = download.expires_on
        download.expires_on, download.expiry_note = new_date, reason.strip()
        download.expiry_asked_by, download.expiry_set_by = asked_by.strip(), person_or_none(actor)
        download.expiry_set_at = now
        download.reminded_on = download.overdue_on = None
        download.save(
            update_fields=[
                "expires_on",
                "expiry_note",
                "expiry_asked_by",
                "expiry_set_by",
                "expiry_set_at",
                "reminded_on",
                "overdue_on",
            ]
        )
        details = {"from": iso_or_none(before), "to": new_date.isoformat(), "asked_by": asked_by.strip()}
        audit_copy(COPY_EXTENDED, actor, download, details, reason.strip())
    return download


NOT_DELETABLE = "9.5: only a stored copy that is not yet deleted can be deleted"


def deletable(download: Download) -> bool:
    return download.kind == Kind.PACKAGE and download.deleted_at is None


@enforces("9.5", "Appendix I", "R13")
def authorise_deletion(
    actor: Actor, download: Download, otp_code: str | FreshCode, *, now: datetime
) -> Download:
    """The Headteacher's authorisation to delete, or an alternate's nominated for deletions (Appendix I,
    with a fresh second factor; the nomination relied on is recorded: people/deciders.py), then the copy is
    erased: its key destroyed first (in the row, in this transaction), the file after; a crash between
    leaves an unreadable file that the daily copy check removes."""
    person = require_person(
        actor, "9.5: only a signed-in Headteacher or designated person may authorise deletion"
    )
    nomination = deletion_authority(person, download.school_id, now=now)
    if not deletable(download):
        raise PolicyRefusal(NOT_DELETABLE)
    check_second_factor(person, download, download.school, otp_code, "delete")
    with secure_delete(), transaction.atomic():
        # A deletion is no status change: the locked row's deleted_at is what two concurrent deletions test.
        if Download.objects.select_for_update().get(pk=download.pk).deleted_at is not None:
            raise PolicyRefusal("9.5: this copy is deleted already")
        download.wrapped_key, download.deletion_authorised_by = None, person
        download.deletion_authorised_at = download.deleted_at = now
        download.deletion_nomination = nomination
        download.save(
            update_fields=[
                "wrapped_key",
                "deletion_authorised_by",
                "deletion_authorised_at",
                "deletion_nomination",
                "deleted_at",
            ]
        )
        audit_about(
            COPY_DELETED,
            actor,
            download,
            file=download.package_file,
            sha256=download.sha256,
            expires_on=download.expires_on.isoformat() if download.expires_on else None,
            nomination=nomination.pk if nomination else None,
        )
    storage.delete_copy(stored_path(download))
    return download
