"""The camera health page's rows (12.1): what the recorder is doing with each camera, what it has stored,
the latest gap and the open alerts. The caller passes querysets already restricted to the person's schools.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Max, QuerySet, Sum
from django.utils import timezone

from watchkeeper.compliance.models import Sign
from watchkeeper.estate.models import Camera, CameraStatus
from watchkeeper.health.models import Alert
from watchkeeper.recording.models import CameraState, Gap, Segment, StreamState
from watchkeeper.recording.recorder import recording_problems
from watchkeeper.recording.status import camera_state

BADGES = {
    StreamState.RECORDING: "ok",
    StreamState.CONNECTING: "warn",
    StreamState.RECONNECTING: "warn",
    StreamState.OFFLINE: "bad",
    StreamState.NOT_ALLOWED: "suspended",
}


@dataclass
class CameraRow:
    camera: Camera
    state: str
    detail: str
    last_segment_end: datetime | None = None
    segments: int = 0
    bytes: int = 0
    latest_gap: Gap | None = None
    alerts: list[Alert] = field(default_factory=list)

    @property
    def state_label(self) -> str:
        return StreamState(self.state).label

    @property
    def badge(self) -> str:
        return BADGES.get(StreamState(self.state), "warn")


def page_state(
    state: CameraState | None, camera: Camera, problems: list[str], now: datetime
) -> tuple[str, str]:
    """(state, detail): "not allowed" when the camera is not active or the gates refuse it — whatever the
    recorder last said — otherwise what the recorder says, "offline" once it has stopped saying it."""
    if camera.status != CameraStatus.ACTIVE or problems:
        return StreamState.NOT_ALLOWED, "; ".join(problems)
    current = camera_state(state, camera.status, now)
    if state is None:
        return current, "the recorder has not reported on this camera"
    if current != state.state:
        return current, "the recorder is not running"
    return current, state.detail


def camera_rows(cameras: QuerySet[Camera], alerts: QuerySet[Alert], now: datetime) -> list[CameraRow]:
    cameras = cameras.select_related("school", "vehicle").prefetch_related("dpias")
    ids = [c.pk for c in cameras]
    states = {s.camera_id: s for s in CameraState.objects.filter(camera_id__in=ids)}
    signs = _signs(c.school_id for c in cameras)
    stats = {
        row["camera_id"]: row
        for row in Segment.objects.filter(camera_id__in=ids)
        .values("camera_id")
        .annotate(count=Count("id"), bytes=Sum("bytes"), last=Max("end"))
    }
    gaps = {g.camera_id: g for g in Gap.objects.filter(camera_id__in=ids).order_by("camera_id", "start")}
    open_alerts: dict[int, list[Alert]] = defaultdict(list)
    for alert in alerts.filter(camera_id__in=ids, closed_at__isnull=True):
        if alert.camera_id is not None:  # the server's own alert is shown above the table
            open_alerts[alert.camera_id].append(alert)
    today = timezone.localdate(now)
    rows = []
    for camera in cameras:
        problems = recording_problems(camera, signs[camera.school_id], today)
        state, detail = page_state(states.get(camera.pk), camera, problems, now)
        stat = stats.get(camera.pk, {})
        rows.append(
            CameraRow(
                camera,
                state,
                detail,
                last_segment_end=stat.get("last"),
                segments=stat.get("count", 0),
                bytes=stat.get("bytes") or 0,
                latest_gap=gaps.get(camera.pk),
                alerts=open_alerts[camera.pk],
            )
        )
    return rows


def _signs(school_ids: Iterable[int]) -> dict[int, list[Sign]]:
    signs: dict[int, list[Sign]] = defaultdict(list)
    for sign in Sign.objects.filter(school_id__in=set(school_ids)):
        signs[sign.school_id].append(sign)
    return signs
