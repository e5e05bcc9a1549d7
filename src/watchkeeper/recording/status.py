"""`watchkeeper status`: per camera state, last segment, counts and bytes; storage totals and forecast."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Min, Sum

from watchkeeper.estate.models import Camera, CameraStatus
from watchkeeper.recording import conf
from watchkeeper.recording.models import CameraState, Segment, StreamState

# The recorder refreshes states every few seconds; older than this, it is not running.
STALE_SECONDS = 30
FORECAST_WINDOW = timedelta(hours=24)


def camera_state(state: CameraState | None, camera_status: str, now: datetime) -> str:
    """recording / reconnecting / offline / not allowed, from what the recorder last said and when."""
    if camera_status != CameraStatus.ACTIVE:
        return StreamState.NOT_ALLOWED
    if state is None or (now - state.updated_at).total_seconds() > STALE_SECONDS:
        return StreamState.OFFLINE
    return state.state


def days_until_full(free_bytes: int, bytes_per_day: float) -> float | None:
    """Days of recording the free space holds at the current rate. None when nothing is being written.

    Retention frees space as fast as recording fills it once the oldest footage reaches its retention,
    so this is a worst case for the first 30 days and for growth (more cameras, higher bit rates)."""
    if bytes_per_day <= 0:
        return None
    return free_bytes / bytes_per_day


@dataclass
class Totals:
    segments: int
    bytes: int
    disk_total: int
    disk_free: int
    bytes_per_day: float
    days_until_full: float | None


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
    return {"at": now.isoformat(), "cameras": rows, "storage": _totals(now).__dict__}


def _totals(now: datetime) -> Totals:
    everything = Segment.objects.aggregate(count=Count("id"), bytes=Sum("bytes"))
    recent = Segment.objects.filter(end__gte=now - FORECAST_WINDOW).aggregate(
        bytes=Sum("bytes"), first=Min("start")
    )
    disk = shutil.disk_usage(conf.storage_dir())
    per_day = 0.0
    if recent["bytes"] and recent["first"]:
        span = max((now - recent["first"]).total_seconds(), 60.0)
        per_day = recent["bytes"] * 86400 / span
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
