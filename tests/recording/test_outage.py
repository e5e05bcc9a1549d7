"""The recorder survives a database outage (issue 11 §7, 12.1): it keeps writing sealed segments while the
database is away, commits their rows when it is back (never garbage-collecting them) and records gaps only
for time it did not record.

One scenario per database, each a real `watchkeeper record` recording two simulated cameras:
* PostgreSQL: the recorder's sessions are killed (`pg_terminate_backend`) mid-segment, then the database
  refuses connections for OUTAGE_SECONDS (tests/outage.py);
* SQLite: another writer holds the write lock for OUTAGE_SECONDS, longer than the busy timeout.
Only the scenario of the database the suite runs on runs. Before the fix the recorder exited ("database
error: the connection is closed") and nothing more was recorded.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import connection

from tests.outage import PostgresDatabase, Process, environment, sqlite_write_lock, wait_for, watchkeeper
from tests.recording.conftest import Simulator, free_port
from tests.recording.helpers import parse_time
from tests.recording.helpers import query as sqlite_query

REPO = Path(__file__).resolve().parents[2]
SEGMENT_SECONDS = 4
OUTAGE_SECONDS = 12
SETTINGS = {
    "WATCHKEEPER_SEGMENT_SECONDS": str(SEGMENT_SECONDS),
    "WATCHKEEPER_RECONNECT_MAX_SECONDS": "2",  # also the cap of the database back-off
    "WATCHKEEPER_CAMERA_POLL_SECONDS": "1",
    "WATCHKEEPER_STREAM_TIMEOUT_SECONDS": "4",
    "WATCHKEEPER_SQLITE_TIMEOUT_SECONDS": "3",  # SQLite: writers give up after 3 s, not 20
    "WATCHKEEPER_LOG_LEVEL": "INFO",
}


@dataclass
class Row:
    camera_id: int
    start: datetime
    end: datetime
    blob_path: str


@dataclass
class Run:
    """What one scenario left behind, read as an auditor would: rows, gaps, files, output."""

    data_dir: Path
    query: Callable[..., list[tuple]]
    outage_from: datetime | None = None
    outage_to: datetime | None = None
    terminated_at: datetime | None = None
    written_during_outage: set[str] = field(default_factory=set)
    alive_during_outage: bool = False
    alive_after: bool = False
    exit_status: int | None = None
    log: str = ""
    check: subprocess.CompletedProcess | None = None

    def rows(self) -> list[Row]:
        found = self.query('SELECT camera_id, start, "end", blob_path FROM recording_segment')
        rows = [Row(c, _utc(s), _utc(e), p) for c, s, e, p in found]
        return sorted(rows, key=lambda r: (r.camera_id, r.start))

    def gaps(self) -> list[tuple[int, datetime, datetime, str]]:
        found = self.query('SELECT camera_id, start, "end", reason FROM recording_gap')
        return [(c, _utc(s), _utc(e), reason) for c, s, e, reason in found]

    def blobs(self) -> set[str]:
        root = self.data_dir / "recordings"
        return {str(p.relative_to(root)) for p in root.rglob("*.wkseg")}

    def since(self, moment: datetime) -> dict[int, int]:
        counts: dict[int, int] = {}
        for row in self.rows():
            if row.start >= moment:
                counts[row.camera_id] = counts.get(row.camera_id, 0) + 1
        return counts


def _utc(value: object) -> datetime:
    if isinstance(value, str):
        return parse_time(value)
    assert isinstance(value, datetime)
    return value.astimezone(UTC)


def now() -> datetime:
    return datetime.now(UTC)


def seed(env: dict[str, str], *args: str) -> None:
    command = [sys.executable, str(REPO / "tests" / "recording" / "seed.py"), *args]
    subprocess.run(command, cwd=REPO, env=env, check=True, capture_output=True, timeout=60)


def both_cameras(counts: dict[int, int], at_least: int) -> bool:
    return len(counts) == 2 and min(counts.values()) >= at_least


def record_through(run: Run, env: dict[str, str], outage: Callable[[], object], kill_sessions=None) -> None:
    """Record; optionally kill the recorder's sessions mid-segment; hold an outage; record on; stop."""
    recorder = Process(env, run.data_dir / "recorder.log", "record")
    try:
        wait_for(lambda: both_cameras(run.since(datetime.min.replace(tzinfo=UTC)), 2), 60, "first segments")
        if kill_sessions is not None:
            count = len(run.rows())
            wait_for(lambda: len(run.rows()) > count, 15, "another segment")
            time.sleep(1.5)  # mid-segment: the next one is in flight
            assert kill_sessions() >= 1
            run.terminated_at = terminated = now()
            wait_for(lambda: both_cameras(run.since(terminated), 2), 45, "recording after the sessions died")
            assert recorder.alive(), recorder.output()
        indexed = {r.blob_path for r in run.rows()}
        run.outage_from = now()
        with outage():  # type: ignore[attr-defined]
            time.sleep(OUTAGE_SECONDS)
            run.written_during_outage = run.blobs() - indexed
            run.alive_during_outage = recorder.alive()
        run.outage_to = back = now()
        wait_for(lambda: run.written_during_outage <= {r.blob_path for r in run.rows()}, 60, "adoption")
        wait_for(lambda: both_cameras(run.since(back), 2), 45, "recording after the outage")
        run.alive_after = recorder.alive()
    finally:
        run.exit_status = recorder.end(signal.SIGTERM)
        run.log = recorder.output()


