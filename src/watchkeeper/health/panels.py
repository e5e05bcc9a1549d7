"""The dashboard's camera alerts panel (core/registry.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest


def alerts(request: HttpRequest, now: datetime) -> dict[str, Any] | None:
    """12.1: camera faults the automatic checks found, for the people responsible for the system."""
    from watchkeeper.health.models import Alert

    found = Alert.objects.open().select_related("camera__school").visible_to(request.user, "recording.status")
    return {"alerts": list(found[:20])} if found.exists() else None


def overdue_checks(request: HttpRequest, now: datetime) -> dict[str, Any] | None:
    """12.1: scheduled manual checks past their due date, for the people who record them."""
    from django.utils import timezone

    from watchkeeper.core.permissions import holds_any, restrict
    from watchkeeper.health import schedule
    from watchkeeper.health.models import MaintenanceSchedule

    if not holds_any(request.user, "maintenance.record"):
        return None
    today = timezone.localdate(now)
    mine = restrict(MaintenanceSchedule.objects.all(), request.user, "maintenance.record")
    overdue = [check for check in schedule.due_checks(mine) if check.overdue(today)]
    return {"overdue_checks": overdue} if overdue else None
