"""Recording through a database outage (issue 11 §7, 12.1): segments and gaps kept on disk as pending while
the database is away, and adopted (their rows committed) when it is back.

A database restart must not stop recording: the cameras keep running and the footage is already sealed
when its row would be written. So when the database cannot be reached (PostgreSQL down or its sessions
killed, SQLite locked by another writer for longer than the busy timeout):

* the recorder marks the database away (`database_away`) and stops asking it until the supervisor's next
  poll gets through;
* each segment is stored as pending: a record of its row (`recordings/.pending/<id>.segment.json`, 0600,
  written durably) and then its blob, written durably as always. The record is the on-disk reservation:
  a record whose blob never arrived (a crash mid-write) is forgotten at the next start;
* a gap is stored as a pending record too (`<id>.gap.json`);
* `adopt` commits the rows of pending records whose blobs are there (idempotent: a row that made it
  before the connection died is kept, not doubled) and deletes any reservation of the same path.

Pending blobs are never garbage: the recorder adopts before it collects reservations at start, and
`watchkeeper check` adopts before it looks for blobs without rows (or, while a recorder runs, leaves
pending blobs alone). Until adopted, a pending record holds the segment's wrapped key beside the school
keys in the data dir (0600 in 0700 folders); it is deleted once the row is committed.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import IntegrityError, connection, transaction

from watchkeeper.recording import conf
from watchkeeper.recording.crypto import SealedSegment
from watchkeeper.recording.models import Gap, GarbageBlob, Segment
from watchkeeper.recording.storage import (
    OUTAGE_ERRORS,
    NewSegment,
    blob_path_for,
    recordings,
    segment_row,
    store_segment,
    write_blob,
)
from watchkeeper.storage.durable import fsync_dir

log = logging.getLogger(__name__)

PENDING_DIR = ".pending"
SEGMENT_SUFFIX = ".segment.json"
GAP_SUFFIX = ".gap.json"

# Set by whoever meets the outage first; cleared by the supervisor once a poll and an adoption succeed.
database_away = threading.Event()


def lost(error: BaseException) -> None:
    """A database call failed for want of the database: stop asking it, drop this thread's connection."""
    if not database_away.is_set():
        database_away.set()
        log.warning(
            "the database is unavailable (%s): recording continues to disk; the rows are committed when it "
            "is back",
            _describe(error),
        )
    with suppress(Exception):  # closing a connection that is already broken may itself fail
        connection.close()


class DatabaseWatch:
    """The supervisor's side of an outage: runs its database work, retries it with capped exponential
    back-off while the database is away (1, 2, 4 … s, at most WATCHKEEPER_RECONNECT_MAX_SECONDS), and
    says in the log when the database went and when it came back, with what was adopted meanwhile."""

    def __init__(self) -> None:
        self.failures = 0
        self.away_since: float | None = None
        self.segments = self.gaps = 0

    def attempt(self, work: Callable[[], None]) -> bool:
        """Run `work`; False (and the database marked away) when it failed for want of the database."""
        try:
            work()
        except OUTAGE_ERRORS as error:
            lost(error)
            self.failures += 1
            if self.away_since is None:
                self.away_since = time.monotonic()
            return False
        if database_away.is_set() or self.away_since is not None:
            away = time.monotonic() - self.away_since if self.away_since is not None else 0.0
            log.warning(
                "the database is back (away about %.0f s): %d segment(s) and %d gap(s) recorded while it was "
                "away are committed",
                away,
                self.segments,
                self.gaps,
            )
            self.segments = self.gaps = 0
        self.failures, self.away_since = 0, None
        database_away.clear()
        return True

    def adopted(self, adopted: Adopted) -> None:
        self.segments += adopted.segments
        self.gaps += adopted.gaps

    def backoff(self) -> float:
        return float(min(2 ** max(0, self.failures - 1), conf.max_backoff_seconds()))


def _describe(error: BaseException) -> str:
    return str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__


def pending_dir() -> Path:
    return conf.storage_dir() / PENDING_DIR


def waiting() -> bool:
    directory = pending_dir()
    return directory.exists() and any(directory.glob("*.json"))


