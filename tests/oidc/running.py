"""Start tests/oidc/provider.py in its own process for a test session, and drive its sign-in like a browser
would (the redirects between Watchkeeper, the provider and back)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import requests
from django.test import Client

PROVIDER = Path(__file__).resolve().parent / "provider.py"
CLIENT_ID, CLIENT_SECRET = "watchkeeper-test", "a client secret only the tests know"


@contextmanager
def running_provider() -> Iterator[str]:
    """The provider's issuer URL while it runs on 127.0.0.1 (a free port)."""
    process = subprocess.Popen(
        [sys.executable, str(PROVIDER), CLIENT_ID, CLIENT_SECRET], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def as_identity(issuer: str, **claims: Any) -> None:
    """Whoever signs in at the provider next (its dev interaction signs them in without a form)."""
    requests.post(f"{issuer}/test/identity", json=claims, timeout=10).raise_for_status()


def round_trip(client: Client, start: Any) -> Any:
    """Follow Watchkeeper's redirect to the provider and the provider's back to the callback."""
    assert start.status_code == 302, start.status_code
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    back = urlparse(at_provider.headers["Location"])
    return client.get(f"{back.path}?{back.query}")
