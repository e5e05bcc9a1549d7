"""Running behind a reverse proxy with TLS (issue 14 §4, design/deployment.md): the documented production
settings pass Django's deployment checks, and waitress refuses a request body over the limit before Django
reads it."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from waitress.server import create_server

from watchkeeper.site.management.commands.serve import server_options

WATCHKEEPER = str(Path(sys.executable).parent / "watchkeeper")
DEPLOYMENT = Path(__file__).resolve().parents[2] / "design" / "deployment.md"


def documented_settings() -> dict[str, str]:
    """The `# production settings` block of design/deployment.md, as variables."""
    block = re.search(r"```sh\n# production settings\n(.*?)```", DEPLOYMENT.read_text(), re.S)
    assert block is not None, "design/deployment.md has lost its production settings block"
    pairs = (line.split("=", 1) for line in block.group(1).splitlines() if "=" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def deploy_check(tmp_path: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    # The suite's own switches (the data folder, and the async-safety opt-out Playwright needs) are not the
    # deployment's: the check sees only what the documented block sets.
    suite_only = ("WATCHKEEPER_", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(suite_only)}
    env.update(WATCHKEEPER_DATA_DIR=str(tmp_path), **settings)
    command = [WATCHKEEPER, "check", "--deploy", "--fail-level", "WARNING"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.clause("9.1")
def test_the_documented_production_settings_pass_the_deploy_check(tmp_path) -> None:
    settings = documented_settings()
    assert settings["WATCHKEEPER_HTTPS"] == "on" and settings["WATCHKEEPER_TRUSTED_PROXIES"]
    result = deploy_check(tmp_path, **settings)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_default_settings_do_not_pass_it(tmp_path) -> None:
    """The check really runs Django's deployment checks (not the storage check `watchkeeper check` is)."""
    result = deploy_check(tmp_path)
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


def test_a_bad_trusted_proxy_is_a_clear_configuration_error(tmp_path) -> None:
    result = deploy_check(tmp_path, WATCHKEEPER_TRUSTED_PROXIES="proxy.school.local")
    assert result.returncode == 1
    assert "WATCHKEEPER_TRUSTED_PROXIES: 'proxy.school.local' is not an IP address" in result.stderr


@pytest.fixture
def waitress_server(settings) -> Iterator[int]:
    """The web app under waitress with `watchkeeper serve`'s own options, on a free port."""
    settings.WATCHKEEPER_MAX_REQUEST_BYTES = 4096
    from watchkeeper.wsgi import application

    server = create_server(application, **server_options("127.0.0.1", 0, 2))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield server.effective_port  # type: ignore[union-attr]
    finally:
        server.close()
        thread.join(timeout=5)


def _post(port: int, size: int, *, send_body: bool = True) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        head = f"POST /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {size}\r\n"
        connection.sendall(
            (head + "Content-Type: application/octet-stream\r\nConnection: close\r\n\r\n").encode()
        )
        if send_body:
            connection.sendall(b"x" * size)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer.decode(errors="replace").split("\r\n", 1)[0]


def test_waitress_refuses_a_body_over_the_limit_before_django(waitress_server) -> None:
    # waitress answers from the Content-Length alone and closes: sending the body too would race its close
    # (a reset can discard the answer), so this request says its size and waits.
    assert " 413 " in _post(waitress_server, 4097, send_body=False)


def test_a_body_within_the_limit_reaches_django(waitress_server) -> None:
    # Django answers: 403, as the post carries no CSRF token (not waitress's 413).
    assert " 403 " in _post(waitress_server, 4000)
