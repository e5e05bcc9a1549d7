"""Taking footage out of the system (9.5, Appendix I; design/evidence.md).

Footage, and a still image of it, leaves only one way: a download request, authorised by the Headteacher or
a designated person with a fresh second factor, built by a job into a sealed, password-protected package
that is one row of the school's CCTV log from download to deletion.
"""

from __future__ import annotations

import hashlib
import secrets
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from watchkeeper.audit.services import record
from watchkeeper.core.actors import SYSTEM, is_system
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.permissions import can, require, restrict
from watchkeeper.core.second_factor import require_fresh_code
from watchkeeper.estate.models import Camera, School
from watchkeeper.evidence import holds, package, stills, storage
from watchkeeper.evidence.models import (
    KEPT_SIX_MONTHS,
    Download,
    DownloadRequest,
    Kind,
    Purpose,
    RequestStatus,
)
from watchkeeper.jobs.queue import enqueue_on_commit
from watchkeeper.people.two_person import decider_problems
from watchkeeper.recording.models import Segment
from watchkeeper.recording.retention import secure_delete
from watchkeeper.redaction import rules as redaction_rules
from watchkeeper.redaction.models import Redaction
from watchkeeper.redaction.models import Status as RedactionStatus
from watchkeeper.viewing.footage import decrypted
from watchkeeper.viewing.models import ReasonCategory


def exports_dir() -> Path:
    return Path(settings.DATA_DIR) / "exports"


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


# --- Download requests (9.5, 10.4.1, 11.3, 11.5, 11.6; design/evidence.md "Download requests") ------------

REQUEST, AUTHORISE, FETCH, EXTEND, LOG = (
    "evidence.request",
    "evidence.authorise",
    "evidence.fetch",
    "evidence.extend",
    "evidence.log",
)
REQUESTED, APPROVED, REFUSED, WITHDRAWN = (
    "evidence.download_requested",
    "evidence.download_approved",
    "evidence.download_refused",
    "evidence.download_withdrawn",
)
REISSUED, SECOND_FACTOR_REFUSED = "evidence.download_reissued", "evidence.second_factor_refused"
PACKAGE_BUILT, PACKAGE_FAILED = "evidence.package_built", "evidence.package_failed"
COPY_FETCHED, COPY_VIEWED, COPY_EXTENDED = (
    "evidence.copy_fetched",
    "evidence.copy_viewed",
    "evidence.copy_extended",
)
COPY_DELETED, COPY_DUE, COPY_OVERDUE = "evidence.copy_deleted", "evidence.copy_due", "evidence.copy_overdue"
# 13.2: a copy is flagged this many days before its keep-until date.
REMINDER_DAYS = 14
KEEP_MONTHS = 6


@dataclass(frozen=True)
class Decided:
    request: DownloadRequest
    password: str | None  # shown once to the authoriser (11.6); never stored, logged or audited


def _actor_user(actor: Any) -> Any:
    """The actor as a user row for a foreign key: None for SYSTEM."""
    return None if is_system(actor) else actor


def _require_person_or_system(actor: Any) -> None:
    if not is_system(actor) and not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("9.5: only a signed-in member of staff may ask for a download")


def _request_terms(req: DownloadRequest) -> dict[str, Any]:
    cameras = sorted(req.cameras.all(), key=lambda c: c.pk)
    return {
        "request": req.pk,
        "cameras": [c.pk for c in cameras],
        "camera_names": [c.name for c in cameras],
        "start": req.start.isoformat(),
        "end": req.end.isoformat(),
        "purpose": req.purpose,
        "reason_category": req.reason_category,
        "requestor": req.requestor_display,
        "case_reference": req.case_reference,
        "redaction": req.redaction_id,
        "still_at": req.still_at.isoformat() if req.still_at else None,
    }


