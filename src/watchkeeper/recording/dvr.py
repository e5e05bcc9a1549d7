"""Minibus footage (5.2): a DVR file (MP4 or MPEG-TS) imported for a minibus camera, stored exactly as the
recorder stores a camera's stream (design/recording.md, "Minibus DVR import").

The file is read with PyAV and stream-copied: the same merging, key-frame cutting, fragmented-MP4 muxing
and per-segment encryption as the recorder (a camera with privacy zones is masked first, 5.3). Every frame
is also decoded on the way through, so a damaged file is refused rather than stored.

Time: the DVR's clock is rarely right. The file's start (the operator's --start, or the file's
`creation_time` tag) is the DVR's clock; `clock_offset_ms` is DVR clock minus true time (the recorder's
sign convention, 9.3), so a segment's true time = file start + its position in the file - the offset. The
offset is kept on every segment.

All or nothing: the import holds the import lock; each blob is reserved (GarbageBlob "importing") before
it is written; the rows are committed together with the audit event in one transaction that also deletes
the reservations. On any error the reservations are collected (blobs unlinked) and nothing is left.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from watchkeeper.audit.services import record
from watchkeeper.compliance.models import Sign
from watchkeeper.core.actors import Actor, is_system
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.permissions import can
from watchkeeper.estate.models import MAX_RETENTION_DAYS, Camera
from watchkeeper.recording import conf
from watchkeeper.recording.crypto import school_key, school_key_id, seal
from watchkeeper.recording.masking import ZoneMasker
from watchkeeper.recording.models import GarbageReason, Segment
from watchkeeper.recording.muxer import SegmentMuxer
from watchkeeper.recording.recorder import footage_problems, to_ms
from watchkeeper.recording.segmenter import Merger, Segmenter, Unit
from watchkeeper.recording.storage import (
    NewSegment,
    blob_path_for,
    collect,
    commit_imported,
    import_lock,
    reserve,
    segment_row,
    write_blob,
)

# A DVR's creation_time before this is an unset clock (MP4's epoch is 1904), not a time.
EARLIEST_PLAUSIBLE = datetime(2000, 1, 1, tzinfo=UTC)
# MP4 (and its QuickTime parent) and MPEG-TS: what minibus DVRs write.
CONTAINERS = {"mp4", "mov", "mpegts"}
# Footage ending further in the future than this means the start time or the offset is wrong.
FUTURE_TOLERANCE = timedelta(minutes=5)


class DvrImportError(ValueError):
    """The file cannot be imported as it is (damaged, empty, not H.264 video, no start time …)."""


@dataclass
class ImportResult:
    segments: list[Segment] = field(default_factory=list)
    frames: int = 0
    sha256: str = ""

    @property
    def bytes(self) -> int:
        return sum(s.bytes for s in self.segments)

    @property
    def start(self) -> datetime:
        return self.segments[0].start

    @property
    def end(self) -> datetime:
        return self.segments[-1].end


@dataclass(frozen=True)
class Cut:
    """One segment of the file: plaintext MP4, and its first and end pts in the file's time base."""

    plaintext: bytes
    first_pts: int
    end_pts: int


@dataclass(frozen=True)
class DvrSource:
    """What an import reads: a file on disk (the command line) or an upload's sealed pieces read back in
    memory (the web, recording.uploads). `target` is what av.open takes: a path, or a seekable file."""

    name: str
    size: int
    target: Any
    digest: Callable[[], str]

    @classmethod
    def of_path(cls, path: Path) -> DvrSource:
        if not path.is_file():
            raise DvrImportError(f"{path} is not a file")
        return cls(path.name, path.stat().st_size, str(path), lambda: _sha256(path))


def may_import(actor: Actor, school_id: int) -> bool:
    """The school's CCTV system administrator (or SYSTEM: the command line) handles stored footage (9.6)."""
    return is_system(actor) or can(actor, "recording.import", school_id)


