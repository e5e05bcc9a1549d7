"""Recording settings, read once from WATCHKEEPER_* variables (or a Django setting of the same name).

These belong in settings.py eventually; they live here so the recording app can be configured today.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from watchkeeper.env import env_int, env_str


def _setting_int(name: str, default: int) -> int:
    return int(getattr(settings, name, env_int(name, default)))


def segment_seconds() -> int:
    """Target segment length. Each segment starts at a key frame, so real lengths round up to one."""
    return max(1, _setting_int("WATCHKEEPER_SEGMENT_SECONDS", 10))


def storage_dir() -> Path:
    """Where encrypted segments live: <data dir>/recordings unless WATCHKEEPER_RECORDINGS_DIR says."""
    given = getattr(settings, "WATCHKEEPER_RECORDINGS_DIR", env_str("WATCHKEEPER_RECORDINGS_DIR", ""))
    path = Path(given).expanduser().resolve() if given else Path(settings.DATA_DIR) / "recordings"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def camera_poll_seconds() -> int:
    """How often the recorder re-reads the camera list and gates (a suspension stops recording within
    this plus one packet read)."""
    return max(1, _setting_int("WATCHKEEPER_CAMERA_POLL_SECONDS", 3))


def read_timeout_seconds() -> int:
    """A stream that delivers nothing for this long counts as dropped; the recorder reconnects."""
    return max(1, _setting_int("WATCHKEEPER_STREAM_TIMEOUT_SECONDS", 5))


def max_backoff_seconds() -> int:
    return max(1, _setting_int("WATCHKEEPER_RECONNECT_MAX_SECONDS", 30))