@enforces("9.5", "Appendix I", "R13")
def request_download(
    actor: Any,
    *,
    school: School,
    cameras: Iterable[Camera],
    start: datetime,
    end: datetime,
    purpose: str,
    reason_category: str,
    reason: str,
    requestor_user: Any = None,
    recipient_name: str = "",
    recipient_organisation: str = "",
    legal_basis: str = "",
    case_reference: str = "",
    redaction: Redaction | None = None,
    only_requester_appears: bool = False,
    still_at: datetime | None = None,
    now: datetime | None = None,
) -> DownloadRequest:
    """Ask for footage of `cameras` (of `school`) in [start, end) to leave as a sealed package. The actor is
    a footage reviewer, CCTV administrator, Headteacher, designated person or SAR handler there, or SYSTEM
    (another app's workflow). Audited as evidence.download_requested. With `still_at`, a still image of
    that moment of the one camera instead of footage (the player's "Ask for a still")."""
    _require_person_or_system(actor)
    require(actor, REQUEST, school.pk)
    cameras = list(cameras)
    now = now or timezone.now()
    problems = download_problems(
        school, cameras, start, end, purpose, reason_category, reason, now, redaction, only_requester_appears
    )
    if still_at is not None:
        problems += still_problems(cameras, start, end, still_at)
    if requestor_user is None and not recipient_name.strip():
        problems.append(
            "9.5: name the requestor — a member of staff, or the recipient and their organisation"
        )
    if problems:
        raise PolicyRefusal(problems)
    with transaction.atomic():
        req = DownloadRequest.objects.create(
            school=school,
            start=start,
            end=end,
            purpose=purpose,
            reason_category=reason_category,
            reason=reason.strip(),
            requested_by=_actor_user(actor),
            requested_at=now,
            requestor_user=requestor_user,
            recipient_name=recipient_name.strip(),
            recipient_organisation=recipient_organisation.strip(),
            legal_basis=legal_basis.strip(),
            case_reference=case_reference.strip(),
            redaction=redaction,
            only_requester_appears=only_requester_appears,
            still_at=still_at,
        )
        req.cameras.set(cameras)
        record(REQUESTED, actor=actor, school=school, obj=req, reason=req.reason, details=_request_terms(req))
    return req


@enforces("9.4", "9.5", "Appendix I", "R13")
def download_problems(
    school: School,
    cameras: list[Camera],
    start: datetime,
    end: datetime,
    purpose: str,
    category: str,
    reason: str,
    now: datetime,
    redaction: Redaction | None,
    only_requester_appears: bool,
) -> list[str]:
    problems = []
    if not cameras:
        problems.append("9.5: name at least one camera")
    if any(c.school_id != school.pk for c in cameras):
        problems.append("9.5: every camera must belong to the school named — ask each school separately")
    if end <= start:
        problems.append("9.5: the window's end must be after its start")
    if end > now:
        problems.append("9.5: the window must have ended already — only recorded footage can be downloaded")
    if purpose not in Purpose.values:
        problems.append("9.5: choose what the copy is for")
    if category not in ReasonCategory.values:
        problems.append("9.4: choose the kind of reason")
    if not reason.strip():
        problems.append("9.5: say why the recording is being downloaded (Appendix I asks for the reason)")
    if redaction is not None and redaction.school_id != school.pk:
        problems.append("10.4.1: that redaction belongs to another school")
    problems += subject_access_redaction_problems(
        purpose, redaction, only_requester_appears, cameras, start, end
    )
    return problems


@enforces("9.5")
def still_problems(cameras: list[Camera], start: datetime, end: datetime, still_at: datetime) -> list[str]:
    problems = []
    if len(cameras) != 1:
        problems.append("9.5: a still is of one camera")
    if not start <= still_at < end:
        problems.append("9.5: the still's moment must lie inside the window asked for")
    return problems


