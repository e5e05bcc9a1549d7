"""The real job runner: `watchkeeper worker` as its own process, a job queued by another process
(`watchkeeper jobs enqueue retention`), on huey's embedded SQLite queue and on Redis.

Each installation is separate (its own data dir and SQLite database), so nothing here runs inside a test
transaction: the worker writes from its own threads, as in production.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from huey import SqliteHuey

REPO = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/15"


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("WATCHKEEPER_DATABASE_URL", "WATCHKEEPER_REDIS_URL")
    }
    env.update(WATCHKEEPER_DATA_DIR=str(data_dir), **extra)
    return env


def run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"{args} failed: {done.stdout}{done.stderr}"
    return done.stdout


def watchkeeper(env: dict[str, str], *args: str) -> str:
    return run(env, sys.executable, "-m", "watchkeeper.cli", *args)


def query(data_dir: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(f"file:{data_dir / 'watchkeeper.sqlite3'}?mode=ro", uri=True, timeout=20) as db:
        return db.execute(sql, params).fetchall()


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class Worker:
    def __init__(self, env: dict[str, str], log: Path):
        self.log_path = log
        self.log = log.open("w")
        self.process = subprocess.Popen(
            # --no-periodic: the hourly sweep (minute 7) must not run beside the one queued here, or a test
            # that happens to run at :07 finds the expired segment already gone (periodic tasks: test_tasks).
            [sys.executable, "-m", "watchkeeper.cli", "worker", "--max-delay", "0.5", "--no-periodic"],
            cwd=REPO,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # graceful: the running task finishes first
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


@pytest.fixture
def redis_db() -> Iterator[str]:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")  # the python-svc machines and CI run it
    client.flushdb()
    try:
        yield REDIS_URL
    finally:
        client.flushdb()
        client.close()


def queue_and_run_a_sweep(data_dir: Path, env: dict[str, str]) -> str:
    """Migrate, seed footage, start the worker, queue a sweep from another process, wait for it: the
    worker's log."""
    watchkeeper(env, "migrate", "--no-input", "-v0")
    expired, retained = run(env, sys.executable, "-m", "tests.jobs.seed").split()
    worker = Worker(env, data_dir / "worker.log")
    try:
        wait_for(lambda: "Huey consumer started" in worker.output(), 30, "the worker to start")
        queued = watchkeeper(env, "jobs", "enqueue", "retention")
        task_id = queued.split("task ")[1].split(",")[0]
        assert query(data_dir, "SELECT status FROM jobs_jobrecord WHERE task_id = ?", task_id)  # queued

        def finished() -> bool:
            rows = query(data_dir, "SELECT status FROM jobs_jobrecord WHERE task_id = ?", task_id)
            return bool(rows) and rows[0][0] in ("done", "failed")

        wait_for(finished, 30, "the job record to show the sweep finished")
        assert worker.process.poll() is None, worker.output()
    finally:
        worker.stop()
    ((status, progress, message, started, finished_at),) = query(
        data_dir,
        "SELECT status, progress, message, started_at, finished_at FROM jobs_jobrecord WHERE task_id = ?",
        task_id,
    )
    assert (status, progress) == ("done", 100), message
    assert message.startswith("Erased 1 recording file(s)") and started and finished_at
    # The worker ran the recording app's sweep with the real clock: exactly the expired segment went.
    segments = {row[0].replace("-", "") for row in query(data_dir, "SELECT id FROM recording_segment")}
    assert segments == {retained.replace("-", "")} and expired.replace("-", "") not in segments
    ((actor, details),) = query(
        data_dir,
        "SELECT actor_name, details FROM audit_auditevent WHERE action = 'recording.retention_sweep'",
    )
    assert actor == "system" and '"erased":1' in details.replace(" ", "")
    return worker.output()


def test_the_worker_runs_a_queued_sweep_from_the_embedded_sqlite_queue(tmp_path: Path) -> None:
    # A worker killed mid-sweep left the sweep's lock behind; the next worker flushes it when it starts
    # (else this sweep would be "Skipped").
    SqliteHuey("watchkeeper", filename=str(tmp_path / "jobs.sqlite3")).lock_task("retention_sweep").acquire()
    log = queue_and_run_a_sweep(tmp_path, environment(tmp_path))
    assert "watchkeeper worker: SqliteHuey queue 'watchkeeper'" in log
    assert (tmp_path / "jobs.sqlite3").exists()  # the queue lives in the data dir


def test_the_worker_runs_a_queued_sweep_from_redis(tmp_path: Path, redis_db: str) -> None:
    name = f"wk-test-{uuid.uuid4().hex[:8]}"
    env = environment(tmp_path, WATCHKEEPER_REDIS_URL=redis_db, WATCHKEEPER_JOBS_NAME=name)
    log = queue_and_run_a_sweep(tmp_path, env)
    assert f"watchkeeper worker: PriorityRedisHuey queue '{name}'" in log
    assert not (tmp_path / "jobs.sqlite3").exists()  # nothing queued in the data dir
