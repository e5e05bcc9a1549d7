"""For tests that start the `watchkeeper` command as a separate process (the browser tests' demo server,
the demo command's test): a database of its own, so that it never shares the test run's."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit


def fresh_database(env: dict[str, str], suffix: str) -> None:
    """On PostgreSQL, give the process in `env` an empty database of its own next to the test database,
    named with `suffix`; otherwise SQLite in its data dir."""
    url = os.environ.get("WATCHKEEPER_DATABASE_URL", "")
    if not url.startswith("postgres"):
        env.pop("WATCHKEEPER_DATABASE_URL", None)
        return
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + suffix
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env["WATCHKEEPER_DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
