"""The dashboard's disclosures panel (core/registry.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone


def flags(request: HttpRequest, now: datetime) -> dict[str, Any] | None:
    """11.7: FOI requests near or past their deadline; 11.5: requests referred to the DPO."""
    from watchkeeper.disclosures.services import foi_flags, referred_to_dpo

    found = {
        "foi_flags": foi_flags(request.user, timezone.localdate(now)),
        "dpo_referrals": referred_to_dpo(request.user),
    }
    return found if any(found.values()) else None
