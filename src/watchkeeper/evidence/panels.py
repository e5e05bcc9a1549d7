"""The dashboard's stored-copies panel (core/registry.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone


def flagged_copies(request: HttpRequest, now: datetime) -> dict[str, Any] | None:
    """13.2: downloaded copies due for deletion or overdue, for the Headteacher and the DPO."""
    from watchkeeper.evidence.services import flagged_copies as flagged

    today = timezone.localdate(now)
    found = list(flagged(request.user, today)[:20])
    return {"flagged": found, "today": today} if found else None
