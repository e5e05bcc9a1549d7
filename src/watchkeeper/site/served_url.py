"""The address in front of the links in e-mail notices when WATCHKEEPER_PUBLIC_URL is not set (issue 15 §3).

`up` and `serve` know where they listen: they set WATCHKEEPER_SERVED_URL (http://HOST:PORT) for their own
process and, through the environment, for the children they start (the job worker sends most notices),
and say once, at start, that the address only opens on this machine until WATCHKEEPER_PUBLIC_URL is set.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from django.conf import settings

# A server listening on every address is reached here on the loopback one.
WILDCARDS = {"", "0.0.0.0", "::"}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def served_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in WILDCARDS else host
    shown = f"[{shown}]" if ":" in shown else shown
    return f"http://{shown}:{port}"


def warning(url: str) -> str:
    local = url.split("//")[1].rsplit(":", 1)[0].strip("[]") in LOOPBACK
    where = "opens only on this machine" if local else "may not open from other machines"
    return (
        f"WATCHKEEPER_PUBLIC_URL is not set: links in e-mail notices point at {url}, which {where}. "
        "Set WATCHKEEPER_PUBLIC_URL to the address people type (e.g. https://cctv.trust.example) so that "
        "people reading their mail elsewhere can open them."
    )


def settle(host: str, port: int, say: Callable[[str], None]) -> str:
    """The links' address for this process and its children: WATCHKEEPER_PUBLIC_URL when set, else where
    we listen (set once; `up` settles it before `serve` runs in the same process, which keeps it)."""
    if settings.WATCHKEEPER_PUBLIC_URL:
        return str(settings.WATCHKEEPER_PUBLIC_URL)
    if settings.WATCHKEEPER_SERVED_URL:
        return str(settings.WATCHKEEPER_SERVED_URL)
    url = served_url(host, port)
    settings.WATCHKEEPER_SERVED_URL = url
    os.environ["WATCHKEEPER_SERVED_URL"] = url  # inherited by the children started after this
    say(warning(url))
    return url
