"""Typed environment helpers (paperless-ngx style): every setting is read once, with a type and a default."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from watchkeeper.core.private_files import create_once

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class SettingError(ValueError):
    """A WATCHKEEPER_* variable holds a value we cannot use; the message names the variable."""


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise SettingError(f"{name}={raw!r} is not a yes/no value (use 1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingError(f"{name}={raw!r} is not a whole number") from None


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated list; blanks and spaces around entries dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_path(name: str, default: str) -> Path:
    return Path(os.environ.get(name, default)).expanduser().resolve()


def secret_key(data_dir: Path) -> str:
    """WATCHKEEPER_SECRET_KEY, or a key generated once into the data dir with mode 0600."""
    given = os.environ.get("WATCHKEEPER_SECRET_KEY")
    if given:
        return given
    # Created atomically, like the key files: processes starting together all get the one key, never an
    # empty file (issue 11 §5).
    return create_once(data_dir / "secret-key", secrets.token_urlsafe(50).encode()).decode().strip()