@enforces("5.2", "9.3", "9.6", "13.1")
def import_dvr(
    actor: Actor,
    camera: Camera,
    path: Path | DvrSource,
    *,
    clock_offset_ms: int,
    now: datetime,
    start: datetime | None = None,
) -> ImportResult:
    """Import a DVR file for a minibus camera; all of it or (on any error) none of it. `now` is when the
    import began (the command reads the clock): footage may not end after it, the signs are checked on its
    day, and it is every segment's received time."""
    if camera.vehicle_id is None:
        raise PolicyRefusal(f"5.2: {camera.name} is not on a minibus — only minibus DVR files are imported")
    return import_recording(actor, camera, path, clock_offset_ms=clock_offset_ms, now=now, start=start)


@enforces("9.3", "9.6", "13.1")
def import_recording(
    actor: Actor,
    camera: Camera,
    path: Path | DvrSource,
    *,
    clock_offset_ms: int,
    now: datetime,
    start: datetime | None = None,
    source: str = "dvr",
) -> ImportResult:
    """The import itself, for any camera that may store footage: `import_dvr` (a minibus's DVR, 5.2) and
    the demo, which imports its made-up footage for the fixed cameras its requests ask about
    (site/demo_footage.py; `source` "demo", named in the audit event)."""
    if not may_import(actor, camera.school_id):
        raise PermissionDenied("only the school's CCTV system administrator may import DVR footage")
    _refuse_camera(camera, timezone.localdate(now))
    file = path if isinstance(path, DvrSource) else DvrSource.of_path(Path(path))
    with import_lock(), _open(file) as container:
        stream = _video_stream(container, file.name)
        file_start = _file_start(container, stream, start)
        origin = _origin(stream)
        true_start = file_start - timedelta(milliseconds=clock_offset_ms)

        def at(pts: int) -> datetime:
            return to_ms(true_start + timedelta(seconds=float((pts - origin) * Fraction(stream.time_base))))

        written: list[Segment] = []
        reserved: list[str] = []
        try:
            reader = _Reader(container, stream, camera.privacy_zones or [], file.name)
            for cut in reader.cuts():
                start_at, end_at = at(cut.first_pts), at(cut.end_pts)
                written.append(_write(camera, cut, (start_at, end_at), now, clock_offset_ms, reserved))
            if not written:
                raise DvrImportError(f"{file.name} holds no complete video: no key frame was found")
            result = ImportResult(written, reader.frames, file.digest())
            _refuse_times(camera, result, now)
            with transaction.atomic():
                _refuse_overlap(camera, result)
                commit_imported(written)
                _audit(actor, camera, file.name, result, (clock_offset_ms, file_start, start), source)
        except BaseException:
            for relative in reserved:
                with suppress(Exception):  # what is not collected now is collected with the lock released
                    collect(relative)
            raise
    return result


def _refuse_camera(camera: Camera, today: date) -> None:
    signs = Sign.objects.filter(school_id=camera.school_id)
    problems = footage_problems(camera, signs, today)
    if problems:
        raise PolicyRefusal([f"{camera.name} may not store footage: {p}" for p in problems])


@contextmanager
def _open(source: DvrSource | Path) -> Iterator[Any]:
    """av.open, with the failures a wrong file causes turned into one clear error."""
    if not isinstance(source, DvrSource):
        source = DvrSource.of_path(Path(source))
    if source.size == 0:
        raise DvrImportError(f"{source.name} is empty")
    try:
        container = av.open(source.target, mode="r")
    except av.error.FFmpegError:
        # Plain words only: the decoder's own message ("Invalid data found when processing input") means
        # nothing to the administrator who uploaded the file (found on the walk).
        raise DvrImportError(f"{source.name} cannot be read as video: damaged, or not a video file") from None
    except UnicodeDecodeError:
        # A damaged header whose text (the MP4 brand, a tag) is not UTF-8: av fails decoding it (found by
        # tests/properties/test_dvr_headers.py, issue 14 §6).
        raise DvrImportError(f"{source.name} cannot be read as video: its header is damaged") from None
    try:
        if not set(container.format.name.split(",")) & CONTAINERS:
            raise DvrImportError(
                f"{source.name} is not an MP4 or MPEG-TS file (it reads as {container.format.name})"
            )
        yield container
    finally:
        container.close()