@enforces("10.4.1", "R23")
def subject_access_redaction_problems(
    purpose: str,
    redaction: Redaction | None,
    only_requester_appears: bool,
    cameras: Iterable[Camera],
    start: datetime,
    end: datetime,
) -> list[str]:
    """10.4.1: a subject access copy leaves redacted (an approved redaction of exactly this footage: the
    package carries it instead of the master) unless only the requester appears in the footage."""
    if purpose != Purpose.SUBJECT_ACCESS or only_requester_appears:
        return []
    if redaction is None:
        return [
            "10.4.1: a subject access copy needs an approved redaction of the other people in it, unless "
            "only the requester appears in the footage"
        ]
    if redaction.status != RedactionStatus.APPROVED:
        return ["10.4.1: only an approved redaction can leave in a subject access copy"]
    return redaction_rules.coverage_problems(redaction, [c.pk for c in cameras], start, end)


def _check_second_factor(actor: Any, req_or_copy: Any, school: School, code: str, step: str) -> None:
    """A fresh authenticator code (core.second_factor); the views count a wrong one as a failed log-in."""
    require_fresh_code(
        actor,
        code,
        clause="9.5",
        audit_action=SECOND_FACTOR_REFUSED,
        school=school,
        obj=req_or_copy,
        details={"step": step, "object": req_or_copy.pk},
    )


def _two_person(actor: Any, req: DownloadRequest) -> list[str]:
    """In place of require(actor, AUTHORISE, school): also the two-person rule across accounts (9.5), for
    the person who asked and the staff requestor (people/two_person.py)."""
    parties = [req.requested_by, req.requestor_user]
    return decider_problems(actor, AUTHORISE, req.school_id, parties, req.requested_at, clause="9.5")


@enforces("9.5", "9.6", "11.6", "Appendix I", "R13", "R16")
def decide_download(
    actor: Any,
    req: DownloadRequest,
    *,
    approve: bool,
    otp_code: str,
    note: str = "",
    now: datetime | None = None,
) -> Decided:
    """The Headteacher's or a designated person's decision with a fresh second factor: Appendix I's
    "signature". On approval a new password is returned (show it once, 11.6) and the build job queued with
    the password sealed under the school key (design/evidence.md)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("9.5: only a signed-in Headteacher or designated person may authorise")
    problems = _two_person(actor, req)
    if req.status != RequestStatus.REQUESTED:
        problems.append("9.5: this request has been decided already")
    if req.requested_by_id == actor.pk or req.requestor_user_id == actor.pk:
        problems.append(
            "9.5: nobody may authorise their own request to download footage — another Headteacher or "
            "designated person must decide it"
        )
    if not approve and not note.strip():
        problems.append("9.5: say why the download is refused")
    if approve:
        problems += subject_access_redaction_problems(
            req.purpose, req.redaction, req.only_requester_appears, req.cameras.all(), req.start, req.end
        )
        problems += holds.request_problems(req, "authorised")  # 9.6: the CCTV administrator's release
    if problems:
        raise PolicyRefusal(problems)
    _check_second_factor(actor, req, req.school, otp_code, "approve" if approve else "refuse")
    now = now or timezone.now()
    with transaction.atomic():
        locked = DownloadRequest.objects.select_for_update().get(pk=req.pk)
        if locked.status != RequestStatus.REQUESTED:
            raise PolicyRefusal("9.5: this request has been decided already")
        req.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
        req.decided_by, req.decided_at, req.decision_note = actor, now, note.strip()
        req.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        record(
            APPROVED if approve else REFUSED,
            actor=actor,
            school=req.school,
            obj=req,
            reason=req.decision_note or req.reason,
            details=_request_terms(req),
        )
        password = _queue_build(req) if approve else None
    return Decided(req, password)


@enforces("9.5", "R16")
def reissue_download(
    actor: Any, req: DownloadRequest, *, otp_code: str, now: datetime | None = None
) -> Decided:
    """After a failed build, the authoriser (or another Headteacher/designated person) issues a new
    password and a new build, with a fresh second factor."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("9.5: only a signed-in Headteacher or designated person may re-issue")
    problems = _two_person(actor, req)
    if req.status != RequestStatus.FAILED:
        raise PolicyRefusal("9.5: only a download whose build failed can be re-issued")
    if req.requested_by_id == actor.pk or req.requestor_user_id == actor.pk:
        raise PolicyRefusal("9.5: nobody may authorise their own request to download footage")
    problems += holds.request_problems(req, "re-issued")  # 9.6: a new build would fail without it
    if problems:
        raise PolicyRefusal(problems)
    _check_second_factor(actor, req, req.school, otp_code, "reissue")
    with transaction.atomic():
        locked = DownloadRequest.objects.select_for_update().get(pk=req.pk)
        if locked.status != RequestStatus.FAILED:
            raise PolicyRefusal("9.5: only a download whose build failed can be re-issued")
        req.status, req.failure = RequestStatus.APPROVED, ""
        req.save(update_fields=["status", "failure"])
        record(REISSUED, actor=actor, school=req.school, obj=req, details=_request_terms(req))
        password = _queue_build(req)
    return Decided(req, password)


