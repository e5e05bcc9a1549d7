"""Building the package: the build job's work (9.5, 9.6, 11.6; design/evidence.md "The build job"): seal
the request's footage (or its still, or its redacted copy), store it encrypted at rest and write the CCTV
log row."""

from __future__ import annotations

import hashlib
import secrets
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from watchkeeper.core.actors import SYSTEM
from watchkeeper.core.auditing import audit_about
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.evidence import holds, package, stills, storage
from watchkeeper.evidence.models import Download, DownloadRequest, Kind, RequestStatus, person_name
from watchkeeper.evidence.services.actions import PACKAGE_BUILT, PACKAGE_FAILED
from watchkeeper.evidence.services.copies import exports_dir, keep_until
from watchkeeper.evidence.services.decisions import secret_purpose
from watchkeeper.jobs import failures
from watchkeeper.recording.models import Segment
from watchkeeper.viewing.footage import decrypted

Progress = Callable[[float, str], object]

T = TypeVar("T")


def _no_progress(percent: float, message: str) -> object:
    return None


def request_segments(req: DownloadRequest) -> list[Segment]:
    """Every whole segment of the request's cameras inside its window. Held footage among them leaves only
    with the CCTV administrator's release for this request (9.6, evidence/holds.py)."""
    return holds.request_segments(req)


@enforces("9.5")
def run_build(
    request_id: int, sealed_password: str, *, now: datetime, progress: Progress = _no_progress
) -> Download:
    """The build job's work, as SYSTEM: seal the footage, store the package encrypted at rest and write the
    CCTV log row. On failure the request says so (the authoriser may re-issue) and the error is raised."""
    req = DownloadRequest.objects.select_related("school", "decided_by", "requested_by").get(pk=request_id)
    if req.status not in (RequestStatus.APPROVED, RequestStatus.BUILDING):
        raise PolicyRefusal(f"9.5: request {req.pk} is {req.get_status_display().lower()}, not authorised")
    password = storage.open_secret(sealed_password, req.school_id, secret_purpose(req))
    DownloadRequest.objects.filter(pk=req.pk).update(status=RequestStatus.BUILDING)
    try:
        download = build_package(req, password, progress=progress, now=now)
    except BaseException as error:
        _build_failed(req, error)
        raise
    # 9.3: a long package left with a timed-text clock; its burned-in working copy follows as its own job.
    from watchkeeper.evidence.burned_copy import schedule

    schedule(req, download, sealed_password)
    return download


def _build_failed(req: DownloadRequest, error: BaseException) -> None:
    # In plain words, with what to do next (jobs/failures.py); the traceback is in the server's log.
    problem = failures.explain(error).text
    audited = "; ".join(error.problems) if isinstance(error, PolicyRefusal) else problem
    with transaction.atomic():
        DownloadRequest.objects.filter(pk=req.pk).update(status=RequestStatus.FAILED, failure=problem[:2000])
        audit_about(PACKAGE_FAILED, SYSTEM, req, reason=audited[:500], request=req.pk, attempt=req.attempts)


@enforces("9.5", "9.6", "11.6", "R13", "R16", "R17", "R18")
def build_package(
    req: DownloadRequest, password: str, *, now: datetime, progress: Progress = _no_progress
) -> Download:
    """Seal the request's footage with `password` and store it; one CCTV log row and one audit event."""
    if req.decided_by_id is None or req.decided_at is None:
        raise PermissionDenied("9.5: this request has no recorded authorisation")
    progress(2, "Finding the recordings…")
    segments = request_segments(req)
    if not segments:
        raise PolicyRefusal("9.5: there is no recorded footage of those cameras in that window")
    if req.still_at is not None:  # a still: only the segment holding its moment (design/evidence.md "Stills")
        segments = [stills.segment_at(segments, req.still_at)]
    # 9.6: a hold placed (or a release missing) since the authorisation stops the build too.
    unreleased = holds.request_problems(req, "built")
    if unreleased:
        raise PolicyRefusal(unreleased)
    # Each segment is decrypted when the builder reaches it, so one segment at a time is in memory.
    pieces = [_piece(partial(decrypted, segment), segment) for segment in segments]
    still = stills.take(segments[0], req.still_at) if req.still_at is not None else None
    meta = _metadata(req, pieces, now, still)
    exports_dir().mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=exports_dir(), prefix=".build-") as tmp:
        zip_path = Path(tmp) / f"{meta.case_id}.zip"
        progress(
            5, f"Sealing {len(segments)} recording file(s): master copy, working copy, manifest, signature…"
        )

        def sealing(fraction: float) -> None:
            progress(5 + 85 * fraction, f"Sealing {len(segments)} segment(s)…")

        manifest = _seal(req, zip_path, pieces, meta, password, sealing, still)
        progress(90, "Storing the package encrypted at rest…")
        stored, sealed, sha256 = store_at_rest(zip_path, meta.case_id, req.school_id)
    first = still.frame_at if still else segments[0].start
    download = logged_or_removed(
        stored, lambda: _log_package(req, segments[0].camera_id, first, stored, sealed, sha256, manifest, now)
    )
    progress(100, f"Package {meta.case_id} ready ({len(segments)} segment(s)).")
    return download


