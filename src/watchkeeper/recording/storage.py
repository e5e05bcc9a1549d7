"""Blobs on disk and their index rows, kept consistent through crashes (Moonfire's garbage pattern).

Write (design/recording.md, "Writing a segment"):
  1. reserve: insert GarbageBlob(path, writing) and commit;
  2. put the sealed blob into the recordings store (storage.store: durable when put returns — locally
     `path.tmp`, fsync, rename to `path`, fsync the directory);
  3. one transaction: insert the Segment row and delete the reservation.
Erase ("Erasing a segment"):
  1. one transaction: delete the Segment row (and with it the wrapped key), insert GarbageBlob(erased);
  2. delete the blob from the store (durably: unlink, fsync the directory);
  3. delete the GarbageBlob row.
Import (a minibus DVR file, dvr.py): every blob is reserved (GarbageBlob(path, importing)) and written
as above, and all the rows go in together in one transaction that also deletes every reservation; on an
error the reservations are collected. Import reservations are collected by others only when no import
holds the import lock, so a recorder starting mid-import cannot take an import's blobs away.
A crash at any point leaves at worst a GarbageBlob row whose file may or may not exist; collecting it
(unlink if present, fsync, delete the row) restores the invariant: every row has a blob, every blob a row.
Reading: `segment_plaintext` is the one way a segment is opened (viewing, evidence, health, motion, check).
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.db import transaction

from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import DATABASE_UNAVAILABLE
from watchkeeper.recording import conf
from watchkeeper.recording.crypto import SealedSegment
from watchkeeper.recording.models import GarbageBlob, GarbageReason, Segment
from watchkeeper.storage import sealing
from watchkeeper.storage.durable import TMP_SUFFIX, fsync_dir
from watchkeeper.storage.keys import Unreadable
from watchkeeper.storage.store import LocalStore

BLOB_SUFFIX = ".wkseg"
LOCK_NAME = ".recorder.lock"
IMPORT_LOCK_NAME = ".import.lock"


# The database cannot be reached: the recorder keeps the segment as pending instead (pending.py).
OUTAGE_ERRORS = DATABASE_UNAVAILABLE


class StorageError(RuntimeError):
    """The index and the blobs could not be kept in step; nothing was committed."""


def blob_path_for(camera_id: int, school_id: int, start: datetime, segment_id: uuid.UUID) -> str:
    """Relative path: school/camera/day/id — one directory per camera per day keeps directories small."""
    return f"{school_id}/{camera_id}/{start:%Y-%m-%d}/{segment_id}{BLOB_SUFFIX}"


def recordings() -> LocalStore:
    """The store that holds the segments (and the pending records, under PENDING_DIR)."""
    return LocalStore(conf.storage_dir())


def absolute(relative: str) -> Path:
    return recordings().path(relative)


@enforces("9.3")
def segment_plaintext(segment: Segment, wrapping_key: bytes | None = None) -> bytes:
    """The segment's plaintext MP4, in memory, checked against the SHA-256 taken when it was sealed.
    ObjectMissing (a FileNotFoundError) when the blob is gone; Unreadable when it does not open or match."""
    opening = sealing.Opening(str(segment.pk), bytes(segment.wrapped_key), segment.key_id, wrapping_key)
    plaintext = sealing.read_object(recordings(), segment.blob_path, opening)
    if hashlib.sha256(plaintext).hexdigest() != segment.sha256:
        raise Unreadable("SHA-256 of the decrypted video does not match")
    return plaintext


@dataclass(frozen=True)
class NewSegment:
    id: uuid.UUID
    camera_id: int
    school_id: int
    start: datetime
    end: datetime
    received_at: datetime
    clock_offset_ms: int | None


# --- the three steps of a write, public so tests can stop between them as a crash would ---


def reserve(relative: str, reason: str = GarbageReason.WRITING) -> None:
    GarbageBlob.objects.create(path=relative, reason=reason)


def write_blob(relative: str, blob: bytes) -> None:
    recordings().put(relative, [blob])


def segment_row(new: NewSegment, relative: str, sealed: SealedSegment) -> Segment:
    """The index row of a written blob (not saved)."""
    return Segment(
        id=new.id,
        camera_id=new.camera_id,
        start=new.start,
        end=new.end,
        duration_ms=max(0, round((new.end - new.start).total_seconds() * 1000)),
        bytes=len(sealed.blob),
        sha256=sealed.sha256,
        wrapped_key=sealed.wrapped_key,
        key_id=sealed.key_id,
        blob_path=relative,
        received_at=new.received_at,
        clock_offset_ms=new.clock_offset_ms,
    )


def commit_segment(new: NewSegment, relative: str, sealed: SealedSegment) -> Segment:
    with transaction.atomic():
        segment = segment_row(new, relative, sealed)
        segment.save(force_insert=True)
        GarbageBlob.objects.filter(path=relative).delete()
    return segment


def commit_imported(rows: Sequence[Segment]) -> list[Segment]:
    """Step 3 for a whole import: every row in, every import reservation out, in the caller's transaction.
    Raises StorageError (rolling the transaction back) if any reservation is missing."""
    paths = [row.blob_path for row in rows]
    with transaction.atomic():
        deleted, _ = GarbageBlob.objects.filter(path__in=paths, reason=GarbageReason.IMPORTING).delete()
        if deleted != len(paths):
            raise StorageError(f"{len(paths) - deleted} blob(s) of this import lost their reservation")
        return Segment.objects.bulk_create(rows)


def store_segment(new: NewSegment, sealed: SealedSegment) -> Segment:
    relative = blob_path_for(new.camera_id, new.school_id, new.start, new.id)
    reserve(relative)
    try:
        write_blob(relative, sealed.blob)
        return commit_segment(new, relative, sealed)
    except OUTAGE_ERRORS:
        raise  # the blob is whole and stays: the caller keeps it as pending (pending.store)
    except Exception:
        # E.g. the disk is full: free what the partial write took now, not at the next start. If this
        # fails too, the reservation stays and is collected later.
        with suppress(Exception):
            if not Segment.objects.filter(pk=new.id).exists():  # the commit itself may have failed late
                collect(relative)
        raise


@enforces("13.1", "R11")
def erase_segments(segments: Sequence[Segment]) -> None:
    """Destroy the keys and blobs of these segments, crash-safely (the steps in the module docstring)."""
    paths = mark_erased(segments)
    remove_blobs(paths)


def mark_erased(segments: Sequence[Segment]) -> list[str]:
    """Step 1 of an erase: rows (with their wrapped keys) out, garbage rows in, in one transaction."""
    paths = [s.blob_path for s in segments]
    with transaction.atomic():
        GarbageBlob.objects.bulk_create([GarbageBlob(path=p, reason=GarbageReason.ERASED) for p in paths])
        Segment.objects.filter(pk__in=[s.pk for s in segments]).delete()
    return paths


def remove_blobs(paths: Sequence[str]) -> None:
    """Steps 2 and 3: delete the blobs durably (each directory fsynced once), then forget the garbage rows."""
    store = recordings()
    store.delete_many(paths)
    GarbageBlob.objects.filter(path__in=paths).delete()
    for directory in {store.path(relative).parent for relative in paths}:
        _remove_if_empty(directory)


def _remove_if_empty(directory: Path) -> None:
    try:
        directory.rmdir()
    except OSError:
        return  # not empty (or already gone): nothing to do
    fsync_dir(directory.parent)


def collect(relative: str) -> bool:
    """Finish one garbage entry: the file goes first, then the row. True when a file was removed."""
    removed = recordings().delete(relative)
    GarbageBlob.objects.filter(path=relative).delete()
    return removed


def collect_garbage(*, include_writing: bool) -> int:
    """Collect every garbage row; reservations only when no recorder (`include_writing`) or import (the
    import lock, held here while collecting) can be writing them."""
    with import_lock(wait=False) as no_import_running:
        rows = GarbageBlob.objects.all()
        if not include_writing:
            rows = rows.exclude(reason=GarbageReason.WRITING)
        if not no_import_running:
            rows = rows.exclude(reason=GarbageReason.IMPORTING)
        paths = list(rows.values_list("path", flat=True))
        for relative in paths:
            collect(relative)
    return len(paths)


def blob_files() -> Iterator[tuple[str, Path]]:
    """Every blob, or blob whose put never finished, in the recordings store: (name, file). A partial is
    named as the blob it was to become, so collecting that name removes it."""
    store = recordings()
    for name in store.list():
        if name.endswith(BLOB_SUFFIX):
            yield name, store.path(name)
    for name in store.partials():
        if name.endswith(BLOB_SUFFIX):
            yield name, store.path(name + TMP_SUFFIX)


@contextmanager
def recorder_lock(*, wait: bool = False) -> Iterator[bool]:
    """The single-recorder lock. Yields True when we hold it; False when another process does."""
    with _flock(LOCK_NAME, wait=wait) as held:
        yield held


@contextmanager
def import_lock(*, wait: bool = True) -> Iterator[bool]:
    """Held for the whole of a DVR import (one at a time); garbage collectors take it before collecting
    import reservations. Yields True when we hold it."""
    with _flock(IMPORT_LOCK_NAME, wait=wait) as held:
        yield held


@contextmanager
def _flock(name: str, *, wait: bool) -> Iterator[bool]:
    path = conf.storage_dir() / name
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            held = True
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
            held = False
        yield held
    finally:
        os.close(fd)  # closing the descriptor releases the lock
