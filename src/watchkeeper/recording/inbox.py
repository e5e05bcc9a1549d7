"""What waits on a person in this app (core/registry.py, issue 15 §3): evidential holds due for review
within a week or past their review date (9.6), for the CCTV administrator who keeps them; and decommissioned
cameras whose recordings are still stored, to erase before disposal (13.1) — a camera the yearly review
found no longer necessary arrives here (reviews.services.record_camera_review)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from watchkeeper.core.permissions import restrict
from watchkeeper.core.registry import InboxItem
from watchkeeper.estate.models import Camera, CameraStatus
from watchkeeper.recording.models import Hold, HoldPurpose

SOON_DAYS = 7


def holds_to_review(user: Any, now: datetime) -> Iterator[InboxItem]:
    soon = timezone.localdate(now) + timedelta(days=SOON_DAYS)
    holds = Hold.objects.current().filter(purpose=HoldPurpose.EVIDENTIAL, review_on__lte=soon)
    for hold in restrict(holds, user, "recording.hold").select_related("school"):
        yield InboxItem(
            key=f"recording.hold_review:{hold.pk}:{hold.review_on.isoformat()}",
            title=f"Review evidential hold #{hold.pk}: keep it longer or release it (9.6)",
            url=reverse("recording:hold_detail", args=[hold.pk]),
            due_on=hold.review_on,
            school=hold.school.name,
            group="Footage",
            reference=f"Hold {hold.pk}",
        )


def cameras_to_erase(user: Any, now: datetime) -> Iterator[InboxItem]:
    from watchkeeper.recording.erasure import ERASE

    cameras = Camera.objects.filter(status=CameraStatus.DECOMMISSIONED, segments__isnull=False).distinct()
    for camera in restrict(cameras, user, ERASE).select_related("school"):
        yield InboxItem(
            key=f"recording.erase_camera:{camera.pk}",
            title=f"Erase the recordings of the decommissioned {camera.name} camera before disposal (13.1)",
            url=reverse("recording:erasure_list"),
            school=camera.school.name,
            group="Footage",
            reference=f"Camera {camera.pk}",
        )
