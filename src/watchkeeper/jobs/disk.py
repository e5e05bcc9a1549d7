"""Disk pressure on the recordings folder (design/jobs.md, "Disk pressure").

Thresholds of 80 %, 90 % and 95 % used give the levels warning, high and critical. Each check writes its
reading into its job record; an audit event `recording.disk_pressure` is written when the level changes
(up or back down) and again every 24 hours while it stays at warning or above.

Nothing here erases footage. Retention (13.1) erases only what is past its camera's retention and not
held: `recording.retention.segments_to_erase` takes no input about free space, so a full disk can never
make it erase retained footage early. What happens instead when the disk fills: the recorder cannot store
new segments; `recording.storage.store_segment` removes the partial file at once, and the recorder
(`recording.recorder.CameraWorker._close`) records each lost segment as a Gap ("segment lost: … No space
left on device") and keeps trying, so recording resumes by itself as soon as space returns.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from watchkeeper.audit.models import AuditEvent
from watchkeeper.audit.services import record
from watchkeeper.core.actors import SYSTEM
from watchkeeper.recording import conf
from watchkeeper.recording.forecast import days_until_full
from watchkeeper.recording.status import totals

ALERT_ACTION = "recording.disk_pressure"
OK = "ok"
# (percent used at or above which, level), highest first.
THRESHOLDS: tuple[tuple[int, str], ...] = ((95, "critical"), (90, "high"), (80, "warning"))
REPEAT_EVERY = timedelta(hours=24)
FULL_DISK_NOTE = (
    "When the disk is full the recorder cannot store new recordings: each one is lost and recorded as a "
    "gap, and recording resumes when space returns. Retained footage is never erased early to make room "
    "(13.1): free space or add storage now."
)


@dataclass(frozen=True)
class Reading:
    total: int
    free: int

    @property
    def used_percent(self) -> float:
        """Used as the recorder sees it: everything not free to write (root's reserve counts as used)."""
        return 100.0 * (self.total - self.free) / self.total if self.total else 100.0


@dataclass(frozen=True)
class Outcome:
    level: str
    message: str
    alerted: bool


def level_for(used_percent: float) -> str:
    for threshold, level in THRESHOLDS:
        if used_percent >= threshold:
            return level
    return OK


def should_alert(level: str, last_level: str | None, last_at: datetime | None, now: datetime) -> bool:
    """Alert on every change of level (a first reading only if not ok), and daily while not ok."""
    if last_level is None:
        return level != OK
    if level != last_level:
        return True
    return level != OK and last_at is not None and now - last_at >= REPEAT_EVERY


def measure() -> Reading:
    usage = shutil.disk_usage(conf.storage_dir())
    return Reading(total=usage.total, free=usage.free)


def describe(reading: Reading, level: str, days: float | None) -> str:
    gb = 1e9
    text = (
        f"Recordings disk {reading.used_percent:.1f}% used: {reading.free / gb:.1f} GB free of "
        f"{reading.total / gb:.1f} GB"
    )
    text += "; nothing recorded in the last 24 h." if days is None else f"; full in about {days:.1f} days."
    if level == OK:
        return text
    threshold = next(t for t, name in THRESHOLDS if name == level)
    text = f"{level.capitalize()} (≥ {threshold}% used). {text}"
    return f"{text} {FULL_DISK_NOTE}" if level == "critical" else text


def last_alert() -> tuple[str | None, datetime | None]:
    event = AuditEvent.objects.filter(action=ALERT_ACTION).order_by("-seq").first()
    if event is None:
        return None, None
    return str(event.details.get("level", OK)), event.at


def check(now: datetime, reading: Reading | None = None) -> Outcome:
    """Measure (or take) a reading, say it, and audit a change of level. Erases nothing."""
    reading = reading or measure()
    level = level_for(reading.used_percent)
    days = days_until_full(reading.free, float(totals(now).bytes_per_day))
    message = describe(reading, level, days)
    last_level, last_at = last_alert()
    alerted = should_alert(level, last_level, last_at, now)
    if alerted:
        record(ALERT_ACTION, actor=SYSTEM, reason=message, details=_details(reading, level, days))
    return Outcome(level, message, alerted)


def _details(reading: Reading, level: str, days: float | None) -> dict[str, Any]:
    return {
        "level": level,
        "used_percent": round(reading.used_percent, 1),
        "free_bytes": reading.free,
        "total_bytes": reading.total,
        "days_until_full": None if days is None else round(days, 1),
        "thresholds": {name: percent for percent, name in THRESHOLDS},
    }
