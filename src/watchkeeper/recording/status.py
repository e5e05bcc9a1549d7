"""`watchkeeper status`: per camera state, last segment, counts and bytes; storage totals and forecast."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, Min, Sum

from watchkeeper.estate.models import Camera, CameraStatus
from watchkeeper.recording import conf
from watchkeeper.recording.forecast import FORECAST_WINDOW, bytes_per_day, days_until_full
from watchkeeper.recording.models import CameraState, Segment, StreamState

# The recorder refreshes states every few seconds; older than this, it is not running.
STALE_SECONDS = 30


def camera_state(state: CameraState | None, camera_status: str, now: datetime) -> str:
    """recording / reconnecting / offline / not allowed, from what the recorder last said and when."""
    if camera_status != CameraStatus.ACTIVE:
        return StreamState.NOT_ALLOWED
    if state is None or (now - state.updated_at).total_seconds() > STALE_SECONDS:
        return StreamState.OFFLINE
    return state.state


@dataclass
class Totals:
    segments: int
    bytes: int
    disk_total: int
    disk_free: int
    bytes_per_day: float
    days_until_full: float | None

    @property
    def used_percent(self) -> float:
        """Of the disk, everything not free to write (root's reserve counts as used)."""
        return 100 * (self.disk_total - self.disk_free) / self.disk_total if self.disk_total else 0.0


def status(now: datetime) -> dict[str, Any]:
    cameras = list(Camera.objects.exclude(status=CameraStatus.DECOMMISSIONED).select_related("school"))
    states = {s.camera_id: s for s in CameraState.objects.all()}
    stats = {
        row["camera_id"]: row
        for row in Segment.objects.values("camera_id").annotate(
            count=Count("id"), bytes=Sum("bytes"), last=Max("end")
        )
    }
    rows = []
    for camera in cameras:
        stat = stats.get(camera.pk, {})
        state = states.get(camera.pk)
        rows.append(
            {
                "id": camera.pk,
                "name": camera.name,
                "school": camera.school.name,
                "state": camera_state(state, camera.status, now),
                "detail": state.detail if state else "",
                "last_segment_end": stat["last"].isoformat() if stat.get("last") else None,
                "segments": stat.get("count", 0),
                "bytes": stat.get("bytes") or 0,
            }
        )
    return {"at": now.isoformat(), "cameras": rows, "storage": totals(now).__dict__}


def totals(now: datetime) -> Totals:
    """Every segment's count and bytes, the disk, and the forecast from the last 24 h (forecast.py)."""
    everything = Segment.objects.aggregate(count=Count("id"), bytes=Sum("bytes"))
    recent = Segment.objects.filter(end__gte=now - FORECAST_WINDOW).aggregate(
        bytes=Sum("bytes"), first=Min("start")
    )
    disk = shutil.disk_usage(conf.storage_dir())
    per_day = bytes_per_day(recent["bytes"], recent["first"], now)
    return Totals(
        segments=everything["count"],
        bytes=everything["bytes"] or 0,
        disk_total=disk.total,
        disk_free=disk.free,
        bytes_per_day=round(per_day),
        days_until_full=_rounded(days_until_full(disk.free, per_day)),
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
