"""The dashboard's misuse panels (core/registry.py): open alerts for their handler, and for the DPO and the
board whether the staff privacy notice and the DPIA covering the monitoring of staff are recorded."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest

from watchkeeper.core.permissions import holds_any


def alerts(request: HttpRequest, now: datetime) -> dict[str, Any] | None:
    from watchkeeper.misuse.services import open_alerts

    found = list(open_alerts(request.user)[:10])
    return {"misuse_alerts": found} if found else None


def lawful(request: HttpRequest, now: datetime) -> dict[str, Any] | None:
    """ICO guidance on monitoring workers: staff are told, and the monitoring is assessed (a DPIA)."""
    from watchkeeper.misuse.services import VIEW, settings_of

    if not (holds_any(request.user, VIEW) or holds_any(request.user, "compliance.view")):
        return None
    settings = settings_of()
    return {
        "misuse_settings": settings,
        "misuse_lawful": bool(settings.staff_notice_link and settings.monitoring_dpia_id),
    }
