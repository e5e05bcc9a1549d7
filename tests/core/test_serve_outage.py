"""The web server survives a database outage (issue 11 §7): while the database is away a request gets a
clear "try again shortly" page with status 503 (not a bare "Server Error (500)"), and pages work again as
soon as it is back, with no restart. A real `watchkeeper serve` on its own database (tests/outage.py).
"""

from __future__ import annotations

import http.cookiejar
import re
import signal
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from django.db import connection

from tests.outage import PostgresDatabase, Process, environment, sqlite_write_lock, watchkeeper
from tests.recording.conftest import free_port

SETTINGS = {"WATCHKEEPER_SQLITE_TIMEOUT_SECONDS": "2"}


class Browser:
    """Just enough of a browser: cookies, the CSRF token, and the status of each answer."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path))

    def failed_log_in(self) -> tuple[int, str]:
        """A log-in with a wrong password (a fresh user name each time, so django-axes never locks out):
        it reads the user table and writes the failure, so it needs the database."""
        status, page = self.get("/login/")
        assert status == 200, page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None
        form = {"csrfmiddlewaretoken": token.group(1), "username": f"nobody-{uuid.uuid4().hex[:8]}"}
        form["password"] = "not the password"
        data = urllib.parse.urlencode(form).encode()
        return self._open(urllib.request.Request(self.base + "/login/", data=data))

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=60) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def serving(env: dict[str, str], log: Path) -> tuple[Process, Browser]:
    port = free_port()
    server = Process(env, log, "serve", "--port", str(port))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.alive(), server.output()
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return server, Browser(f"http://127.0.0.1:{port}")
        time.sleep(0.2)
    raise AssertionError("watchkeeper serve did not start")


@pytest.fixture(params=["postgresql", "sqlite"])
def installation(request, tmp_path) -> Iterator[tuple[dict[str, str], Callable[[], AbstractContextManager]]]:
    if connection.vendor != request.param:
        pytest.skip(f"the {request.param} outage runs when the suite runs on {request.param}")
    if request.param == "sqlite":
        env = environment(tmp_path, **SETTINGS)
        watchkeeper(env, "migrate", "--no-input", "-v0")
        yield env, lambda: sqlite_write_lock(tmp_path)
        return
    database = PostgresDatabase()
    database.create()
    try:
        env = environment(tmp_path, database.url, **SETTINGS)
        watchkeeper(env, "migrate", "--no-input", "-v0")
        yield env, database.outage
    finally:
        database.drop()


def test_pages_say_try_again_during_an_outage_and_work_when_it_ends(installation, tmp_path) -> None:
    env, outage = installation
    server, browser = serving(env, tmp_path / "serve.log")
    try:
        for _ in range(3):
            status, page = browser.failed_log_in()
            assert status == 400 and "is not right" in page, page
        with outage():
            status, page = browser.failed_log_in()
            assert status == 503, page
            assert "Watchkeeper cannot reach its database" in page
            assert "Nothing you just did was saved" in page
        for _ in range(3):
            status, page = browser.failed_log_in()
            assert status == 400 and "is not right" in page, page
        assert server.alive()
    finally:
        server.end(signal.SIGTERM)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL sessions")
def test_kept_connections_killed_by_a_database_restart_are_replaced_without_an_error(tmp_path) -> None:
    """conn_max_age keeps a connection per server thread between requests; when the database kills them
    (a restart), the next request on each thread gets a fresh one (CONN_HEALTH_CHECKS), not an error."""
    database = PostgresDatabase()
    database.create()
    try:
        env = environment(tmp_path, database.url)
        watchkeeper(env, "migrate", "--no-input", "-v0")
        server, browser = serving(env, tmp_path / "serve.log")
        try:
            for _ in range(16):  # every server thread opens (and keeps) a connection
                assert browser.failed_log_in()[0] == 400
            assert database.terminate_sessions() >= 1
            answers = [browser.failed_log_in()[0] for _ in range(16)]
            assert answers == [400] * 16
        finally:
            server.end(signal.SIGTERM)
    finally:
        database.drop()
