"""The dashboard's compliance panel (core/registry.py), the compliance report: each school's compliance at a
glance (3.5), the trust's lawful footing for crime and safeguarding uses (the appropriate policy document in
place and in date, the Art 9/10 conditions), and the differences the DPO should know."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from watchkeeper.core.permissions import can, restrict


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
        "footing": footing(request, schools[0].trust_id, today),
    }


def footing(request: HttpRequest, trust_id: int, today: date) -> dict[str, Any]:
    from watchkeeper.compliance.differences import differences
    from watchkeeper.compliance.trust import SETTINGS, policy_document_status, settings_of

    settings = settings_of(trust_id)
    return {
        "settings": settings,
        "policy": policy_document_status(settings, today),
        "differences": differences(today),
        "can_change": can(request.user, SETTINGS, None),
    }
