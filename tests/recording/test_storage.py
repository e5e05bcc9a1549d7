"""Crash safety of the index ↔ blob pair (Moonfire's garbage pattern) and `watchkeeper check` (9.3).

A crash is a stop between two steps of a write or an erase: each test runs the steps up to that point,
then shows that garbage collection and the check leave every row with a blob and every blob with a row.
"""

from __future__ import annotations

import errno
import resource
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import CameraFactory
from tests.recording.helpers import store
from watchkeeper.recording.consistency import check
from watchkeeper.recording.crypto import school_key, school_key_id, seal
from watchkeeper.recording.models import GarbageBlob, Segment
from watchkeeper.recording.storage import (
    NewSegment,
    absolute,
    blob_path_for,
    collect_garbage,
    commit_segment,
    mark_erased,
    reserve,
    write_blob,
)

pytestmark = pytest.mark.django_db
START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


def blobs(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "recordings").rglob("*.wkseg*"))


def prepared(camera):
    new = NewSegment(
        uuid.uuid4(), camera.pk, camera.school_id, START, START + timedelta(seconds=10), START, None
    )
    key_id = school_key_id(camera.school_id)
    sealed = seal(b"video" * 500, new.id, key_id, school_key(key_id))
    return new, sealed, blob_path_for(camera.pk, camera.school_id, new.start, new.id)


def consistent(data_dir: Path) -> None:
    """Every blob has a row and every row a blob; no garbage left; the check finds nothing wrong."""
    report = check()
    assert report.clean, report.problems
    indexed = {str(absolute(p)) for p in Segment.objects.values_list("blob_path", flat=True)}
    assert {str(p) for p in blobs(data_dir)} == indexed
    assert not GarbageBlob.objects.exists()


def test_a_complete_write_leaves_a_row_and_its_blob(data_dir: Path) -> None:
    segment = store(CameraFactory(), START)
    assert absolute(segment.blob_path).stat().st_size == segment.bytes
    assert not GarbageBlob.objects.exists()
    consistent(data_dir)
    assert check().verified == 1


@pytest.mark.parametrize("crash_after", ["reserve", "write_blob", "write_blob_before_rename"])
def test_a_crash_during_a_write_leaves_nothing_behind(data_dir: Path, crash_after: str) -> None:
    kept = store(CameraFactory(), START - timedelta(seconds=10))
    new, sealed, relative = prepared(kept.camera)
    reserve(relative)
    if crash_after == "write_blob":
        write_blob(relative, sealed.blob)
    elif crash_after == "write_blob_before_rename":
        tmp = absolute(relative).with_name(absolute(relative).name + ".tmp")
        tmp.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(sealed.blob[:100])
    # Restart: the recorder collects reservations before it records again.
    assert collect_garbage(include_writing=True) == 1
    consistent(data_dir)
    assert list(Segment.objects.values_list("pk", flat=True)) == [kept.pk]


def test_a_write_that_reached_its_transaction_is_kept(data_dir: Path) -> None:
    camera = CameraFactory()
    new, sealed, relative = prepared(camera)
    reserve(relative)
    write_blob(relative, sealed.blob)
    commit_segment(new, relative, sealed)
    collect_garbage(include_writing=True)
    consistent(data_dir)
    assert Segment.objects.filter(pk=new.id).exists()


def test_a_crash_during_an_erase_is_finished_by_the_next_collection(data_dir: Path) -> None:
    doomed, kept = store(CameraFactory(), START), store(CameraFactory(), START)
    mark_erased([doomed])  # the transaction committed; the process died before unlinking
    assert absolute(doomed.blob_path).exists() and not Segment.objects.filter(pk=doomed.pk).exists()
    consistent(data_dir)  # the check collects the garbage: the file goes
    assert not absolute(doomed.blob_path).exists()
    assert Segment.objects.filter(pk=kept.pk).exists()


def test_a_live_recorders_reservation_is_left_alone(data_dir: Path) -> None:
    new, sealed, relative = prepared(CameraFactory())
    reserve(relative)
    write_blob(relative, sealed.blob)
    report = check(recorder_running=True)
    assert report.clean and absolute(relative).exists() and GarbageBlob.objects.filter(path=relative).exists()


def test_check_deletes_a_blob_without_a_row_and_says_so(data_dir: Path) -> None:
    segment = store(CameraFactory(), START)
    stray = absolute(segment.blob_path).with_name(f"{uuid.uuid4()}.wkseg")
    stray.write_bytes(b"WKSEG\x01" + b"\x00" * 200)
    report = check()
    assert not report.clean and "without an index row" in report.problems[0]
    assert not stray.exists() and absolute(segment.blob_path).exists()
    assert check().clean  # repaired


def test_check_reports_a_missing_blob(data_dir: Path) -> None:
    segment = store(CameraFactory(), START)
    absolute(segment.blob_path).unlink()
    report = check()
    assert report.problems == [f"segment {segment.pk} ({segment.camera_id} {segment.start}): blob missing"]
    assert Segment.objects.filter(pk=segment.pk).exists()  # lost footage is reported, never hidden


def test_check_reports_a_damaged_blob(data_dir: Path) -> None:
    segment = store(CameraFactory(), START)
    path = absolute(segment.blob_path)
    data = bytearray(path.read_bytes())
    data[-50] ^= 0x01
    path.write_bytes(bytes(data))
    report = check()
    assert len(report.problems) == 1 and "authentication failed" in report.problems[0]
    assert check(verify=False).clean  # only decrypting finds a same-size change


def test_check_reports_a_missing_school_key(data_dir: Path) -> None:
    segment = store(CameraFactory(), START)
    (data_dir / "keys" / f"{segment.key_id}.key").unlink()
    report = check()
    assert len(report.problems) == 1 and "missing from the key store" in report.problems[0]
    assert not (data_dir / "keys" / f"{segment.key_id}.key").exists()


def test_the_check_command_exits_non_zero_on_a_problem(data_dir: Path, capsys) -> None:
    segment = store(CameraFactory(), START)
    call_command("check_storage")
    assert "1 decrypted and verified; no problems" in capsys.readouterr().out
    absolute(segment.blob_path).unlink()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("check_storage")


def test_a_write_that_fails_for_lack_of_space_leaves_nothing_behind(data_dir: Path) -> None:
    """Disk full: the segment is lost (the recorder records a gap), its partial file and reservation go
    at once, and nothing already stored is touched. (A file-size limit makes the write fail for real.)"""
    kept = store(CameraFactory(), START - timedelta(seconds=10))
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (2000, hard))
    try:
        with pytest.raises(OSError) as failure:
            store(kept.camera, START, plaintext=b"v" * 5000)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert failure.value.errno == errno.EFBIG
    assert list(Segment.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not GarbageBlob.objects.exists()  # cleaned up at once, not at the next start
    assert not list((data_dir / "recordings").rglob("*.tmp"))
    consistent(data_dir)