def _metadata(
    req: DownloadRequest, pieces: list[package.Piece], now: datetime, still: stills.SealedStill | None
) -> package.Metadata:
    asked = person_name(req.requested_by) if req.requested_by else "Watchkeeper (system)"
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
        authorised_by=person_name(decider),
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
    seal = partial(package.build, path, pieces, meta, password, key, progress=progress)
    if still is not None:
        # A still leaves alone (9.5): not the footage it was taken from; the segment is only described.
        return seal(include_master=False, working_copy=False, extra_files={still.name: still.png})
    if req.redaction is None:
        return seal()
    # 10.4.1: the redacted copy leaves instead of the master and the unredacted working copy; the pieces
    # are only described in the manifest (their SHA-256), never read.
    from watchkeeper.redaction.services import redacted_copy

    with redacted_copy(req.redaction) as copy:
        extra: dict[str, bytes | Path] = {
            f"redacted/{copy.name}": copy.mp4_path,
            "redaction-report.json": copy.report,
        }
        return seal(include_master=False, working_copy=False, extra_files=extra)


def store_at_rest(zip_path: Path, case_id: str, school_id: int) -> tuple[Path, storage.SealedCopy, str]:
    """A built package sealed into the exports folder, encrypted at rest: where it lies, its sealing, and
    the SHA-256 of the package itself (what its recipient can check)."""
    with zip_path.open("rb") as handle:  # read in blocks: a package may be ~900 MB an hour
        sha256 = hashlib.file_digest(handle, "sha256").hexdigest()
    stored = exports_dir() / f"{case_id}.wkpkg"
    return stored, storage.seal_file(zip_path, stored, stored.name, school_id), sha256


def logged_or_removed(stored: Path, log: Callable[[], T]) -> T:
    """The stored package's row in the CCTV log (Appendix I), written by `log`; where that fails the file is
    removed, so that no copy lies in the exports folder that the log does not name."""
    try:
        return log()
    except BaseException:
        stored.unlink(missing_ok=True)
        raise


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
            expires_on=keep_until(req.purpose, timezone.localdate(now), req.keep_until),
            # 13.2: the police's request to keep it longer, on the copy itself (who asked, until when, why).
            expiry_asked_by=req.keep_asked_by,
            expiry_note=req.keep_reason,
            expiry_set_at=now if req.keep_until else None,
        )
        DownloadRequest.objects.filter(pk=req.pk).update(status=RequestStatus.READY, failure="")
        req.status = RequestStatus.READY
        audit_about(
            PACKAGE_BUILT,
            SYSTEM,
            download,
            reason=req.get_reason_category_display(),
            request=req.pk,
            case_id=manifest["case_id"],
            file=stored.name,
            cameras=[c["id"] for c in manifest.get("cameras", [])],
            range_utc=manifest.get("range_utc"),
            segments=len(manifest_segments(manifest)),
            sha256=sha256,
            redacted=req.redaction_id is not None,
            still=manifest.get("still", {}).get("file"),
            expires_on=download.expires_on.isoformat() if download.expires_on else None,
        )
    return download


def manifest_segments(manifest: dict[str, Any]) -> list[Any]:
    return [s for c in manifest.get("cameras", []) for s in c.get("segments", [])]