@pytest.fixture(scope="module", params=["postgresql", "sqlite"])
def run(request: pytest.FixtureRequest, simulator_clip: Path, tmp_path_factory) -> Iterator[Run]:
    if connection.vendor != request.param:
        pytest.skip(f"the {request.param} scenario runs when the suite runs on {request.param}")
    data_dir = tmp_path_factory.mktemp(f"outage-{request.param}")
    simulator = Simulator(simulator_clip, 2, free_port())
    database = PostgresDatabase() if request.param == "postgresql" else None
    try:
        if database is not None:
            database.create()
            env = environment(data_dir, database.url, **SETTINGS)
            result = Run(data_dir, database.query)
        else:
            env = environment(data_dir, **SETTINGS)
            result = Run(data_dir, lambda sql, *p: sqlite_query(data_dir, sql, *p))
        simulator.start()
        watchkeeper(env, "migrate", "--no-input", "-v0")
        seed(env, "cameras", str(simulator.port), "2")
        if database is not None:
            record_through(result, env, database.outage, database.terminate_sessions)
        else:
            record_through(result, env, lambda: sqlite_write_lock(data_dir))
        result.check = watchkeeper(env, "check", check=False)
        yield result
    finally:
        simulator.stop()
        if database is not None:
            database.drop()


def test_the_recorder_keeps_running_through_the_outage(run: Run) -> None:
    assert run.alive_during_outage and run.alive_after, run.log
    assert run.exit_status == 0, run.log
    assert "database error" not in run.log
    assert "the database is unavailable" in run.log and "the database is back" in run.log, run.log


def test_segments_written_during_the_outage_are_committed_when_it_ends(run: Run) -> None:
    assert len(run.written_during_outage) >= 2 * (OUTAGE_SECONDS // SEGMENT_SECONDS - 1)
    rows = run.rows()
    assert run.written_during_outage <= {r.blob_path for r in rows}
    assert run.blobs() == {r.blob_path for r in rows}  # every blob has its row, every row its blob
    assert run.query("SELECT COUNT(*) FROM recording_garbageblob") == [(0,)]
    assert not list((run.data_dir / "recordings").rglob("*.tmp"))
    pending = run.data_dir / "recordings" / ".pending"
    assert not pending.exists() or not list(pending.iterdir())


def test_nothing_was_garbage_collected_and_the_check_is_clean(run: Run) -> None:
    assert run.check is not None
    assert run.check.returncode == 0, run.check.stdout + run.check.stderr
    verified = f"recordings: {len(run.rows())} segments, {len(run.rows())} decrypted and verified"
    assert verified in run.check.stdout
    assert "repaired" not in run.check.stdout
    for relative in run.written_during_outage:
        assert (run.data_dir / "recordings" / relative).exists()


def test_gaps_cover_only_time_not_recorded(run: Run) -> None:
    rows, gaps = run.rows(), run.gaps()
    assert run.outage_from is not None and run.outage_to is not None
    for camera in {r.camera_id for r in rows}:
        mine = [r for r in rows if r.camera_id == camera]
        spans = {(start, end) for c, start, end, _ in gaps if c == camera}
        for before, after in zip(mine, mine[1:], strict=False):
            assert before.end == after.start or (before.end, after.start) in spans, (before, after, spans)
        # Recorded straight through the outage (and the killed sessions): no gap at all there.
        during = [r for r in mine if r.start < run.outage_to and r.end > run.outage_from]
        assert during and during[0].start <= run.outage_from and during[-1].end >= run.outage_to
        assert all(a.end == b.start for a, b in zip(during, during[1:], strict=False)), during
    for camera, start, end, reason in gaps:
        assert "segment lost" not in reason, reason
        assert not any(r.camera_id == camera and r.start < end and start < r.end for r in rows), reason
