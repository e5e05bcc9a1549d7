"""The real recorder against the real simulator, as separate processes with their own data dir (SQLite).

One scenario (about a minute) feeds every test here: two cameras record; the simulator is stopped and
started again (camera dropped and returned); the recorder is killed with SIGKILL mid-segment, `check` runs,
the recorder is restarted; camera 2 is suspended while recording; the recorder is stopped with SIGTERM.
The tests then read what an auditor would: the SQLite file, the blobs, the key files and the commands'
output. (The recorder writes from threads, so it cannot run inside a test transaction.)
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.recording.conftest import Simulator, free_port
from tests.recording.helpers import SegmentRow, decode, parse_time, plaintext_markers, query, segments
from watchkeeper.recording.crypto import open_blob
from watchkeeper.storage.keys import Unreadable

REPO = Path(__file__).resolve().parents[2]
SEGMENT_SECONDS = 4
FPS = 25


def environment(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "WATCHKEEPER_DATABASE_URL"}  # SQLite in data_dir
    env.update(
        WATCHKEEPER_DATA_DIR=str(data_dir),
        WATCHKEEPER_SEGMENT_SECONDS=str(SEGMENT_SECONDS),
        WATCHKEEPER_RECONNECT_MAX_SECONDS="2",
        WATCHKEEPER_CAMERA_POLL_SECONDS="2",
        WATCHKEEPER_STREAM_TIMEOUT_SECONDS="4",
    )
    return env


def watchkeeper(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "watchkeeper.cli", *args]
    return subprocess.run(
        command, cwd=REPO, env=environment(data_dir), capture_output=True, text=True, timeout=120
    )


def seed(data_dir: Path, *args: str) -> None:
    command = [sys.executable, str(REPO / "tests" / "recording" / "seed.py"), *args]
    subprocess.run(command, cwd=REPO, env=environment(data_dir), check=True, capture_output=True, timeout=60)


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@dataclass
class Scenario:
    data_dir: Path
    camera_ids: dict[str, int] = field(default_factory=dict)
    check_after_kill: subprocess.CompletedProcess | None = None
    killed_at: datetime | None = None
    suspended_at: datetime | None = None
    status_while_running: dict = field(default_factory=dict)
    final_check: subprocess.CompletedProcess | None = None

    def segments(self, camera: str) -> list[SegmentRow]:
        return [s for s in segments(self.data_dir) if s.camera_id == self.camera_ids[camera]]

    def gaps(self, camera: str) -> list[tuple[datetime, datetime, str]]:
        rows = query(self.data_dir, "SELECT start, \"end\", reason FROM recording_gap WHERE camera_id = ?",
                     self.camera_ids[camera])  # fmt: skip
        return [(parse_time(a), parse_time(b), reason) for a, b, reason in rows]

    def school_key(self, key_id: str) -> bytes:
        return (self.data_dir / "keys" / f"{key_id}.key").read_bytes()


class Recorder:
    def __init__(self, data_dir: Path):
        self.log = (data_dir / "recorder.log").open("a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "watchkeeper.cli", "record"],
            cwd=REPO,
            env=environment(data_dir),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def end(self, signum: int) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signum)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def newer_than(scenario: Scenario, camera: str, moment: datetime) -> list[SegmentRow]:
    return [s for s in scenario.segments(camera) if s.start >= moment]


def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture(scope="module")
def scenario(simulator_clip: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    data_dir = tmp_path_factory.mktemp("recorder")
    simulator = Simulator(simulator_clip, 2, free_port())
    simulator.start()
    recorder: Recorder | None = None
    try:
        assert watchkeeper(data_dir, "migrate", "--no-input", "-v0").returncode == 0
        seed(data_dir, "cameras", str(simulator.port), "2")
        run = Scenario(data_dir)
        run.camera_ids = {name: pk for pk, name in query(data_dir, "SELECT id, name FROM estate_camera")}
        recorder = Recorder(data_dir)
        wait_for(lambda: all(len(run.segments(c)) >= 2 for c in ("cam1", "cam2")), 45, "first segments")

        # Both cameras drop (the simulator goes away) and come back 3 s later.
        simulator.stop()
        dropped = now()
        time.sleep(3)
        simulator.start()
        wait_for(
            lambda: all(len(newer_than(run, c, dropped)) >= 2 for c in ("cam1", "cam2")), 45, "reconnection"
        )

        # SIGKILL mid-segment: 1.5 s after a segment was indexed, the next one is in flight.
        count = len(segments(data_dir))
        wait_for(lambda: len(segments(data_dir)) > count, 15, "another segment")
        time.sleep(1.5)
        recorder.end(signal.SIGKILL)
        run.killed_at = now()
        run.check_after_kill = watchkeeper(data_dir, "check")

        # Restart; suspend camera 2 once it records again; camera 1 goes on.
        recorder = Recorder(data_dir)
        killed_at = run.killed_at
        wait_for(lambda: len(newer_than(run, "cam2", killed_at)) >= 1, 30, "recording after restart")
        seed(data_dir, "suspend", "cam2")
        run.suspended_at = suspended_at = now()
        wait_for(lambda: len(newer_than(run, "cam1", suspended_at)) >= 2, 30, "camera 1 after suspension")
        # Wait (not sleep) for camera 1 to be recorded past the 10-second mark: on a loaded machine a
        # segment is indexed a little after it ends.
        ten_on = suspended_at + timedelta(seconds=10)
        wait_for(lambda: len(newer_than(run, "cam1", ten_on)) >= 1, 30, "camera 1 past ten seconds")
        run.status_while_running = json.loads(watchkeeper(data_dir, "status", "--json").stdout)
        recorder.end(signal.SIGTERM)
        run.final_check = watchkeeper(data_dir, "check")
        yield run
    finally:
        if recorder is not None:
            recorder.end(signal.SIGKILL)
        simulator.stop()


def test_every_segment_decrypts_and_decodes_without_errors(scenario: Scenario) -> None:
    rows = segments(scenario.data_dir)
    assert len(rows) >= 10
    for row in rows:
        blob = (scenario.data_dir / "recordings" / row.blob_path).read_bytes()
        assert len(blob) == row.bytes
        plaintext = open_blob(blob, row.id, row.wrapped_key, scenario.school_key(row.key_id))
        frames, starts_with_key_frame = decode(plaintext)  # err_detect=explode: any damage raises
        assert starts_with_key_frame, row
        assert abs(frames - row.duration_ms * FPS / 1000) <= 1, (row, frames)
        assert row.start.microsecond % 1000 == 0 and row.end.microsecond % 1000 == 0  # millisecond precision
        assert row.clock_offset_ms is not None and abs(row.clock_offset_ms) < 2000  # the RTCP clock (9.3)


def test_segments_are_contiguous_or_the_gap_is_recorded(scenario: Scenario) -> None:
    for camera in ("cam1", "cam2"):
        rows, gaps = scenario.segments(camera), scenario.gaps(camera)
        full = [r for r in rows[:-1] if r.duration_ms >= SEGMENT_SECONDS * 1000]
        assert len(full) >= 4
        for before, after in zip(rows, rows[1:], strict=False):
            if before.end == after.start:
                continue
            assert (before.end, after.start) in [(start, end) for start, end, _ in gaps], (
                camera,
                before,
                after,
            )
        assert all(start < end for start, end, _ in gaps)


def test_a_dropped_camera_is_reconnected_and_the_gap_recorded(scenario: Scenario) -> None:
    for camera in ("cam1", "cam2"):
        reasons = [reason for _, _, reason in scenario.gaps(camera)]
        assert any(reason.startswith(("stream lost", "stream ended")) for reason in reasons), reasons
        assert "recorder not running" in reasons  # the SIGKILL and restart


def test_after_sigkill_the_check_is_clean(scenario: Scenario) -> None:
    for result in (scenario.check_after_kill, scenario.final_check):
        assert result is not None
        assert result.returncode == 0, result.stdout + result.stderr
        assert "no problems" in result.stdout
    assert query(scenario.data_dir, "SELECT COUNT(*) FROM recording_garbageblob") == [(0,)]
    assert not list((scenario.data_dir / "recordings").rglob("*.tmp"))


def test_a_suspended_camera_stops_within_ten_seconds(scenario: Scenario) -> None:
    assert scenario.suspended_at is not None
    last = scenario.segments("cam2")[-1]
    assert last.end <= scenario.suspended_at + timedelta(seconds=10)
    assert newer_than(scenario, "cam1", scenario.suspended_at + timedelta(seconds=10))  # cam1 went on
    states = {c["name"]: c for c in scenario.status_while_running["cameras"]}
    assert states["cam2"]["state"] == "not_allowed"
    assert states["cam1"]["state"] == "recording"


def test_status_reports_counts_and_storage(scenario: Scenario) -> None:
    report = json.loads(watchkeeper(scenario.data_dir, "status", "--json").stdout)
    cameras = {c["name"]: c for c in report["cameras"]}
    for name in ("cam1", "cam2"):
        rows = scenario.segments(name)
        assert cameras[name]["segments"] == len(rows)
        assert cameras[name]["bytes"] == sum(r.bytes for r in rows)
        assert parse_time(cameras[name]["last_segment_end"].replace("+00:00", "")) == rows[-1].end
    assert cameras["cam1"]["state"] == "offline"  # the recorder has stopped
    assert report["storage"]["segments"] == len(segments(scenario.data_dir))
    assert report["storage"]["days_until_full"] > 0


def test_no_plaintext_video_in_the_storage_folder(scenario: Scenario) -> None:
    files = [p for p in (scenario.data_dir / "recordings").rglob("*") if p.is_file()]
    assert len(files) >= 10
    for path in files:
        assert plaintext_markers(path.read_bytes()) == [], path
    # The scan does find video when it is there: a decrypted segment is full of markers.
    row = segments(scenario.data_dir)[0]
    blob = (scenario.data_dir / "recordings" / row.blob_path).read_bytes()
    assert plaintext_markers(open_blob(blob, row.id, row.wrapped_key, scenario.school_key(row.key_id)))


def test_retention_erases_expired_footage_keeps_held_footage_and_destroys_keys(
    scenario: Scenario, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(scenario.data_dir, copy)
    rows = [s for s in segments(copy) if s.camera_id == scenario.camera_ids["cam1"]]
    held = rows[1:3]
    seed(copy, "hold", "cam1", held[0].start.isoformat(), held[-1].end.isoformat())
    backups = {r.id: (copy / "recordings" / r.blob_path).read_bytes() for r in segments(copy)}
    all_rows = segments(copy)
    sweep_at = max(r.end for r in all_rows) + timedelta(days=30, minutes=1)

    result = watchkeeper(copy, "retention", "run", "--now", sweep_at.isoformat())
    assert result.returncode == 0, result.stderr
    left = segments(copy)
    assert {r.id for r in left} == {r.id for r in held}
    assert {p.name for p in (copy / "recordings").rglob("*.wkseg")} == {f"{r.id}.wkseg" for r in held}
    assert watchkeeper(copy, "check").returncode == 0
    events = query(copy, "SELECT details FROM audit_auditevent WHERE action = 'recording.retention_sweep'")
    assert len(events) == 1 and json.loads(events[0][0])["erased"] == len(all_rows) - len(held)

    # The erased wrapped keys are gone from the database files, not just from the rows (secure_delete,
    # WAL checkpoint); the held ones are still found, so the scan can find a key when it is there.
    database = b"".join(p.read_bytes() for p in copy.glob("watchkeeper.sqlite3*"))
    for row in all_rows:
        assert (row.wrapped_key in database) == (row in held), row
    # A backup copy of erased ciphertext opens with no key the index still has.
    key = scenario.school_key(held[0].key_id)
    for row in all_rows:
        if row in held:
            continue
        for survivor in left:
            with pytest.raises(Unreadable):
                open_blob(backups[row.id], row.id, survivor.wrapped_key, key)
