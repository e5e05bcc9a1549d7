"""The dashboard's re-routed decisions panel (core/registry.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest


def rerouted(request: HttpRequest, now: datetime) -> dict[str, Any] | None:
    """9.2, 9.5: requests re-routed to the DPO by the two-person rule across accounts."""
    from watchkeeper.people import reroutings

    count = reroutings.rerouted_authorisations(request.user).count()
    count += reroutings.rerouted_downloads(request.user).count()
    count += len(reroutings.escalated_disclosures(request.user, now))  # 11.3, 11.5, 11.7
    return {"rerouted": count} if count else None