@enforces("9.5")
def withdraw_download(actor: Any, req: DownloadRequest, *, now: datetime | None = None) -> DownloadRequest:
    """The person who asked withdraws a request not yet decided."""
    if not getattr(actor, "is_authenticated", False) or req.requested_by_id != actor.pk:
        raise PermissionDenied("9.5: only the person who asked may withdraw the request")
    with transaction.atomic():
        locked = DownloadRequest.objects.select_for_update().get(pk=req.pk)
        if locked.status != RequestStatus.REQUESTED:
            raise PolicyRefusal("9.5: only a request awaiting authorisation can be withdrawn")
        req.status = RequestStatus.WITHDRAWN
        req.save(update_fields=["status"])
        record(WITHDRAWN, actor=actor, school=req.school, obj=req, details={"request": req.pk})
    return req


def _queue_build(req: DownloadRequest) -> str:
    """Inside the decision's transaction: a new password, sealed for the job; the job is queued when the
    decision commits (so the worker sees it)."""
    from watchkeeper.evidence.tasks import build_package_job

    password = package.new_password()
    req.attempts += 1
    sealed = storage.seal_secret(password, req.school_id, _secret_purpose(req))
    req.job_task_id = enqueue_on_commit(
        build_package_job, req.pk, school_id=req.school_id, sealed_password=sealed
    )
    req.save(update_fields=["attempts", "job_task_id"])
    return password


def _secret_purpose(req: DownloadRequest) -> str:
    return f"package-password:{req.pk}:{req.attempts}"


# --- Building the package (the job; design/evidence.md "The build job") ----------------------------------


Progress = Callable[[float, str], object]


def _no_progress(percent: float, message: str) -> object:
    return None


def request_segments(req: DownloadRequest) -> list[Segment]:
    """Every whole segment of the request's cameras inside its window. Held footage among them leaves only
    with the CCTV administrator's release for this request (9.6, evidence/holds.py)."""
    return holds.request_segments(req)


@enforces("9.5")
def run_build(
    request_id: int, sealed_password: str, *, progress: Progress = _no_progress, now: datetime | None = None
) -> Download:
    """The build job's work, as SYSTEM: seal the footage, store the package encrypted at rest and write the
    CCTV log row. On failure the request says so (the authoriser may re-issue) and the error is raised."""
    req = DownloadRequest.objects.select_related("school", "decided_by", "requested_by").get(pk=request_id)
    if req.status not in (RequestStatus.APPROVED, RequestStatus.BUILDING):
        raise PolicyRefusal(f"9.5: request {req.pk} is {req.get_status_display().lower()}, not authorised")
    password = storage.open_secret(sealed_password, req.school_id, _secret_purpose(req))
    DownloadRequest.objects.filter(pk=req.pk).update(status=RequestStatus.BUILDING)
    try:
        return build_package(req, password, progress=progress, now=now)
    except BaseException as error:
        _build_failed(req, error)
        raise


