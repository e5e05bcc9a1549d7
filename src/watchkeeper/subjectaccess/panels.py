"""The dashboard's subject access panel (core/registry.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone


def flags(request: HttpRequest, now: datetime) -> dict[str, Any] | None:
    """10.2: requests near or past their deadline, for the handler, the Headteacher and the DPO."""
    from watchkeeper.subjectaccess.services import flags_for

    found = flags_for(request.user, timezone.localdate(now))
    return {"sar_flags": found} if found else None
