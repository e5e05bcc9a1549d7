"""Minibus footage from the web (5.2; issue 16 §3; design/recording.md, "DVR upload").

The CCTV administrator's browser sends a DVR file of several GB in pieces of PIECE_BYTES, in order, each a
request far under the web server's body limit. Each piece is sealed as it arrives (its own key, wrapped by
the school key) into the uploads store: the file is never plaintext on disk, where Django and the web server
would otherwise buffer a large upload. A broken connection resumes from the pieces already received. Once
whole, a job reads the pieces back in memory (sealed_file.SealedPieces) and imports them exactly as
`watchkeeper import-dvr` does (dvr.import_dvr: all or nothing, the same refusals), then destroys the pieces:
keys first, then blobs, so a crash between the two leaves only unreadable ciphertext.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils.timezone import localtime

from watchkeeper.audit.services import record
from watchkeeper.core.actors import Actor, require_person
from watchkeeper.core.errors import PolicyRefusal, refuse
from watchkeeper.estate.models import Camera
from watchkeeper.recording.dvr import DvrImportError, DvrSource, import_dvr, may_import
from watchkeeper.recording.models import DvrUpload, DvrUploadPiece, UploadStatus
from watchkeeper.recording.sealed_file import Piece, SealedPieces
from watchkeeper.storage import sealing
from watchkeeper.storage.keys import school_key_id
from watchkeeper.storage.store import LocalStore

PIECE_BYTES = 2 * 1024 * 1024  # under Django's in-memory body limit (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB)
MAX_FILE_BYTES = 64 * 1024**3  # a day of a minibus DVR at high quality is a few GB
ABANDON_AFTER = timedelta(days=1)  # an upload nobody has added to for this long is destroyed
ONLY_ADMIN = "only the school's CCTV system administrator imports minibus footage (9.6)"


def store() -> LocalStore:
    return LocalStore(Path(settings.DATA_DIR) / "uploads")


def _piece_name(upload: DvrUpload, index: int) -> str:
    return f"{upload.school_id}/{upload.pk}/{index:06d}.bin"


def _object_id(upload: DvrUpload, index: int) -> str:
    return f"dvr-upload:{upload.pk}:{index}"


def begin(
    actor: Actor,
    camera: Camera,
    *,
    filename: str,
    size: int,
    clock_offset_ms: int,
    start: datetime | None,
    now: datetime,
) -> DvrUpload:
    """Open an upload of `size` bytes for the minibus camera; the pieces follow (receive). The same person
    choosing the same file for the same camera again (the page was reloaded, the laptop slept) resumes their
    unfinished upload of it instead of starting over."""
    person = require_person(actor, ONLY_ADMIN)
    if not may_import(person, camera.school_id):
        raise PermissionDenied(ONLY_ADMIN)
    if camera.vehicle_id is None:
        raise refuse(
            "5.2", f"{camera.name} is not a minibus camera", "Choose the minibus camera the DVR belongs to."
        )
    if not 0 < size <= MAX_FILE_BYTES:
        raise refuse("5.2", f"{filename} is empty or larger than {MAX_FILE_BYTES // 1024**3} GB")
    unfinished = DvrUpload.objects.filter(
        created_by=person,
        camera=camera,
        filename=Path(filename).name[:200],
        size=size,
        clock_offset_ms=clock_offset_ms,
        start=start,
        status=UploadStatus.RECEIVING,
    ).first()
    if unfinished is not None:
        return unfinished
    with transaction.atomic():
        upload = DvrUpload.objects.create(
            school_id=camera.school_id,
            camera=camera,
            created_by=person,
            created_at=now,
            filename=Path(filename).name[:200] or "dvr-file",
            size=size,
            clock_offset_ms=clock_offset_ms,
            start=start,
        )
        record(
            "recording.dvr_upload_started",
            actor=person,
            school=camera.school,
            obj=upload,
            details={"camera": camera.pk, "file": upload.filename, "bytes": size},
        )
    return upload


def received_bytes(upload: DvrUpload) -> int:
    return sum(upload.pieces.values_list("size", flat=True))


def _require_cctv_administrator(actor: Actor, upload: DvrUpload) -> None:
    """The school's CCTV administrator, checked again at every piece (a role ended mid-upload stops it)."""
    person = require_person(actor, ONLY_ADMIN)
    if not may_import(person, upload.school_id):
        raise PermissionDenied(ONLY_ADMIN)