def _build_failed(req: DownloadRequest, error: BaseException) -> None:
    problem = (
        "; ".join(error.problems) if isinstance(error, PolicyRefusal) else f"{type(error).__name__}: {error}"
    )
    with transaction.atomic():
        DownloadRequest.objects.filter(pk=req.pk).update(status=RequestStatus.FAILED, failure=problem[:2000])
        record(
            PACKAGE_FAILED,
            actor=SYSTEM,
            school=req.school,
            obj=req,
            reason=problem[:500],
            details={"request": req.pk, "attempt": req.attempts},
        )


@enforces("9.5", "9.6", "11.6", "R13", "R16", "R17", "R18")
def build_package(
    req: DownloadRequest, password: str, *, progress: Progress = _no_progress, now: datetime | None = None
) -> Download:
    """Seal the request's footage with `password` and store it; one CCTV log row and one audit event."""
    now = now or timezone.now()
    if req.decided_by_id is None or req.decided_at is None:
        raise PermissionDenied("9.5: this request has no recorded authorisation")
    progress(2, "Finding the recorded segments…")
    segments = request_segments(req)
    if not segments:
        raise PolicyRefusal("9.5: there is no recorded footage of those cameras in that window")
    if req.still_at is not None:  # a still: only the segment holding its moment (design/evidence.md "Stills")
        segments = [stills.segment_at(segments, req.still_at)]
    # 9.6: a hold placed (or a release missing) since the authorisation stops the build too.
    unreleased = holds.request_problems(req, "built", now)
    if unreleased:
        raise PolicyRefusal(unreleased)
    # Each segment is decrypted when the builder reaches it, so one segment at a time is in memory.
    pieces = [_piece(partial(decrypted, segment), segment) for segment in segments]
    still = stills.take(segments[0], req.still_at) if req.still_at is not None else None
    meta = _metadata(req, pieces, now, still)
    exports_dir().mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=exports_dir(), prefix=".build-") as tmp:
        zip_path = Path(tmp) / f"{meta.case_id}.zip"
        progress(5, f"Sealing {len(segments)} segment(s): master copy, working copy, manifest, signature…")

        def sealing(fraction: float) -> None:
            progress(5 + 85 * fraction, f"Sealing {len(segments)} segment(s)…")

        manifest = _seal(req, zip_path, pieces, meta, password, sealing, still)
        progress(90, "Storing the package encrypted at rest…")
        sha256 = _sha256_file(zip_path)
        stored = exports_dir() / f"{meta.case_id}.wkpkg"
        sealed = storage.seal_file(zip_path, stored, stored.name, req.school_id)
    try:
        first = still.frame_at if still else segments[0].start
        download = _log_package(req, segments[0].camera_id, first, stored, sealed, sha256, manifest, now)
    except BaseException:
        stored.unlink(missing_ok=True)
        raise
    progress(100, f"Package {meta.case_id} ready ({len(segments)} segment(s)).")
    return download


def _metadata(
    req: DownloadRequest, pieces: list[package.Piece], now: datetime, still: stills.SealedStill | None
) -> package.Metadata:
    asked = _name(req.requested_by) if req.requested_by else "Watchkeeper (system)"
    requestor = req.requestor_display
    decider, decided_at = req.decided_by, req.decided_at
    assert decider is not None and decided_at is not None  # checked by build_package
    return package.Metadata(
        case_id=f"WK-{req.school_id}-R{req.pk}-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}",
        school_id=req.school_id,
        school_name=req.school.name,
        start=min(p.start for p in pieces),
        end=max(p.end for p in pieces),
        requested_by=asked if requestor == asked else f"{requestor} (asked by {asked})",
        authorised_by=_name(decider),
        authorised_at=decided_at,
        reason=_reason_text(req),
        created_at=now,
        hold_releases=tuple(holds.manifest_entries(req)),
        still=still.entry if still else None,
    )


def _reason_text(req: DownloadRequest) -> str:
    text = f"{req.get_purpose_display()} — {req.get_reason_category_display()}: {req.reason}"
    if req.case_reference:
        text += f" (ref. {req.case_reference})"
    return text


