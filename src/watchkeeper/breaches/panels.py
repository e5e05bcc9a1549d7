"""The dashboard's breach panel (core/registry.py): each breach whose 72-hour clock runs, loud when late."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest


def clock(request: HttpRequest, now: datetime) -> dict[str, Any] | None:
    """15.1, Art 33(1): open breaches with their countdown; Art 34 decisions waiting on the DPO."""
    from watchkeeper.breaches.services import awaiting_dpo, open_breaches

    found = {
        "breach_clocks": open_breaches(request.user, now),
        "breach_waiting": awaiting_dpo(request.user, now),
    }
    return found if any(found.values()) else None
