"""The dashboard's reviews panel (core/registry.py): what is due for review (18.1), versions awaiting the
board (3.1), and how many staff have acknowledged the version in force (3.3)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone


def due(request: HttpRequest, now: datetime) -> dict[str, Any] | None:
    from watchkeeper.core.permissions import holds_any
    from watchkeeper.reviews import reminders
    from watchkeeper.reviews.services import CAMERA_REVIEW, trust_of

    user, today = request.user, timezone.localdate(now)
    context: dict[str, Any] = {"today": today}
    if holds_any(user, "reviews.policy_view") and (trust_id := trust_of(user)) is not None:
        context["policy"] = reminders.policy_review(trust_id, today)
    if holds_any(user, CAMERA_REVIEW):
        context["cameras"] = reminders.cameras_due(user, CAMERA_REVIEW, today)
        context["dpias"] = reminders.dpias_due(user, CAMERA_REVIEW, today)
    return context if len(context) > 1 else None