def _seal(
    req: DownloadRequest,
    path: Path,
    pieces: list[package.Piece],
    meta: package.Metadata,
    password: str,
    progress: Callable[[float], None],
    still: stills.SealedStill | None = None,
) -> dict[str, Any]:
    key = package.signing_key(req.school_id)
    if still is not None:
        # A still leaves alone (9.5): not the footage it was taken from; the segment is only described.
        return package.build(
            path,
            pieces,
            meta,
            password,
            key,
            include_master=False,
            working_copy=False,
            extra_files={still.name: still.png},
            progress=progress,
        )
    if req.redaction is None:
        return package.build(path, pieces, meta, password, key, progress=progress)
    # 10.4.1: the redacted copy leaves instead of the master and the unredacted working copy; the pieces
    # are only described in the manifest (their SHA-256), never read.
    from watchkeeper.redaction.services import redacted_copy

    with redacted_copy(req.redaction) as copy:
        extra: dict[str, bytes | Path] = {
            f"redacted/{copy.name}": copy.mp4_path,
            "redaction-report.json": copy.report,
        }
        return package.build(
            path,
            pieces,
            meta,
            password,
            key,
            include_master=False,
            working_copy=False,
            extra_files=extra,
            progress=progress,
        )


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _piece(plaintext: Callable[[], bytes], segment: Segment) -> package.Piece:
    return package.Piece(
        camera_id=segment.camera_id,
        camera_name=segment.camera.name,
        start=segment.start,
        end=segment.end,
        sha256=segment.sha256,
        clock_offset_ms=segment.clock_offset_ms,
        plaintext=plaintext,
    )


@enforces("13.2", "R14")
def keep_until(purpose: str, downloaded_on: date) -> date | None:
    """13.2: subject access and third-party (police included) copies are kept six months by default;
    internal copies have no default date (they stay in school, 11.6, until deleted with authorisation)."""
    return downloaded_on + relativedelta(months=KEEP_MONTHS) if purpose in KEPT_SIX_MONTHS else None


def _log_package(
    req: DownloadRequest,
    camera_id: int,
    first: datetime,
    stored: Path,
    sealed: storage.SealedCopy,
    sha256: str,
    manifest: dict[str, Any],
    now: datetime,
) -> Download:
    decider, decided_at = req.decided_by_id, req.decided_at
    assert decider is not None and decided_at is not None  # checked by build_package
    with transaction.atomic():
        download = Download.objects.create(
            school_id=req.school_id,
            kind=Kind.PACKAGE,
            request=req,
            authorised_by_id=decider,
            authorised_at=decided_at,
            downloaded_at=now,
            reason_category=req.reason_category,
            reason=req.reason,
            requested_by=req.requested_by,
            camera_id=camera_id,
            frame_at=first,
            sha256=sha256,
            package_file=stored.name,
            wrapped_key=sealed.wrapped_key,
            key_id=sealed.key_id,
            expires_on=keep_until(req.purpose, timezone.localdate(now)),
        )
        DownloadRequest.objects.filter(pk=req.pk).update(status=RequestStatus.READY, failure="")
        req.status = RequestStatus.READY
        record(
            PACKAGE_BUILT,
            actor=SYSTEM,
            school=req.school,
            obj=download,
            reason=req.get_reason_category_display(),
            details={
                "request": req.pk,
                "case_id": manifest["case_id"],
                "file": stored.name,
                "cameras": [c["id"] for c in manifest.get("cameras", [])],
                "range_utc": manifest.get("range_utc"),
                "segments": len(manifest_segments(manifest)),
                "sha256": sha256,
                "redacted": req.redaction_id is not None,
                "still": manifest.get("still", {}).get("file"),
                "expires_on": download.expires_on.isoformat() if download.expires_on else None,
            },
        )
    return download


def manifest_segments(manifest: dict[str, Any]) -> list[Any]:
    return [s for c in manifest.get("cameras", []) for s in c.get("segments", [])]