def _video_stream(container: Any, name: str) -> Any:
    if not container.streams.video:
        raise DvrImportError(f"{name} has no video stream")
    stream = container.streams.video[0]
    # No codec context: the stream's description is damaged (tests/properties/test_dvr_headers.py).
    codec = stream.codec_context.name if stream.codec_context is not None else "undescribed"
    if codec != "h264":
        raise DvrImportError(f"{name} holds {codec} video, not H.264: it cannot be stored as recorded")
    return stream


def _file_start(container: Any, stream: Any, given: datetime | None) -> datetime:
    """The operator's start, or the file's creation_time tag (UTC in MP4) — both on the DVR's clock."""
    if given is not None:
        return given if timezone.is_aware(given) else timezone.make_aware(given)
    tag = stream.metadata.get("creation_time") or container.metadata.get("creation_time")
    if tag:
        try:
            moment = datetime.fromisoformat(tag)
        except ValueError:
            moment = None
        if moment is not None:
            moment = moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)
            if moment >= EARLIEST_PLAUSIBLE:
                return moment
    raise DvrImportError("the file does not say when it was recorded: give the start time (--start)")


def _origin(stream: Any) -> int:
    return stream.start_time if stream.start_time is not None else 0


class _Reader:
    """Merge, (mask,) verify by decoding, cut at key frames, mux: the recorder's path, for a file."""

    def __init__(self, container: Any, stream: Any, zones: list[Any], name: str):
        self.container, self.stream, self.name = container, stream, name
        self.time_base = Fraction(stream.time_base)
        self.origin = _origin(stream)
        self.seconds = conf.segment_seconds()
        self.masker = ZoneMasker(zones, stream, self.seconds, strict=True) if zones else None
        self.checker = None if self.masker else _Checker(stream)
        self.position = self.origin  # pts of the last unit read, for error messages
        self.frames = 0

    def cuts(self) -> Iterator[Cut]:
        try:
            yield from self._cuts()
        except av.error.FFmpegError:
            at = float((self.position - self.origin) * self.time_base)
            raise DvrImportError(f"{self.name} is damaged near {at:.1f} s into the file") from None
        finally:
            if self.masker is not None:
                self.masker.close()

    def _cuts(self) -> Iterator[Cut]:
        segmenter = Segmenter(self.time_base, self.seconds)
        current: SegmentMuxer | None = None
        first = 0
        for unit in self._units():
            decision = segmenter.accept(unit)
            if decision.restart:
                at = float((unit.pts - self.origin) * self.time_base)
                raise DvrImportError(
                    f"{self.name}: the timestamps jump at {at:.1f} s, so the file cannot be placed in time "
                    "as one recording"
                )
            if decision.cut is not None and current is not None:
                yield Cut(current.close(), first, decision.cut)
                current = None
            if not decision.take:
                continue
            self.frames += 1
            if decision.start:
                template = self.stream if self.masker is None else self.masker.template
                current, first = SegmentMuxer(template, self.time_base, unit), unit.pts
            elif current is not None:
                current.add(unit)
        end = segmenter.finish()
        if current is not None and end is not None:
            yield Cut(current.close(), first, end)

    def _units(self) -> Iterator[Unit]:
        for unit in self._merged():
            self.position = unit.pts
            if self.masker is not None:
                for masked, _ in self.masker.push(unit, 0.0):
                    yield masked
            else:
                assert self.checker is not None
                self.checker.check(unit)
                yield unit
        if self.masker is not None:
            for masked, _ in self.masker.flush():
                yield masked
        elif self.checker is not None:
            self.checker.finish()

    def _merged(self) -> Iterator[Unit]:
        merger = Merger()
        for packet in self.container.demux(self.stream):
            yield from merger.push(packet, packet.pts, packet.dts, packet.is_keyframe, packet.duration or 0)
        yield from merger.flush()


