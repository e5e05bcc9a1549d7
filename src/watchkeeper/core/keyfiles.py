"""Secret keys kept as files in the data dir (mode 0600), outside the database.

Keeping keys out of the database means a copy of the database alone (a backup, a stolen file, a
PostgreSQL server on another host) cannot forge the audit chain or decrypt anything.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings

from watchkeeper.core.private_files import create_once

KEY_BYTES = 32


def key_dir() -> Path:
    path = Path(settings.DATA_DIR) / "keys"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def key_path(name: str) -> Path:
    return key_dir() / f"{name}.key"


def load_or_create_key(name: str) -> bytes:
    """The key called `name`, created with 32 random bytes on first use. Never logged.

    Created atomically (private_files.create_once): threads and processes that lose the race to create a
    new school key get the winner's, never an empty file (issue 11 §5)."""
    path = key_path(name)
    key = create_once(path, secrets.token_bytes(KEY_BYTES))
    if len(key) != KEY_BYTES:
        raise RuntimeError(f"key file {path} is damaged: expected {KEY_BYTES} bytes, found {len(key)}")
    return key
