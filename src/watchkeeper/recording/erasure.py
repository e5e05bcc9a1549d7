"""13.1 "erased before disposal": erasing the recordings of a decommissioned camera, or every recording on a
storage device being retired, and the erasure certificate that says what was destroyed
(design/recording.md "Erasure before disposal").

A recording is erased by destroying its key (the Segment row, which holds the only live copy of its wrapped
key) and deleting its encrypted file; from the key's destruction on, no copy of the file opens. The
certificate is written only after the erasure is checked: no key of the erased recordings left in the
database, no encrypted file left on the device. It also says what the software cannot erase: a destroyed
key survives in database backups (and PostgreSQL's WAL archives) until they expire, so it gives the date by
which every such backup has expired (WATCHKEEPER_BACKUP_RETENTION_DAYS).

Footage a hold covers (9.6) is never erased here: a camera's held recordings are kept and counted on the
certificate; a storage device holding any is refused.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from watchkeeper.audit.services import record
from watchkeeper.core.actors import Actor, person_or_none
from watchkeeper.core.auditing import audit_about
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import refuse
from watchkeeper.core.permissions import require
from watchkeeper.estate.models import Camera, CameraStatus, School
from watchkeeper.recording import conf
from watchkeeper.recording.models import ErasureCertificate, ErasureKind, Segment
from watchkeeper.recording.pending import PENDING_DIR
from watchkeeper.recording.retention import is_held, load_holds, secure_delete
from watchkeeper.recording.storage import BLOB_SUFFIX, erase_segments, recorder_lock
from watchkeeper.storage.store import LocalStore

ERASE = "recording.hold"  # the school's CCTV system administrator (9.6), who also places and releases holds
BATCH = 200


@dataclass
class Figures:
    """What an erasure destroyed, counted from the segments themselves before they go."""

    segments: int = 0
    bytes: int = 0
    first: datetime | None = None
    last: datetime | None = None
    cameras: dict[int, dict[str, Any]] = field(default_factory=dict)


def figures(segments: Sequence[Segment], names: dict[int, str]) -> Figures:
    """Count, bytes, time range overall and per camera (pure)."""
    result = Figures()
    for segment in segments:
        result.segments += 1
        result.bytes += segment.bytes
        result.first = min(result.first or segment.start, segment.start)
        result.last = max(result.last or segment.end, segment.end)
        entry = result.cameras.setdefault(
            segment.camera_id,
            {
                "camera": names.get(segment.camera_id, str(segment.camera_id)),
                "count": 0,
                "from": "",
                "to": "",
            },
        )
        entry["count"] += 1
        entry["from"] = min(entry["from"] or segment.start.isoformat(), segment.start.isoformat())
        entry["to"] = max(entry["to"], segment.end.isoformat())
    return result


def backups_expire_on(erased_at: datetime, retention_days: int) -> date:
    """Every backup taken up to the erasure (the last that can hold the keys) has expired by this day."""
    return (erased_at + timedelta(days=retention_days)).date()


# --- a decommissioned camera ----------------------------------------------------------------------------


@enforces("13.1", "R11")
def erase_camera(actor: Actor, camera: Camera, reason: str, *, now: datetime) -> ErasureCertificate:
    """Erase every recording of a decommissioned camera that no hold covers; certify it (13.1)."""
    require(actor, ERASE, camera.school_id)
    if camera.status != CameraStatus.DECOMMISSIONED:
        raise refuse(
            "13.1",
            f"{camera.name} is {camera.get_status_display().lower()}: only a decommissioned camera's "
            "recordings are erased for its disposal",
            "decommission the camera first",
        )
    _need_reason(reason)
    segments = list(Segment.objects.filter(camera=camera).order_by("start"))
    holds = load_holds()
    kept = [s for s in segments if is_held(s, holds, now)]
    doomed = [s for s in segments if not is_held(s, holds, now)]
    counted = figures(doomed, {camera.pk: camera.name})
    _erase(doomed)
    files_left = sum(1 for s in doomed if conf.storage_dir().joinpath(s.blob_path).exists())
    return _certify(
        actor,
        ErasureKind.CAMERA,
        counted,
        reason,
        now,
        school=camera.school,
        camera=camera,
        erased_ids=[s.pk for s in doomed],
        files_deleted=counted.segments,
        files_left=files_left,
        kept=len(kept),
    )


# --- a storage device -----------------------------------------------------------------------------------


@enforces("13.1", "R11")
def erase_storage(actor: Actor, root: Path, reason: str, *, now: datetime) -> ErasureCertificate:
    """Erase every recording with a file on the device at `root` (the live store or a copy of it on a disk
    being retired): its key destroyed, so no copy of it opens anywhere, and every encrypted file on the
    device deleted. Refused while any of them is held (9.6) or recordings wait there for the database."""
    store = LocalStore(root)
    if not store.root.is_dir():
        raise refuse("13.1", f"there is no folder {root}", "name the folder the storage device is mounted at")
    _need_reason(reason)
    if store.root != conf.storage_dir().resolve():
        return _erase_device(actor, store, reason, now)
    # The live store: no recorder may write new recordings onto the device while it is erased.
    with recorder_lock(wait=False) as free:
        if not free:
            raise refuse("13.1", "the recorder is writing to this device", "stop the recorder, then erase it")
        return _erase_device(actor, store, reason, now)


def _erase_device(actor: Actor, store: LocalStore, reason: str, now: datetime) -> ErasureCertificate:
    names = _blob_names(store)
    if any(name.startswith(f"{PENDING_DIR}/") for name in store.list()):
        raise refuse(
            "13.1",
            "recordings made while the database was away are still waiting on this device",
            "run `watchkeeper check` to take them into the index, then erase the device",
        )
    ids = [i for i in names.values() if i is not None]
    segments = list(Segment.objects.filter(pk__in=ids).select_related("camera__school"))
    schools = {s.camera.school_id: s.camera.school for s in segments}
    for school_id in schools:
        require(actor, ERASE, school_id)
    holds = load_holds()
    held = [s for s in segments if is_held(s, holds, now)]
    if held:
        raise refuse(
            "9.6",
            f"{len(held)} recording(s) on this device are under a hold and must be kept",
            "release the holds, or move the device's recordings elsewhere first",
        )
    counted = figures(segments, {s.camera_id: s.camera.name for s in segments})
    _erase(segments)
    store.delete_many(names)  # copies of the same files elsewhere than the live store, and keyless ones
    return _certify(
        actor,
        ErasureKind.STORAGE,
        counted,
        reason,
        now,
        school=next(iter(schools.values())) if len(schools) == 1 else None,
        storage_root=str(store.root),
        erased_ids=[s.pk for s in segments],
        files_deleted=len(names),
        files_left=len(_blob_names(store)),
        without_key=len(names) - len(segments),  # keys destroyed earlier (retention): already unreadable
    )


def _blob_names(store: LocalStore) -> dict[str, uuid.UUID | None]:
    """Every encrypted recording file on the device, finished or not (deleting a name takes its unfinished
    file too) → the recording id it names."""
    names: dict[str, uuid.UUID | None] = {}
    for name in [*store.list(), *store.partials()]:
        if name.endswith(BLOB_SUFFIX):
            try:
                names[name] = uuid.UUID(Path(name).name.removesuffix(BLOB_SUFFIX))
            except ValueError:
                names[name] = None
    return names


# --- shared steps ---------------------------------------------------------------------------------------


def _need_reason(reason: str) -> None:
    if not reason.strip():
        raise refuse(
            "13.1", "an erasure for disposal needs a reason", "say why, e.g. which device goes where"
        )


def _erase(segments: Sequence[Segment]) -> None:
    """Keys first (crash-safe, storage.erase_segments); on SQLite without leaving them in free pages."""
    with secure_delete():
        for first in range(0, len(segments), BATCH):
            erase_segments(segments[first : first + BATCH])


def _certify(
    actor: Actor,
    kind: str,
    counted: Figures,
    reason: str,
    now: datetime,
    *,
    school: School | None,
    erased_ids: list[uuid.UUID],
    files_deleted: int,
    files_left: int,
    camera: Camera | None = None,
    storage_root: str = "",
    kept: int = 0,
    without_key: int = 0,
) -> ErasureCertificate:
    """Check the erasure, then write the certificate and its audit event in one transaction."""
    keys_left = Segment.objects.filter(pk__in=erased_ids).count()
    retention = conf.backup_retention_days()
    with transaction.atomic():
        certificate = ErasureCertificate.objects.create(
            kind=kind,
            school=school,
            camera=camera,
            storage_root=storage_root,
            reason=reason.strip(),
            erased_at=now,
            by=person_or_none(actor),
            by_name=actor.get_username() or "system",
            segments_erased=counted.segments,
            bytes_erased=counted.bytes,
            files_deleted=files_deleted,
            files_without_key=without_key,
            footage_from=counted.first,
            footage_to=counted.last,
            cameras=list(counted.cameras.values()),
            kept_by_holds=kept,
            keys_remaining=keys_left,
            files_remaining=files_left,
            database=connection.vendor,
            backup_retention_days=retention,
            backups_expire_on=backups_expire_on(now, retention),
        )
        details = {
            "kind": kind,
            "camera": camera.pk if camera else None,
            "storage_root": storage_root,
            "segments_erased": counted.segments,
            "kept_by_holds": kept,
            "keys_remaining": keys_left,
            "files_remaining": files_left,
            "backups_expire_on": certificate.backups_expire_on.isoformat(),
        }
        if school is not None:
            audit_about("recording.erased_for_disposal", actor, certificate, reason=reason, **details)
        else:  # a device of several schools: a trust-level event
            record(
                "recording.erased_for_disposal", actor=actor, obj=certificate, reason=reason, details=details
            )
    return certificate
