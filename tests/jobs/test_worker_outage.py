"""The job worker survives a database outage (issue 11 §7): a job that runs while the database is away
fails, the worker goes on, the next job after the outage runs normally on a fresh connection, and the
failed job's record says it failed (written once the database is back). A real
`watchkeeper worker` on its own database (tests/outage.py); the queue is huey's SQLite file, which the
outage does not touch.
"""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from tests.outage import PostgresDatabase, Process, environment, sqlite_write_lock, wait_for, watchkeeper
from watchkeeper.jobs.failures import DATABASE


@pytest.fixture(params=["postgresql", "sqlite"])
def installation(request, tmp_path: Path) -> Iterator[tuple[dict[str, str], object, object]]:
    """(environment, the outage, a way to read the job records)."""
    if connection.vendor != request.param:
        pytest.skip(f"the {request.param} outage runs when the suite runs on {request.param}")
    if request.param == "sqlite":
        from tests.recording.helpers import query

        env = environment(tmp_path, WATCHKEEPER_SQLITE_TIMEOUT_SECONDS="2")
        watchkeeper(env, "migrate", "--no-input", "-v0")
        yield env, lambda: sqlite_write_lock(tmp_path), lambda sql, *p: query(tmp_path, sql, *p)
        return
    database = PostgresDatabase()
    database.create()
    try:
        env = environment(tmp_path, database.url)
        watchkeeper(env, "migrate", "--no-input", "-v0")
        yield env, database, database.query
    finally:
        database.drop()


def queue_disk_check(env: dict[str, str]) -> str:
    """Queue a disk check from another process; its huey task id."""
    done = watchkeeper(env, "jobs", "enqueue", "disk")
    return done.stdout.split("task ")[1].split(",")[0].strip()


def test_the_worker_runs_jobs_again_after_an_outage(installation, tmp_path: Path) -> None:
    env, outage, query = installation

    def status(task_id: str) -> str | None:
        rows = query("SELECT status FROM jobs_jobrecord WHERE task_id = ?", task_id)
        return rows[0][0] if rows else None

    worker = Process(env, tmp_path / "worker.log", "worker", "--max-delay", "0.5", "--no-periodic")
    try:
        wait_for(lambda: "Huey consumer started" in worker.output(), 30, "the worker to start")
        first = queue_disk_check(env)
        wait_for(lambda: status(first) == "done", 30, "a job before the outage")

        killed = None
        if isinstance(outage, PostgresDatabase):
            assert outage.terminate_sessions() >= 1  # the worker's kept connections die
            killed = queue_disk_check(env)
            wait_for(lambda: status(killed) == "done", 30, "a job after the sessions were killed")
            away = outage.outage
        else:
            away = outage
        with away():  # type: ignore[operator]
            # Queued while the database is away (the queue is not the database): the worker takes the job
            # and it fails for want of the database.
            watchkeeper(env, "jobs", "enqueue", "disk", check=False)
            wait_for(lambda: worker.output().count("Executing") == 3 - (killed is None), 20, "the job to run")
            time.sleep(1)
            assert worker.alive(), worker.output()

        after = queue_disk_check(env)
        wait_for(lambda: status(after) == "done", 30, "a job after the outage")
        assert worker.alive(), worker.output()
        ran = re.findall(r"Executing [\w.]+disk_pressure: ([0-9a-f-]{36})", worker.output())
        (during,) = [t for t in ran if t not in (first, after) and (killed is None or t != killed)]
        # The job that ran in the outage has its record, finished, although the database was away when it
        # ended: written by the next job. (On PostgreSQL the job failed; on SQLite only writes wait, so it
        # may have done its work.)
        ((state, message),) = query("SELECT status, message FROM jobs_jobrecord WHERE task_id = ?", during)
        assert state == "done" or message.startswith(f"Failed: {DATABASE}"), (state, message)
    finally:
        worker.end(signal.SIGINT)
