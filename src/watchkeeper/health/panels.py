"""The dashboard's camera alerts panel (core/registry.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest

from watchkeeper.core.permissions import restrict


def alerts(request: HttpRequest, now: datetime) -> dict[str, Any] | None:
    """12.1: camera faults the automatic checks found, for the people responsible for the system."""
    from watchkeeper.health.models import Alert

    found = list(
        restrict(Alert.objects.open().select_related("camera__school"), request.user, "recording.status")[:20]
    )
    return {"alerts": found} if found else None