class _Checker:
    """Decodes every frame from the first key frame on, so a damaged file is refused, not stored."""

    def __init__(self, stream: Any):
        self.decoder = stream.codec_context
        self.decoder.options = {"err_detect": "explode"}
        self.time_base = Fraction(stream.time_base)
        self.started = False

    def check(self, unit: Unit) -> None:
        if not self.started and not unit.key:
            return
        self.started = True
        packet = unit.payload if isinstance(unit.payload, av.Packet) else av.Packet(unit.payload)
        packet.pts, packet.dts, packet.time_base = unit.pts, unit.dts, self.time_base
        self.decoder.decode(packet)

    def finish(self) -> None:
        if self.started:
            self.decoder.decode(None)


def _write(
    camera: Camera,
    cut: Cut,
    span: tuple[datetime, datetime],
    now: datetime,
    clock_offset_ms: int,
    reserved: list[str],
) -> Segment:
    """Seal, reserve (noting the path in `reserved`) and write one blob; returns its (unsaved) row."""
    start, end = span
    segment_id = uuid.uuid4()
    key_id = school_key_id(camera.school_id)
    sealed = seal(cut.plaintext, segment_id, key_id, school_key(key_id))
    new = NewSegment(
        id=segment_id,
        camera_id=camera.pk,
        school_id=camera.school_id,
        start=start,
        end=end,
        received_at=now,
        clock_offset_ms=clock_offset_ms,
    )
    relative = blob_path_for(camera.pk, camera.school_id, start, segment_id)
    reserve(relative, GarbageReason.IMPORTING)
    reserved.append(relative)
    row = segment_row(new, relative, sealed)
    write_blob(relative, sealed.blob)
    return row


def _refuse_times(camera: Camera, result: ImportResult, now: datetime) -> None:
    if result.end > now + FUTURE_TOLERANCE:
        raise PolicyRefusal(
            f"9.3: the footage would end at {result.end:%Y-%m-%d %H:%M:%S} UTC, in the future — "
            "the start time or the DVR clock offset is wrong"
        )
    retention = min(camera.retention_days, MAX_RETENTION_DAYS)
    if result.start < now - timedelta(days=retention):
        raise PolicyRefusal(
            f"13.1: the footage starts {result.start:%Y-%m-%d %H:%M} UTC, older than this camera's "
            f"{retention}-day retention: it may not be kept"
        )


def _refuse_overlap(camera: Camera, result: ImportResult) -> None:
    clash = (
        Segment.objects.filter(camera=camera, start__lt=result.end, end__gt=result.start)
        .order_by("start")
        .first()
    )
    if clash is not None:
        raise PolicyRefusal(
            f"9.3: {camera.name} already has footage from {clash.start:%Y-%m-%d %H:%M:%S} to "
            f"{clash.end:%H:%M:%S} UTC overlapping this file — was it imported before?"
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _audit(
    actor: Actor,
    camera: Camera,
    name: str,
    result: ImportResult,
    clock: tuple[int, datetime, datetime | None],
    source: str,
) -> None:
    """`clock`: the offset, the file's start on the DVR's clock, and the operator's start if they gave one."""
    clock_offset_ms, file_start, given = clock
    record(
        "recording.dvr_imported",
        actor=actor,
        school=camera.school,
        obj=camera,
        details={
            "source": source,
            "file": name,
            "file_sha256": result.sha256,
            "segments": len(result.segments),
            "frames": result.frames,
            "bytes": result.bytes,
            "from": result.start.isoformat(),
            "to": result.end.isoformat(),
            "file_start": file_start.isoformat(),
            "file_start_from": "operator" if given is not None else "creation_time",
            "clock_offset_ms": clock_offset_ms,
            "privacy_zones_masked": len(camera.privacy_zones or []),
        },
    )
