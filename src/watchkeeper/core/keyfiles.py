"""Secret keys kept as files in the data dir (mode 0600), outside the database.

Keeping keys out of the database means a copy of the database alone (a backup, a stolen file, a
PostgreSQL server on another host) cannot forge the audit chain or decrypt anything.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings

KEY_BYTES = 32


def key_dir() -> Path:
    path = Path(settings.DATA_DIR) / "keys"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def key_path(name: str) -> Path:
    return key_dir() / f"{name}.key"


def load_or_create_key(name: str) -> bytes:
    """The key called `name`, created with 32 random bytes on first use. Never logged."""
    path = key_path(name)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key(path)
    key = secrets.token_bytes(KEY_BYTES)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
        handle.flush()
        os.fsync(handle.fileno())
    return key


def _read_key(path: Path) -> bytes:
    key = path.read_bytes()
    if len(key) != KEY_BYTES:
        raise RuntimeError(f"key file {path} is damaged: expected {KEY_BYTES} bytes, found {len(key)}")
    return key