def store(new: NewSegment, sealed: SealedSegment) -> Segment | None:
    """Store a sealed segment: indexed at once, or pending while the database is away (then None)."""
    if not database_away.is_set():
        try:
            return store_segment(new, sealed)
        except OUTAGE_ERRORS as error:
            lost(error)
    relative = blob_path_for(new.camera_id, new.school_id, new.start, new.id)
    _write(f"{new.id}{SEGMENT_SUFFIX}", _segment_record(segment_row(new, relative, sealed)))
    if recordings().exists(relative):
        return None  # written before the commit failed; its reservation goes when it is adopted
    try:
        write_blob(relative, sealed.blob)
    except Exception:
        # E.g. the disk is full: nothing of this segment stays behind (the caller records the loss).
        recordings().delete(relative)
        recordings().delete(f"{PENDING_DIR}/{new.id}{SEGMENT_SUFFIX}")
        raise
    return None


def save_gap(camera_id: int, start: datetime, end: datetime, reason: str) -> None:
    """Record a gap (12.1): in the database, or pending while it is away."""
    if not database_away.is_set():
        try:
            Gap.objects.create(camera_id=camera_id, start=start, end=end, reason=reason[:300])
            return
        except OUTAGE_ERRORS as error:
            lost(error)
    record = {"camera_id": camera_id, "start": start.isoformat(), "end": end.isoformat()}
    record["reason"] = reason[:300]
    _write(f"{uuid.uuid4()}{GAP_SUFFIX}", record)


@dataclass
class Adopted:
    segments: int = 0
    gaps: int = 0
    forgotten: int = 0  # records whose blob was never written (a crash mid-write)


def adopt(*, writers_active: bool) -> Adopted:
    """Commit the rows of pending segments and gaps. `writers_active`: a recorder may be writing now, so a
    record whose blob is not there yet is left for later rather than forgotten."""
    adopted = Adopted()
    directory = pending_dir()
    if not directory.exists():
        return adopted
    for path in sorted(directory.glob("*.json")):
        record = json.loads(path.read_bytes())
        if path.name.endswith(GAP_SUFFIX):
            Gap.objects.get_or_create(
                camera_id=record["camera_id"],
                start=datetime.fromisoformat(record["start"]),
                end=datetime.fromisoformat(record["end"]),
                reason=record["reason"],
            )
            adopted.gaps += 1
        else:
            segment = _segment_from(record)
            if not recordings().exists(segment.blob_path):
                if writers_active:
                    continue  # being written right now
                recordings().delete(segment.blob_path)  # a put cut short, if any
                adopted.forgotten += 1
            else:
                _commit(segment)
                adopted.segments += 1
        path.unlink(missing_ok=True)
    fsync_dir(directory)
    if adopted.forgotten:
        log.warning("%d pending segment(s) never written (a crash mid-write) forgotten", adopted.forgotten)
    return adopted


def pending_blobs() -> set[str]:
    """Blob paths of pending segments (for `check`, which must never delete them as unindexed)."""
    directory = pending_dir()
    if not directory.exists():
        return set()
    found = set()
    for path in directory.glob(f"*{SEGMENT_SUFFIX}"):
        with suppress(FileNotFoundError, ValueError):
            found.add(json.loads(path.read_bytes())["blob_path"])
    return found


def _commit(segment: Segment) -> None:
    try:
        with transaction.atomic():
            if not Segment.objects.filter(pk=segment.pk).exists():  # the first commit may have got through
                segment.save(force_insert=True)
            GarbageBlob.objects.filter(path=segment.blob_path).delete()
    except IntegrityError:
        if not Segment.objects.filter(pk=segment.pk).exists():  # someone else adopted it: fine
            raise


def _write(name: str, record: dict[str, Any]) -> None:
    recordings().put(f"{PENDING_DIR}/{name}", [json.dumps(record).encode()])


def _segment_record(row: Segment) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "camera_id": row.camera_id,
        "start": row.start.isoformat(),
        "end": row.end.isoformat(),
        "duration_ms": row.duration_ms,
        "bytes": row.bytes,
        "sha256": row.sha256,
        "wrapped_key": bytes(row.wrapped_key).hex(),
        "key_id": row.key_id,
        "blob_path": row.blob_path,
        "received_at": row.received_at.isoformat(),
        "clock_offset_ms": row.clock_offset_ms,
    }


def _segment_from(record: dict[str, Any]) -> Segment:
    return Segment(
        id=uuid.UUID(record["id"]),
        camera_id=record["camera_id"],
        start=datetime.fromisoformat(record["start"]),
        end=datetime.fromisoformat(record["end"]),
        duration_ms=record["duration_ms"],
        bytes=record["bytes"],
        sha256=record["sha256"],
        wrapped_key=bytes.fromhex(record["wrapped_key"]),
        key_id=record["key_id"],
        blob_path=record["blob_path"],
        received_at=datetime.fromisoformat(record["received_at"]),
        clock_offset_ms=record["clock_offset_ms"],
    )
