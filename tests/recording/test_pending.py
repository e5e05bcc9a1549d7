"""Segments recorded while the database is away (issue 11 §7): kept on disk as pending, adopted when it is
back, never garbage-collected — and crash-safe like every other write (design/recording.md).

`pending.database_away` is the recorder's own flag (set when a database call fails for want of the
database); with it set, `pending.store` takes the path a recorder takes during an outage. Crashes are stops
between steps, as in test_storage.py. The end-to-end outages are in test_outage.py.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.factories import CameraFactory
from tests.recording.helpers import store as store_indexed
from watchkeeper.recording import pending
from watchkeeper.recording.consistency import check
from watchkeeper.recording.crypto import school_key, school_key_id, seal
from watchkeeper.recording.models import Gap, GarbageBlob, Segment
from watchkeeper.recording.recorder import Supervisor
from watchkeeper.recording.storage import (
    NewSegment,
    absolute,
    blob_path_for,
    reserve,
    segment_row,
    write_blob,
)

pytestmark = pytest.mark.django_db
START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Iterator[Path]:
    settings.DATA_DIR = tmp_path
    yield tmp_path
    pending.database_away.clear()


def prepared(camera, start: datetime = START):
    end = start + timedelta(seconds=10)
    new = NewSegment(uuid.uuid4(), camera.pk, camera.school_id, start, end, start, 12)
    key_id = school_key_id(camera.school_id)
    sealed = seal(b"video" * 500, new.id, key_id, school_key(key_id))
    return new, sealed, blob_path_for(camera.pk, camera.school_id, new.start, new.id)


def records(data_dir: Path) -> list[str]:
    folder = data_dir / "recordings" / ".pending"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_while_the_database_is_away_a_segment_is_kept_on_disk_and_adopted_when_it_is_back(data_dir) -> None:
    camera = CameraFactory()
    new, sealed, relative = prepared(camera)
    pending.database_away.set()
    assert pending.store(new, sealed) is None
    assert not Segment.objects.exists() and not GarbageBlob.objects.exists()
    assert absolute(relative).read_bytes() == sealed.blob
    assert records(data_dir) == [f"{new.id}.segment.json"]
    assert (os.stat(data_dir / "recordings" / ".pending" / records(data_dir)[0]).st_mode & 0o777) == 0o600

    report = check()  # no recorder running: the check adopts before it looks for blobs without rows
    assert report.clean, report.problems
    assert report.verified == 1 and "committed 1 segment(s) and 0 gap(s)" in report.notes[0]
    row = Segment.objects.get()
    assert (row.id, row.start, row.end, row.clock_offset_ms) == (new.id, new.start, new.end, 12)
    assert bytes(row.wrapped_key) == sealed.wrapped_key and row.sha256 == sealed.sha256
    assert records(data_dir) == []


def test_a_pending_blob_is_never_collected_by_a_check_while_a_recorder_runs(data_dir) -> None:
    new, sealed, relative = prepared(CameraFactory())
    pending.database_away.set()
    pending.store(new, sealed)
    an_hour_ago = time.time() - 3600  # older than the check's "young file" allowance
    os.utime(absolute(relative), (an_hour_ago, an_hour_ago))
    report = check(recorder_running=True)
    assert report.clean, report.problems
    assert absolute(relative).exists() and not GarbageBlob.objects.exists()
    assert pending.adopt(writers_active=True).segments == 1
    assert Segment.objects.filter(pk=new.id).exists()


def test_a_commit_that_failed_after_the_write_is_adopted_at_the_next_start(data_dir) -> None:
    """The database went between the reservation and the row: the blob is whole and has a reservation.
    A recorder starting later adopts it before it collects reservations, so it is not thrown away."""
    new, sealed, relative = prepared(CameraFactory())
    reserve(relative)
    write_blob(relative, sealed.blob)
    pending.database_away.set()  # the commit failed: the recorder keeps it as pending
    assert pending.store(new, sealed) is None
    pending.database_away.clear()

    Supervisor()._start()  # what `watchkeeper record` does first, holding the recorder lock
    assert Segment.objects.filter(pk=new.id).exists() and not GarbageBlob.objects.exists()
    assert absolute(relative).exists() and records(data_dir) == []
    assert check().clean


def test_a_row_that_got_through_before_the_connection_died_is_not_doubled(data_dir) -> None:
    segment = store_indexed(CameraFactory(), START)  # committed; the acknowledgement never arrived
    new, _, _ = prepared(segment.camera)
    pending._write(f"{segment.pk}.segment.json", pending._segment_record(segment))
    adopted = pending.adopt(writers_active=False)
    assert adopted.segments == 1 and Segment.objects.count() == 1 and records(data_dir) == []


def test_a_crash_while_writing_a_pending_segment_leaves_nothing_behind(data_dir) -> None:
    new, sealed, relative = prepared(CameraFactory())
    pending._write(f"{new.id}.segment.json", pending._segment_record(segment_row(new, relative, sealed)))
    torn = absolute(relative).with_name(absolute(relative).name + ".tmp")
    torn.parent.mkdir(parents=True)
    torn.write_bytes(sealed.blob[:100])  # the crash came mid-write
    assert pending.adopt(writers_active=True).segments == 0  # a live recorder may be writing it now
    assert records(data_dir) and torn.exists()
    adopted = pending.adopt(writers_active=False)  # at start: nobody is
    assert (adopted.segments, adopted.forgotten) == (0, 1)
    assert not torn.exists() and records(data_dir) == [] and not Segment.objects.exists()
    assert check().clean


def test_a_gap_recorded_while_the_database_is_away_is_adopted_once(data_dir) -> None:
    camera = CameraFactory()
    pending.database_away.set()
    pending.save_gap(camera.pk, START, START + timedelta(seconds=30), "stream lost: timed out")
    assert not Gap.objects.exists()
    assert pending.adopt(writers_active=True).gaps == 1
    gap = Gap.objects.get()
    assert (gap.start, gap.end - gap.start) == (START, timedelta(seconds=30))
    assert gap.reason == "stream lost: timed out"
    pending._write("again.gap.json", {"camera_id": camera.pk, "start": START.isoformat(),
                                      "end": gap.end.isoformat(), "reason": gap.reason})  # fmt: skip
    pending.adopt(writers_active=False)  # a crash between the row and the record's removal: no double
    assert Gap.objects.count() == 1
