"""Browser tests: Debian's chromium driven by Playwright against a real `watchkeeper serve` process.

The server runs as a separate process on its own data dir (and, when the suite runs on PostgreSQL, its own
database), created with the real `watchkeeper migrate` and `watchkeeper demo`. So the browser exercises
exactly what `make run` serves, and the append-only audit table never has to be flushed between tests.
"""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django_otp.oath import TOTP

from tests.browser.steps import sign_in  # noqa: F401 (the step, where most browser tests import it)
from tests.servers import fresh_database

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WATCHKEEPER = str(Path(sys.executable).parent / "watchkeeper")


@dataclass
class DemoUser:
    username: str
    password: str
    secret: str
    last_step: int = -1

    def code(self) -> str:
        """A code of a step not used yet that django-otp accepts now (this step or the next, tolerance 1).
        django-otp refuses any code of a step at or before the last one used (replay), so when this
        person's next unused step is further ahead, wait for it, as a person waits for their app's next
        code. Every sign-in and decision in the browser tests takes its code from here."""
        step = max(int(time.time()) // 30, self.last_step + 1)
        while step > int(time.time()) // 30 + 1:
            time.sleep(0.5)
        self.last_step = step
        calculator = TOTP(base64.b32decode(self.secret))
        calculator.time = step * 30 + 1
        return f"{calculator.token():06d}"


@dataclass
class LiveApp:
    url: str
    env: dict[str, str]
    users: dict[str, DemoUser]

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([WATCHKEEPER, *args], env=self.env, capture_output=True, text=True, timeout=120)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _read_users(path: Path) -> dict[str, DemoUser]:
    users = {}
    for line in path.read_text().splitlines():
        fields = line.split()
        if len(fields) >= 3 and len(fields[2]) == 32 and fields[2].isupper():
            users[fields[0]] = DemoUser(fields[0], fields[1], fields[2])
    return users


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"watchkeeper serve exited with {process.returncode}")
        try:
            urllib.request.urlopen(url + "login/", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("watchkeeper serve did not answer within 30 s")


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    data_dir = tmp_path_factory.mktemp("live-data")
    env = {**os.environ, "WATCHKEEPER_DATA_DIR": str(data_dir)}
    # One per pytest-xdist worker (tests/parallel.py): each worker runs its own demo server.
    fresh_database(env, "_browser" + os.environ.get("PYTEST_XDIST_WORKER", ""))
    for command in (["migrate", "--no-input", "-v0"], ["demo"]):
        subprocess.run([WATCHKEEPER, *command], env=env, check=True, capture_output=True, timeout=300)
    port = _free_port()
    log = (data_dir / "serve.log").open("wb")
    process = subprocess.Popen([WATCHKEEPER, "serve", "--port", str(port)], env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(url, process)
        yield LiveApp(url, env, _read_users(data_dir / "demo-credentials.txt"))
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def csp_violation(text: str) -> bool:
    """Chromium's console line for anything the Content-Security-Policy refused (issue 14 §4)."""
    return "Content Security Policy" in text


@pytest.fixture
def csp_violations() -> list[str]:
    """The Content-Security-Policy violations every page of a test logged; none may remain at its end."""
    return []


@pytest.fixture
def new_page(browser, csp_violations):  # type: ignore[no-untyped-def]
    """A factory of pages, each in its own browser context (its own cookies: one signed-in person). A page
    whose script or style the Content-Security-Policy refused fails the test (issue 14 §4)."""
    contexts = []

    def make(storage_state=None):  # type: ignore[no-untyped-def]
        # storage_state: a session stored earlier (steps.signed_in), else a browser never signed in.
        # A school office's browser: English (UK) and UK time, so date boxes read dd/mm/yyyy and the
        # window presets ("today", "last hour") are the school's, whatever the test machine's zone.
        context = browser.new_context(
            viewport={"width": 1280, "height": 900},
            storage_state=storage_state,
            locale="en-GB",
            timezone_id="Europe/London",
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda line: csp_violation(line.text) and csp_violations.append(line.text))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not csp_violations, f"the Content-Security-Policy refused: {csp_violations}"
