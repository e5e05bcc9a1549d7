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
