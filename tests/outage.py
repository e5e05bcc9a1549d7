"""Database outages for tests of the long-running processes (issue 11 §7): the recorder, the job worker and
the web server, each run as its own process against its own database.

PostgreSQL: a fresh database per test module (named after the configured one, `<name>_outage_<hex>`),
migrated by the real `watchkeeper migrate`. The shared server is never stopped (others use it): its
sessions are killed with `pg_terminate_backend`, and an outage is `ALLOW_CONNECTIONS false` plus killing
every session, until it is allowed again — what the processes see is what they see when the server stops.

SQLite: an outage is another connection holding the write lock (BEGIN EXCLUSIVE) for longer than the
busy timeout (WATCHKEEPER_SQLITE_TIMEOUT_SECONDS); readers still read, writers fail "database is locked".
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

REPO = Path(__file__).resolve().parents[1]

only_on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a PostgreSQL outage (WATCHKEEPER_DATABASE_URL=postgresql://…)"
)
only_on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded SQLite database")


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class PostgresDatabase:
    """A database of its own on the configured server, dropped afterwards."""

    def __init__(self) -> None:
        import psycopg

        self.psycopg = psycopg
        configured = connection.settings_dict
        self.server = {
            "host": configured["HOST"] or "127.0.0.1",
            "port": int(configured["PORT"] or 5432),
            "user": configured["USER"],
            "password": configured["PASSWORD"] or None,
        }
        base = os.environ.get("WATCHKEEPER_DATABASE_URL", "").rsplit("/", 1)[-1].split("?")[0] or "wk"
        self.name = f"{base}_outage_{uuid.uuid4().hex[:8]}"
        password = f":{self.server['password']}" if self.server["password"] else ""
        self.url = (
            f"postgresql://{self.server['user']}{password}@{self.server['host']}:{self.server['port']}/"
            f"{self.name}"
        )

    def _admin(self) -> Any:
        return self.psycopg.connect(dbname="postgres", autocommit=True, **self.server)

    def create(self) -> None:
        with self._admin() as admin:
            admin.execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        with self._admin() as admin:
            admin.execute(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true')
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def query(self, sql: str, *params: object) -> list[tuple]:
        with self.psycopg.connect(dbname=self.name, **self.server) as db:
            return db.execute(sql.replace("?", "%s"), params).fetchall()

    def terminate_sessions(self) -> int:
        """Kill every other session of this database (the issue's pg_terminate_backend)."""
        rows = self.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return len(rows)

    @contextmanager
    def outage(self) -> Iterator[None]:
        with self._admin() as admin:
            admin.execute(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false')
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (self.name,)
            )
        try:
            yield
        finally:
            with self._admin() as admin:
                admin.execute(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true')


@contextmanager
def sqlite_write_lock(data_dir: Path) -> Iterator[None]:
    """Hold the SQLite write lock from another connection (another writer) until the block ends."""
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        db = sqlite3.connect(data_dir / "watchkeeper.sqlite3", timeout=60, isolation_level=None)
        try:
            db.execute("BEGIN EXCLUSIVE")
            held.set()
            release.wait()
            db.execute("ROLLBACK")
        finally:
            db.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(60), "could not take the SQLite write lock"
    try:
        yield
    finally:
        release.set()
        holder.join()


def environment(data_dir: Path, database_url: str = "", **extra: str) -> dict[str, str]:
    drop = ("WATCHKEEPER_DATABASE_URL", "WATCHKEEPER_REDIS_URL")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(WATCHKEEPER_DATA_DIR=str(data_dir), **extra)
    if database_url:
        env["WATCHKEEPER_DATABASE_URL"] = database_url
    return env


def watchkeeper(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "watchkeeper.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    if check:
        assert done.returncode == 0, f"watchkeeper {' '.join(args)}: {done.stdout}{done.stderr}"
    return done


class Process:
    """A long-running `watchkeeper …` (or other) process with its output in a log file."""

    def __init__(self, env: dict[str, str], log: Path, *args: str):
        self.log_path = log
        self.log = log.open("a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "watchkeeper.cli", *args],
            cwd=REPO,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        return self.log_path.read_text()

    def alive(self) -> bool:
        return self.process.poll() is None

    def end(self, signum: int) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signum)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return self.process.returncode