# --- Stored copies: fetch, viewing, keep-until date, deletion (9.5, 13.2) ---------------------------------


def stored_path(download: Download) -> Path:
    return exports_dir() / Path(download.package_file).name


def may_fetch(actor: Any, download: Download) -> bool:
    """The staff requestor, the Headteacher or designated person, the CCTV administrator of the school."""
    if not getattr(actor, "is_authenticated", False):
        return False
    req = download.request
    own = req is not None and actor.pk in (req.requestor_user_id, req.requested_by_id)
    return own or can(actor, FETCH, download.school_id)


@enforces("9.5", "13.2")
def fetch_copy(actor: Any, download: Download, *, now: datetime | None = None) -> Iterator[bytes]:
    """The stored package (the password-protected ZIP) chunk by chunk, audited as evidence.copy_fetched."""
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
    record(
        COPY_FETCHED,
        actor=actor,
        school=download.school,
        obj=download,
        details={"file": download.package_file, "sha256": download.sha256},
    )
    return chunks


@enforces("9.5", "Appendix I", "R13")
def record_viewing(
    actor: Any, download: Download, viewed_at: datetime, *, now: datetime | None = None
) -> Download:
    """Appendix I "Date and time the recording was viewed": when the requestor saw the copy. Not in the
    future, not before the download; recorded once."""
    now = now or timezone.now()
    if not (may_fetch(actor, download) or can(actor, LOG, download.school_id)):
        raise PermissionDenied("9.5: you may not record the viewing of this copy")
    problems = []
    if download.viewed_at is not None:
        problems.append("9.5: the viewing of this copy is recorded already")
    if viewed_at > now:
        problems.append("9.5: the time viewed cannot be in the future")
    # Compared to the second: the form gives whole seconds, and a copy viewed in the second it was
    # downloaded was not viewed before it.
    if viewed_at < download.downloaded_at.replace(microsecond=0):
        problems.append("9.5: the time viewed cannot be before the recording was downloaded")
    if problems:
        raise PolicyRefusal(problems)
    with transaction.atomic():
        download.viewed_at, download.viewed_recorded_by = viewed_at, actor
        download.save(update_fields=["viewed_at", "viewed_recorded_by"])
        record(
            COPY_VIEWED,
            actor=actor,
            school=download.school,
            obj=download,
            details={"viewed_at": viewed_at.isoformat()},
        )
    return download


@enforces("13.2", "R14")
def extend_copy(
    actor: Any, download: Download, new_date: date, reason: str, *, now: datetime | None = None
) -> Download:
    """13.2: keep a copy longer (a police request): the Headteacher or DPO, a reason, a later date."""
    require(actor, EXTEND, download.school_id)
    today = timezone.localdate(now or timezone.now())
    problems = []
    if download.kind != Kind.PACKAGE or download.deleted_at is not None:
        problems.append("13.2: only a stored copy can be kept longer")
    if not reason.strip():
        problems.append("13.2: say why the copy is kept longer (e.g. the police request and its reference)")
    if new_date <= today or (download.expires_on is not None and new_date <= download.expires_on):
        problems.append("13.2: the new keep-until date must be later than today and than the current date")
    if problems:
        raise PolicyRefusal(problems)
    with transaction.atomic():
        before = download.expires_on
        download.expires_on, download.expiry_note = new_date, reason.strip()
        download.reminded_on = download.overdue_on = None
        download.save(update_fields=["expires_on", "expiry_note", "reminded_on", "overdue_on"])
        record(
            COPY_EXTENDED,
            actor=actor,
            school=download.school,
            obj=download,
            reason=reason.strip(),
            details={"from": before.isoformat() if before else None, "to": new_date.isoformat()},
        )
    return download


