"""The dashboard's compliance panel (core/registry.py): each school's compliance at a glance (3.5)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from watchkeeper.core.permissions import restrict


def summary(request: HttpRequest, now: datetime) -> dict[str, Any] | None:
    """For the schools whose registers this person may read; None for people who may read none."""
    from watchkeeper.compliance.services import compliance_summary, exceptions_for
    from watchkeeper.estate.models import Camera, School

    schools = list(restrict(School.objects.all(), request.user, "compliance.view"))
    if not schools:
        return None
    cameras = list(
        restrict(
            Camera.objects.select_related("school", "vehicle"), request.user, "compliance.view"
        ).prefetch_related("dpias")
    )
    today = timezone.localdate(now)
    return {
        "summary": compliance_summary(schools, cameras, today),
        "exceptions": exceptions_for(cameras, today),
    }
