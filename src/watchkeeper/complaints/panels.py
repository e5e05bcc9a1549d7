"""The dashboard's complaints register (core/registry.py): open complaints and their next deadline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone


def register(request: HttpRequest, now: datetime) -> dict[str, Any] | None:
    """17.1, DPA 2018 s164A: for the DPO (every school's) and each school's complaint handlers."""
    from watchkeeper.complaints.services import open_rows

    rows = open_rows(request.user, timezone.localdate(now))
    return {"complaint_rows": rows} if rows else None
