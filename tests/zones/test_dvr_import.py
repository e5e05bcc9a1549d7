"""Minibus footage (5.2): DVR files made by ffmpeg imported through the real service and command, stored
exactly as recordings (segments that decrypt and decode, times corrected by the DVR's clock offset), and
wrong files refused with a clear error that leaves nothing behind: no rows, no blobs, no garbage."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.factories import ApprovedDPIAFactory, CameraFactory, SignFactory, person
from tests.recording.helpers import decode
from tests.zones.dvr_files import DVR_START, FPS, OFFSET_MS, SECONDS
from tests.zones.video import pictures
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.actors import SYSTEM
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.estate.models import CameraStatus
from watchkeeper.people.models import Role
from watchkeeper.recording.crypto import existing_school_key, open_blob
from watchkeeper.recording.dvr import DvrImportError, import_dvr, import_recording
from watchkeeper.recording.models import GarbageBlob, GarbageReason, Segment
from watchkeeper.recording.storage import absolute, collect_garbage, import_lock, reserve, write_blob

pytestmark = pytest.mark.django_db


def blobs(storage: Path) -> list[Path]:
    return [p for p in storage.rglob("*") if p.is_file() and not p.name.startswith(".")]


def nothing_left(storage: Path) -> None:
    assert Segment.objects.count() == 0
    assert GarbageBlob.objects.count() == 0
    assert blobs(storage) == []
    assert not AuditEvent.objects.filter(action="recording.dvr_imported").exists()


def opened(segment: Segment) -> bytes:
    data = absolute(segment.blob_path).read_bytes()
    return open_blob(data, segment.id, bytes(segment.wrapped_key), existing_school_key(segment.key_id))


@pytest.mark.parametrize("kind", ["mp4", "ts"])
def test_a_dvr_file_is_stored_exactly_as_recordings_are(kind, files, storage, bus_camera) -> None:
    path = getattr(files, kind)
    start = DVR_START if kind == "ts" else None  # MPEG-TS carries no creation time: the operator gives it
    result = import_dvr(SYSTEM, bus_camera, path, clock_offset_ms=OFFSET_MS, start=start, now=timezone.now())

    rows = list(Segment.objects.filter(camera=bus_camera).order_by("start"))
    assert [r.pk for r in rows] == [s.pk for s in result.segments]
    assert [r.duration_ms for r in rows] == [2000, 2000, 1000]
    frames = 0
    for row in rows:
        count, starts_with_key_frame = decode(opened(row))  # err_detect=explode: any damage raises
        assert starts_with_key_frame and count == row.duration_ms * FPS // 1000
        frames += count
        assert row.clock_offset_ms == OFFSET_MS
        assert row.bytes == absolute(row.blob_path).stat().st_size
    assert frames == result.frames == SECONDS * FPS
    true_start = DVR_START - timedelta(milliseconds=OFFSET_MS)
    if kind == "mp4":
        assert rows[0].start == true_start
    else:  # MPEG-TS timestamps start where the muxer put them: the first frame is the start given
        assert abs(rows[0].start - true_start) < timedelta(milliseconds=40)
    assert rows[-1].end - rows[0].start == timedelta(seconds=SECONDS)
    assert all(a.end == b.start for a, b in zip(rows, rows[1:], strict=False))
    assert GarbageBlob.objects.count() == 0
    assert len(blobs(storage)) == 3

    (event,) = AuditEvent.objects.filter(action="recording.dvr_imported")
    details = event.details
    assert (details["segments"], details["frames"], details["clock_offset_ms"]) == (3, 125, OFFSET_MS)
    assert details["from"] == rows[0].start.isoformat() and details["to"] == rows[-1].end.isoformat()
    assert details["file"] == path.name and len(details["file_sha256"]) == 64
    assert event.school_id == bus_camera.school_id


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("truncated", r"truncated.mp4 is damaged near \d\.\d s into the file$"),
        ("unfinished", r"unfinished.mp4 cannot be read as video: damaged, or not a video file$"),
        ("text", r"notes.txt is not an MP4 or MPEG-TS file"),
        ("audio", "sound.m4a has no video stream"),
        ("empty", "empty.mp4 is empty"),
        ("mpeg4", "mpeg4.mp4 holds mpeg4 video, not H.264"),
    ],
)
def test_a_wrong_file_is_refused_clearly_and_leaves_nothing(
    kind, message, files, storage, bus_camera
) -> None:
    with pytest.raises(DvrImportError) as refused:
        import_dvr(
            SYSTEM, bus_camera, getattr(files, kind), clock_offset_ms=0, start=DVR_START, now=timezone.now()
        )
    assert re.search(message, str(refused.value)), refused.value
    nothing_left(storage)


def test_a_failure_after_blobs_were_written_removes_them_all(files, storage, bus_camera) -> None:
    """The file is fine but the import fails at the end (the footage would end in the future): the blobs
    already written and reserved are collected, and no row was committed."""
    future = timezone.now() + timedelta(hours=1)
    with pytest.raises(PolicyRefusal, match="9.3: the footage would end at .* in the future"):
        import_dvr(SYSTEM, bus_camera, files.mp4, clock_offset_ms=0, start=future, now=timezone.now())
    nothing_left(storage)


@pytest.mark.clause("13.1")
def test_footage_older_than_retention_is_refused(files, storage, bus_camera) -> None:
    bus_camera.retention_days = 7
    bus_camera.save()
    old = timezone.now() - timedelta(days=8)
    with pytest.raises(PolicyRefusal, match="13.1: .* older than this camera's 7-day retention"):
        import_dvr(SYSTEM, bus_camera, files.mp4, clock_offset_ms=0, start=old, now=timezone.now())
    nothing_left(storage)


@pytest.mark.clause("9.3")
def test_the_same_footage_is_not_imported_twice(files, storage, bus_camera) -> None:
    import_dvr(SYSTEM, bus_camera, files.mp4, clock_offset_ms=OFFSET_MS, now=timezone.now())
    with pytest.raises(PolicyRefusal, match="already has footage from"):
        import_dvr(
            SYSTEM, bus_camera, files.ts, clock_offset_ms=OFFSET_MS, start=DVR_START, now=timezone.now()
        )
    assert Segment.objects.count() == 3 and len(blobs(storage)) == 3
    assert GarbageBlob.objects.count() == 0


@pytest.mark.clause("5.2", "7.1", "R2")
def test_only_an_allowed_minibus_camera_takes_dvr_footage(files, storage, bus_camera, school) -> None:
    fixed = CameraFactory(school=school, status=CameraStatus.ACTIVE)
    with pytest.raises(PolicyRefusal, match="5.2: .* is not on a minibus"):
        import_dvr(SYSTEM, fixed, files.mp4, clock_offset_ms=0, now=timezone.now())
    bus_camera.status = CameraStatus.SUSPENDED
    bus_camera.save()
    with pytest.raises(PolicyRefusal, match="may not store footage: the camera is suspended"):
        import_dvr(SYSTEM, bus_camera, files.mp4, clock_offset_ms=0, now=timezone.now())
    nothing_left(storage)


@pytest.mark.clause("9.3", "13.1")
def test_the_demo_imports_a_fixed_cameras_footage_through_the_same_path(files, storage, school) -> None:
    """import_recording is import_dvr less its minibus rule: the demo's made-up footage of fixed cameras
    (site/demo_footage.py) is stored and audited as DVR footage is, its source named."""
    gate = CameraFactory(school=school, status=CameraStatus.ACTIVE, main_stream_url="")
    ApprovedDPIAFactory(school=school, cameras=[gate])
    SignFactory(school=school)
    result = import_recording(SYSTEM, gate, files.mp4, clock_offset_ms=0, now=timezone.now(), source="demo")
    assert Segment.objects.filter(camera=gate).count() == len(result.segments) == 3
    (event,) = AuditEvent.objects.filter(action="recording.dvr_imported")
    assert event.details["source"] == "demo" and event.details["segments"] == 3


@pytest.mark.clause("9.6")
def test_only_the_cctv_administrator_imports(files, storage, bus_camera, school) -> None:
    with pytest.raises(PermissionDenied):
        import_dvr(
            person(Role.HEADTEACHER, school), bus_camera, files.mp4, clock_offset_ms=0, now=timezone.now()
        )
    nothing_left(storage)
    result = import_dvr(
        person(Role.CCTV_ADMIN, school), bus_camera, files.mp4, clock_offset_ms=0, now=timezone.now()
    )
    assert len(result.segments) == 3


def test_a_minibus_camera_with_privacy_zones_is_masked_on_import(files, storage, bus_camera) -> None:
    zone = [[0.0, 0.0], [0.5, 0.0], [0.5, 0.5], [0.0, 0.5]]
    bus_camera.privacy_zones = [zone]
    bus_camera.save()
    result = import_dvr(SYSTEM, bus_camera, files.mp4, clock_offset_ms=0, now=timezone.now())
    assert [s.duration_ms for s in result.segments] == [2000, 2000, 1000]
    seen = 0
    for segment in result.segments:
        for picture in pictures(opened(segment)):
            assert max(picture.luma(x, y) for x in range(0, 300, 7) for y in range(0, 160, 7)) <= 20
            assert max(picture.luma(x, y) for x in range(340, 640, 7) for y in range(200, 360, 7)) > 60
            seen += 1
    assert seen == SECONDS * FPS
    assert AuditEvent.objects.get(action="recording.dvr_imported").details["privacy_zones_masked"] == 1


def test_the_command_imports_and_reports(files, storage, bus_camera) -> None:
    out = io.StringIO()
    start = (DVR_START + timedelta(minutes=10)).isoformat()
    call_command("import_dvr", str(bus_camera.pk), str(files.ts), "--clock-offset-ms", "-2000",
                 "--start", start, stdout=out)  # fmt: skip
    assert "imported 3 segment(s), 125 frames" in out.getvalue()
    first = Segment.objects.order_by("start").first()
    assert first is not None
    assert abs(first.start - (DVR_START + timedelta(minutes=10, seconds=2))) < timedelta(milliseconds=40)
    with pytest.raises(CommandError, match="nothing imported: notes.txt is not an MP4 or MPEG-TS file"):
        call_command("import_dvr", str(bus_camera.pk), str(files.text), "--clock-offset-ms", "0",
                     "--start", start)  # fmt: skip
    assert Segment.objects.count() == 3


def test_import_reservations_survive_collectors_while_an_import_runs(storage) -> None:
    """A recorder starting (or `check`) mid-import must not take the import's blobs; after a crashed
    import (no lock held) they are collected."""
    reserve("9/9/2026-01-01/x.wkseg", GarbageReason.IMPORTING)
    write_blob("9/9/2026-01-01/x.wkseg", b"ciphertext")
    with import_lock():
        assert collect_garbage(include_writing=True) == 0
    assert GarbageBlob.objects.count() == 1 and len(blobs(storage)) == 1
    assert collect_garbage(include_writing=False) == 1
    assert GarbageBlob.objects.count() == 0 and blobs(storage) == []
