"""Taking footage out of the system (9.5, Appendix I; design/evidence.md).

A snapshot (a still image) counts as a download: it needs the same authorisation as viewing the footage
(viewing.services.open_segment checks it, and audits a refusal), and it goes into the school's CCTV log
(a Download row) with an audit event, in one transaction. The JPEG is handed over and not kept.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from watchkeeper.audit.services import record
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.estate.models import Camera
from watchkeeper.evidence import package
from watchkeeper.evidence.models import Download, Kind
from watchkeeper.evidence.snapshot import NoSuchFrame, still
from watchkeeper.recording.models import Segment
from watchkeeper.viewing import services as viewing
from watchkeeper.viewing.models import ViewingAuthorisation

SNAPSHOT_DOWNLOADED = "evidence.snapshot_downloaded"


@dataclass(frozen=True)
class Snapshot:
    download: Download
    jpeg: bytes


def take_snapshot(
    actor: Any, auth: ViewingAuthorisation, segment: Segment, offset: float, *, now: datetime | None = None
) -> Snapshot:
    """The frame `offset` seconds into `segment` as a JPEG, logged (Appendix I) and audited (16).

    PermissionDenied (audited by open_segment) when `actor` may not view the segment under `auth` now;
    PolicyRefusal when the offset names no frame of it."""
    now = now or timezone.now()
    mp4 = viewing.open_segment(actor, auth, segment, now)
    if auth.decided_by_id is None or auth.decided_at is None:
        raise PermissionDenied("9.2: this authorisation has no recorded decision")
    if not math.isfinite(offset) or not 0 <= offset <= segment.duration_ms / 1000:
        raise PolicyRefusal("9.5: that moment is not inside the segment shown")
    try:
        frame = still(mp4, offset)
    except NoSuchFrame as error:
        raise PolicyRefusal(f"9.5: no frame can be taken there: {error}") from error
    with transaction.atomic():
        download = Download.objects.create(
            school_id=auth.school_id,
            kind=Kind.SNAPSHOT,
            authorisation=auth,
            authorised_by_id=auth.decided_by_id,
            authorised_at=auth.decided_at,
            downloaded_at=now,
            reason_category=auth.reason_category,
            reason=auth.reason,
            requested_by=actor,
            camera_id=segment.camera_id,
            frame_at=segment.start + timedelta(seconds=frame.offset),
            sha256=hashlib.sha256(frame.jpeg).hexdigest(),
        )
        record(
            SNAPSHOT_DOWNLOADED,
            actor=actor,
            school=auth.school,
            obj=download,
            reason=auth.get_reason_category_display(),
            details={
                "authorisation": auth.pk,
                "camera": segment.camera_id,
                "camera_name": segment.camera.name,
                "segment": str(segment.pk),
                "frame_at": download.frame_at.isoformat(),
                "sha256": download.sha256,
                "size": [frame.width, frame.height],
            },
        )
    return Snapshot(download, frame.jpeg)


# --- Sealed evidence packages (9.5, 11.3, 11.4, 11.6; design/evidence.md "Evidence packages") ----------

PACKAGE_EXPORTED = "evidence.package_exported"
PACKAGE_FETCHED = "evidence.package_fetched"


@dataclass(frozen=True)
class Exported:
    download: Download
    path: Path
    password: str  # shown once to the caller (11.6); never stored or logged


def exports_dir() -> Path:
    return Path(settings.DATA_DIR) / "exports"


def package_path(download: Download) -> Path:
    return exports_dir() / Path(download.package_file).name


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


def export_package(
    actor: Any,
    auth: ViewingAuthorisation,
    cameras: Iterable[Camera] | None = None,
    *,
    now: datetime | None = None,
) -> Exported:
    """Seal the footage `actor` may view under `auth` (optionally only `cameras`) into
    <data dir>/exports/<case id>.zip; one CCTV log row (Appendix I) and one audit event, in one transaction.

    PermissionDenied when the authorisation has no recorded decision; PolicyRefusal when there is no
    footage the actor may view under it now (each segment is read through viewing.services.open_segment,
    which checks and audits it)."""
    now = now or timezone.now()
    if auth.decided_by_id is None or auth.decided_at is None:
        raise PermissionDenied("9.2: this authorisation has no recorded decision")
    chosen = list(auth.cameras.all()) if cameras is None else list(cameras)
    allowed = {c.pk for c in auth.cameras.all()}
    if any(c.pk not in allowed for c in chosen):
        raise PolicyRefusal("9.2: that camera is not covered by this authorisation")
    segments = [s for c in chosen for s in viewing.viewable_segments(actor, auth, c, now)]
    if not segments:
        raise PolicyRefusal("9.5: there is no footage you may view under this authorisation to export")
    pieces = [_piece(viewing.open_segment(actor, auth, s, now), s) for s in segments]
    meta = package.Metadata(
        case_id=f"WK-{auth.school_id}-{auth.pk}-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}",
        school_id=auth.school_id,
        school_name=auth.school.name,
        start=min(p.start for p in pieces),
        end=max(p.end for p in pieces),
        requested_by=_name(actor),
        authorised_by=_name(auth.decided_by),
        authorised_at=auth.decided_at,
        reason=f"{auth.get_reason_category_display()}: {auth.reason}",
        created_at=now,
    )
    password = package.new_password()
    path = exports_dir() / f"{meta.case_id}.zip"
    manifest = package.build(path, pieces, meta, password, package.signing_key(auth.school_id))
    try:
        download = _log_package(actor, auth, segments[0], path, manifest, now)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Exported(download, path, password)


def _piece(plaintext: bytes, segment: Segment) -> package.Piece:
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
    actor: Any,
    auth: ViewingAuthorisation,
    first: Segment,
    path: Path,
    manifest: dict[str, Any],
    now: datetime,
) -> Download:
    decider, decided_at = auth.decided_by_id, auth.decided_at
    if decider is None or decided_at is None:  # checked by export_package; narrowed here for the row
        raise PermissionDenied("9.2: this authorisation has no recorded decision")
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    with transaction.atomic():
        download = Download.objects.create(
            school_id=auth.school_id,
            kind=Kind.PACKAGE,
            authorisation=auth,
            authorised_by_id=decider,
            authorised_at=decided_at,
            downloaded_at=now,
            reason_category=auth.reason_category,
            reason=auth.reason,
            requested_by=actor,
            camera_id=first.camera_id,
            frame_at=first.start,
            sha256=digest.hexdigest(),
            package_file=path.name,
        )
        record(
            PACKAGE_EXPORTED,
            actor=actor,
            school=auth.school,
            obj=download,
            reason=auth.get_reason_category_display(),
            details={
                "authorisation": auth.pk,
                "case_id": manifest["case_id"],
                "file": path.name,
                "cameras": [c["id"] for c in manifest["cameras"]],
                "range_utc": manifest["range_utc"],
                "segments": sum(len(c["segments"]) for c in manifest["cameras"]),
                "sha256": download.sha256,
            },
        )
    return download