def receive(actor: Actor, upload: DvrUpload, index: int, data: bytes, *, now: datetime) -> int:
    """Seal and keep piece `index`; returns the bytes received so far. Pieces come in order; one sent again
    (its answer was lost) is accepted without change, so a resumed upload simply continues."""
    _require_cctv_administrator(actor, upload)
    if upload.status != UploadStatus.RECEIVING:
        raise refuse("5.2", f"this upload is {upload.get_status_display().lower()}: it takes no more pieces")
    have = upload.pieces.count()
    if index < have:
        return received_bytes(upload)
    if index > have:
        raise refuse("5.2", f"piece {index} arrived before piece {have}", "Resume the upload.")
    expected = min(PIECE_BYTES, upload.size - index * PIECE_BYTES)
    if len(data) != expected:
        raise refuse("5.2", f"piece {index} holds {len(data)} bytes, not {expected}", "Resume the upload.")
    sealed = sealing.put_sealed(
        store(),
        _piece_name(upload, index),
        [data],
        _object_id(upload, index),
        school_key_id(upload.school_id),
    )
    DvrUploadPiece.objects.create(
        upload=upload, index=index, size=len(data), wrapped_key=sealed.wrapped_key, key_id=sealed.key_id
    )
    DvrUpload.objects.filter(pk=upload.pk).update(last_piece_at=now)
    return received_bytes(upload)


def finish(actor: Actor, upload: DvrUpload, *, now: datetime) -> DvrUpload:
    """Every byte is here: queue the import job (when this transaction commits)."""
    from watchkeeper.jobs.queue import enqueue_on_commit
    from watchkeeper.recording import tasks

    _require_cctv_administrator(actor, upload)
    with transaction.atomic():
        locked = DvrUpload.objects.select_for_update().get(pk=upload.pk)
        if locked.status != UploadStatus.RECEIVING:
            raise refuse("5.2", f"this upload is already {locked.get_status_display().lower()}")
        if received_bytes(locked) != locked.size:
            raise refuse("5.2", "the file has not all arrived yet", "Resume the upload.")
        locked.status = UploadStatus.IMPORTING
        locked.job_task_id = enqueue_on_commit(
            tasks.dvr_upload_import, str(locked.pk), school_id=locked.school_id
        )
        locked.save(update_fields=["status", "job_task_id"])
    return locked


def _pieces(upload: DvrUpload) -> list[Piece]:
    return [
        Piece(
            _piece_name(upload, p.index),
            p.size,
            sealing.Opening(_object_id(upload, p.index), bytes(p.wrapped_key or b""), p.key_id),
        )
        for p in upload.pieces.all()
    ]


def _source(upload: DvrUpload, seen: Callable[[int], None]) -> DvrSource:
    pieces = _pieces(upload)

    def digest() -> str:
        hashed = hashlib.sha256()
        for piece in pieces:
            hashed.update(sealing.read_object(store(), piece.name, piece.opening))
        return hashed.hexdigest()

    return DvrSource(upload.filename, upload.size, SealedPieces(store(), pieces, seen), digest)


def run_import(upload_id: str, progress: Callable[[float, str], object], now: datetime) -> str:
    """The job: import the sealed pieces as a DVR file, as the uploader (their permission checked again
    now), then destroy the pieces whatever happened. Refusals become the upload's message, in plain words."""
    upload = DvrUpload.objects.select_related("camera", "camera__school", "created_by").get(pk=upload_id)

    def seen(position: int) -> None:
        progress(min(95.0, 95.0 * position / max(1, upload.size)), "Checking and storing the footage…")

    try:
        result = import_dvr(
            upload.created_by,
            upload.camera,
            _source(upload, seen),
            clock_offset_ms=upload.clock_offset_ms,
            now=now,
            start=upload.start,
        )
        message = (
            f"Imported {len(result.segments)} recording file(s), {result.frames} frames: "
            f"{localtime(result.start):%d/%m/%Y %H:%M:%S} to {localtime(result.end):%H:%M:%S} (UK time)."
        )
        status = UploadStatus.IMPORTED
    except (DvrImportError, PolicyRefusal, PermissionDenied) as error:
        message, status = f"Nothing was imported: {error}", UploadStatus.FAILED
    _close(upload, status, message, now)
    return message


def _close(upload: DvrUpload, status: str, message: str, now: datetime) -> None:
    with transaction.atomic():
        DvrUpload.objects.filter(pk=upload.pk).update(status=status, message=message, finished_at=now)
        destroy_pieces(upload)


def destroy_pieces(upload: DvrUpload) -> int:
    """Keys first (in the caller's transaction), then the blobs once it commits (design/storage.md)."""
    names = [_piece_name(upload, p.index) for p in upload.pieces.all()]
    upload.pieces.all().delete()
    transaction.on_commit(lambda: store().delete_many(names))
    return len(names)


def abandon_stale(now: datetime) -> int:
    """Uploads nobody has added to for ABANDON_AFTER (their last piece, else their start): pieces destroyed,
    the row kept (the audit trail)."""
    last_seen = Coalesce("last_piece_at", "created_at")
    stale = DvrUpload.objects.annotate(last_seen=last_seen).filter(
        status=UploadStatus.RECEIVING, last_seen__lt=now - ABANDON_AFTER
    )
    for upload in stale:
        _close(upload, UploadStatus.ABANDONED, "Abandoned: the upload was not finished within a day.", now)
    return len(stale)
