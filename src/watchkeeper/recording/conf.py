"""Recording settings: read once from WATCHKEEPER_* variables in settings.py; the bounds are here."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def _setting_int(name: str) -> int:
    return int(getattr(settings, name))


def segment_seconds() -> int:
    """Target segment length. Each segment starts at a key frame, so real lengths round up to one."""
    return max(1, _setting_int("WATCHKEEPER_SEGMENT_SECONDS"))


def storage_dir() -> Path:
    """Where encrypted segments live: <data dir>/recordings unless WATCHKEEPER_RECORDINGS_DIR says."""
    given = settings.WATCHKEEPER_RECORDINGS_DIR
    path = Path(given).expanduser().resolve() if given else Path(settings.DATA_DIR) / "recordings"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def camera_poll_seconds() -> int:
    """How often the recorder re-reads the camera list and gates (a suspension stops recording within
    this plus one packet read)."""
    return max(1, _setting_int("WATCHKEEPER_CAMERA_POLL_SECONDS"))


def read_timeout_seconds() -> int:
    """A stream that delivers nothing for this long counts as dropped; the recorder reconnects."""
    return max(1, _setting_int("WATCHKEEPER_STREAM_TIMEOUT_SECONDS"))


def max_backoff_seconds() -> int:
    return max(1, _setting_int("WATCHKEEPER_RECONNECT_MAX_SECONDS"))


def backup_retention_days() -> int:
    """How long database backups (and WAL archives) are kept: destroyed keys survive in them until then
    (recording/erasure.py, 13.1)."""
    return max(0, _setting_int("WATCHKEEPER_BACKUP_RETENTION_DAYS"))
