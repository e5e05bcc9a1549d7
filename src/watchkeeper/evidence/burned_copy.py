"""The burned-in working copy of a long package (9.3; Home Office guidance: the date and time in the picture;
issue 13 §4; design/evidence.md "Working copy and speed").

A package longer than package.BURN_IN_LIMIT is issued at once with the masters and a timed-text working copy
(burning an hour in would hold it up for ~25 minutes on a 2-core server). Its burned-in working copy then
follows as a job of its own (evidence/tasks.py `burned_copy_job`, on the Jobs page and the request's page
with its progress), under the same authorisation: a second sealed package, under the same password, holding
the working copy with the camera and UK date and time burned into the picture, its manifest naming the
first package and the SHA-256 of every segment it was made from (no masters: they are in the first). It is
a copy of footage taken out of the system, so it is a row of the CCTV log (Appendix I) of its own, attached
to the same download request, with the same authoriser and keep-until date.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from django.db import transaction

from watchkeeper.core.actors import SYSTEM
from watchkeeper.core.auditing import audit_about
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal, refuse
from watchkeeper.evidence import holds, package, storage
from watchkeeper.evidence.models import Download, DownloadRequest, RequestStatus
from watchkeeper.evidence.services.build import (
    _metadata,
    _piece,
    logged_or_removed,
    request_segments,
    store_at_rest,
)
from watchkeeper.evidence.services.copies import exports_dir
from watchkeeper.evidence.services.decisions import secret_purpose
from watchkeeper.jobs.queue import enqueue_on_commit
from watchkeeper.recording.models import Segment
from watchkeeper.viewing.footage import decrypted

BURNED_COPY_QUEUED = "evidence.burned_copy_queued"
BURNED_COPY_BUILT = "evidence.burned_copy_built"
BURNED_COPY_FAILED = "evidence.burned_copy_failed"
SUFFIX = "-W"  # the burned-in package's case id: the first package's, and this

Progress = Callable[[float, str], object]


@enforces("9.3", "R19")
def needs_burned_copy(req: DownloadRequest, spans: Sequence[Segment], limit: timedelta | None = None) -> bool:
    """Pure: does the request's package leave without the time burned into its working copy? A footage
    package (not a still, not a redacted copy: those carry their own) longer than the burn-in limit."""
    if req.still_at is not None or req.redaction_id is not None or not spans:
        return False
    footage = sum((s.end - s.start for s in spans), timedelta())
    return footage > (package.BURN_IN_LIMIT if limit is None else limit)


def schedule(req: DownloadRequest, download: Download, sealed_password: str) -> str | None:
    """After a package is stored: queue its burned-in working copy where it needs one. The password stays
    sealed under the school key in the job's payload (11.6), as for the package job. The request's job is
    then this one, so its page shows the working copy's progress."""
    if not needs_burned_copy(req, request_segments(req)):
        return None
    from watchkeeper.evidence.tasks import burned_copy_job  # the task module imports this one

    with transaction.atomic():
        task_id = enqueue_on_commit(
            burned_copy_job, download.pk, school_id=req.school_id, sealed_password=sealed_password
        )
        DownloadRequest.objects.filter(pk=req.pk).update(job_task_id=task_id)
        audit_about(BURNED_COPY_QUEUED, SYSTEM, req, request=req.pk, package=download.package_file)
    return task_id


def _no_progress(percent: float, message: str) -> object:
    return None


@enforces("9.3", "9.5", "11.6", "R19")
def run_burned_copy(
    download_id: int, sealed_password: str, *, now: datetime, progress: Progress = _no_progress
) -> Download:
    """The job's work, as SYSTEM: the burned-in working copy sealed under the package's password, stored
    encrypted at rest, logged as a CCTV log row of the same request. A failure is audited and raised (the
    first package stands; the job page shows the error)."""
    first = Download.objects.select_related("request__school", "request__decided_by").get(pk=download_id)
    req = first.request
    assert req is not None  # only a request's package gets a follow-up (schedule)
    try:
        _still_authorised(first, req)
        password = storage.open_secret(sealed_password, req.school_id, secret_purpose(req))
        return _build(first, req, password, now, progress)
    except BaseException as error:
        with transaction.atomic():
            audit_about(BURNED_COPY_FAILED, SYSTEM, req, reason=str(error)[:500], package=first.package_file)
        raise


def _still_authorised(first: Download, req: DownloadRequest) -> None:
    if first.deleted_at is not None:
        raise refuse("13.2", "the package was deleted before its burned-in working copy was made")
    if req.status != RequestStatus.READY:
        raise refuse("9.5", f"the request is {req.get_status_display().lower()}, not a ready package")
    unreleased = holds.request_problems(req, "built")  # 9.6: a hold placed since stops it, as for the package
    if unreleased:
        raise PolicyRefusal(unreleased)


def _build(
    first: Download, req: DownloadRequest, password: str, now: datetime, progress: Progress
) -> Download:
    segments = request_segments(req)
    pieces = [_piece(partial(decrypted, segment), segment) for segment in segments]
    case_id = Path(first.package_file).stem
    meta = dataclasses.replace(
        _metadata(req, pieces, now, None), case_id=f"{case_id}{SUFFIX}", working_copy_of=case_id
    )
    progress(2, f"Burning the date and time into the working copy of {case_id}…")

    def burning(fraction: float) -> None:
        progress(2 + 88 * fraction, f"Burning the date and time into {len(segments)} segment(s)…")

    with tempfile.TemporaryDirectory(dir=exports_dir(), prefix=".build-") as tmp:
        zip_path = Path(tmp) / f"{meta.case_id}.zip"
        key = package.signing_key(req.school_id)
        package.build(
            zip_path, pieces, meta, password, key, include_master=False, burn_in=True, progress=burning
        )
        progress(90, "Storing the working copy encrypted at rest…")
        stored, sealed, sha256 = store_at_rest(zip_path, meta.case_id, req.school_id)
    second = logged_or_removed(stored, lambda: _log(first, req, stored, sealed, sha256, meta.case_id, now))
    progress(100, f"Burned-in working copy {meta.case_id} ready.")
    return second


def _log(
    first: Download,
    req: DownloadRequest,
    stored: Path,
    sealed: storage.SealedCopy,
    sha256: str,
    case_id: str,
    now: datetime,
) -> Download:
    """Appendix I: another copy taken out under the same authorisation — its own row, the same facts."""
    copied = [
        *("school_id", "kind", "authorised_by_id", "authorised_at", "reason_category", "reason"),
        *("requested_by_id", "camera_id", "frame_at", "expires_on", "expiry_note"),
    ]
    with transaction.atomic():
        second = Download.objects.create(
            request=req,
            downloaded_at=now,
            sha256=sha256,
            package_file=stored.name,
            wrapped_key=sealed.wrapped_key,
            key_id=sealed.key_id,
            **{name: getattr(first, name) for name in copied},
        )
        audit_about(
            BURNED_COPY_BUILT,
            SYSTEM,
            second,
            reason=req.get_reason_category_display(),
            request=req.pk,
            case_id=case_id,
            working_copy_of=first.package_file,
            file=stored.name,
            sha256=sha256,
        )
    return second