@enforces("9.5", "Appendix I", "R13")
def authorise_deletion(
    actor: Any, download: Download, otp_code: str, *, now: datetime | None = None
) -> Download:
    """The Headteacher's or a designated person's authorisation to delete (Appendix I, with a fresh second
    factor), then the copy is erased: its key destroyed first (in the row, in this transaction), the file
    after; a crash between leaves an unreadable file that the daily copy check removes."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(
            "9.5: only a signed-in Headteacher or designated person may authorise deletion"
        )
    require(actor, AUTHORISE, download.school_id)
    if download.kind != Kind.PACKAGE or download.deleted_at is not None:
        raise PolicyRefusal("9.5: only a stored copy that is not yet deleted can be deleted")
    _check_second_factor(actor, download, download.school, otp_code, "delete")
    now = now or timezone.now()
    with secure_delete(), transaction.atomic():
        locked = Download.objects.select_for_update().get(pk=download.pk)
        if locked.deleted_at is not None:
            raise PolicyRefusal("9.5: this copy is deleted already")
        download.wrapped_key, download.deletion_authorised_by = None, actor
        download.deletion_authorised_at = download.deleted_at = now
        download.save(
            update_fields=["wrapped_key", "deletion_authorised_by", "deletion_authorised_at", "deleted_at"]
        )
        record(
            COPY_DELETED,
            actor=actor,
            school=download.school,
            obj=download,
            details={
                "file": download.package_file,
                "sha256": download.sha256,
                "expires_on": download.expires_on.isoformat() if download.expires_on else None,
            },
        )
    storage.delete_copy(stored_path(download))
    return download


# --- The daily copy check (13.2) --------------------------------------------------------------------------


def copy_state(expires_on: date | None, today: date) -> str | None:
    """ "overdue" past the keep-until date, "due" within REMINDER_DAYS of it, else None."""
    if expires_on is None:
        return None
    if expires_on < today:
        return "overdue"
    if expires_on - timedelta(days=REMINDER_DAYS) <= today:
        return "due"
    return None


@dataclass
class CopyCheck:
    due: int = 0
    overdue: int = 0
    files_removed: int = 0

    def summary(self) -> str:
        return (
            f"{self.due} copy(ies) newly due for deletion within {REMINDER_DAYS} days, {self.overdue} newly "
            f"overdue (13.2); {self.files_removed} file(s) of deleted copies removed."
        )


def stored_copies() -> QuerySet[Download]:
    return Download.objects.filter(kind=Kind.PACKAGE, deleted_at=None)


@enforces("13.2", "R14")
def check_copies(today: date) -> CopyCheck:
    """Flag copies newly due (reminder) or overdue, once each, audited for the Headteacher and DPO; remove
    the files of deleted copies a crash left behind."""
    result = CopyCheck()
    for download in stored_copies().exclude(expires_on=None).select_related("school"):
        state = copy_state(download.expires_on, today)
        if state == "due" and download.reminded_on is None:
            _flag(download, "reminded_on", COPY_DUE, today)
            result.due += 1
        elif state == "overdue" and download.overdue_on is None:
            _flag(download, "overdue_on", COPY_OVERDUE, today)
            result.overdue += 1
    for download in Download.objects.filter(kind=Kind.PACKAGE).exclude(deleted_at=None):
        path = stored_path(download)
        if download.package_file and path.exists() and storage.delete_copy(path):
            result.files_removed += 1
    return result


def _flag(download: Download, field: str, action: str, today: date) -> None:
    with transaction.atomic():
        setattr(download, field, today)
        download.save(update_fields=[field])
        record(
            action,
            actor=SYSTEM,
            school=download.school,
            obj=download,
            details={
                "expires_on": download.expires_on.isoformat() if download.expires_on else None,
                "file": download.package_file,
            },
        )


def flagged_copies(user: Any, school: School | None = None) -> QuerySet[Download]:
    """Stored copies due within REMINDER_DAYS or overdue, for the Headteacher's and DPO's pages."""
    soon = timezone.localdate() + timedelta(days=REMINDER_DAYS)
    copies = restrict(stored_copies().filter(expires_on__lte=soon), user, EXTEND)
    return (copies if school is None else copies.filter(school=school)).select_related("school", "request")
