"""`watchkeeper check` for recordings: index ↔ blob consistency and integrity (9.3).

Finds rows without blobs (reported: footage lost), blobs without rows (repaired: deleted — without its
wrapped key a blob cannot be opened by anyone), blobs whose size, authentication tag or SHA-256 does not
match their row (reported), and finishes any pending garbage. While a recorder holds the lock the check
repairs nothing it might be writing: reservations and files younger than YOUNG_SECONDS are left alone.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from watchkeeper.recording.models import GarbageBlob, GarbageReason, Segment
from watchkeeper.recording.pending import adopt, pending_blobs
from watchkeeper.recording.storage import blob_files, collect, collect_garbage, recordings, segment_plaintext
from watchkeeper.storage.keys import Unreadable, existing_school_key
from watchkeeper.storage.store import ObjectMissing

# A file this recent may be a blob a live recorder renamed but has not yet indexed.
YOUNG_SECONDS = 120


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)  # something is wrong (exit status non-zero)
    repaired: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # normal housekeeping, not a problem
    segments: int = 0
    verified: int = 0

    @property
    def clean(self) -> bool:
        return not self.problems


def check(*, verify: bool = True, recorder_running: bool = False) -> Report:
    report = Report()
    if not recorder_running:
        # Segments recorded while the database was away are footage, never garbage: commit their rows
        # before anything looks for blobs without rows (a running recorder adopts its own).
        adopted = adopt(writers_active=False)
        if adopted.segments or adopted.gaps:
            report.notes.append(
                f"committed {adopted.segments} segment(s) and {adopted.gaps} gap(s) recorded while the "
                "database was away"
            )
    collected = collect_garbage(include_writing=not recorder_running)
    if collected:
        report.notes.append(f"finished {collected} pending garbage entr{'y' if collected == 1 else 'ies'}")
    _orphans(report, recorder_running)
    _rows(report, verify)
    return report


def _orphans(report: Report, recorder_running: bool) -> None:
    known = set(Segment.objects.values_list("blob_path", flat=True)) | pending_blobs()
    reserved = set(GarbageBlob.objects.values_list("path", flat=True))
    now = time.time()
    for relative, path in blob_files():
        if relative.endswith(".tmp"):
            relative = relative[: -len(".tmp")]
        if relative in known or relative in reserved:
            continue
        if recorder_running and now - path.stat().st_mtime < YOUNG_SECONDS:
            continue
        # Through the garbage table, so a crash during the repair is itself repaired next time.
        GarbageBlob.objects.get_or_create(path=relative, defaults={"reason": GarbageReason.ORPHAN})
        collect(relative)
        report.problems.append(f"blob without an index row: {relative}")
        report.repaired.append(f"deleted unindexed blob {relative} (no key exists for it)")


def _rows(report: Report, verify: bool) -> None:
    keys: dict[str, bytes] = {}
    store = recordings()
    for segment in Segment.objects.order_by("camera_id", "start").iterator(chunk_size=500):
        report.segments += 1
        try:
            size = store.size(segment.blob_path)
        except ObjectMissing:
            report.problems.append(
                f"segment {segment.pk} ({segment.camera_id} {segment.start}): blob missing"
            )
            continue
        if size != segment.bytes:
            report.problems.append(f"segment {segment.pk}: blob is {size} bytes, index says {segment.bytes}")
            continue
        if not verify:
            continue
        try:
            if segment.key_id not in keys:
                keys[segment.key_id] = existing_school_key(segment.key_id)
            segment_plaintext(segment, keys[segment.key_id])
        except Unreadable as error:
            report.problems.append(f"segment {segment.pk}: {error}")
            continue
        report.verified += 1
