"""Helpers for management commands, which read the clock at their entry point (design/architecture.md,
"Clock") and may be told another moment for testing."""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import CommandError
from django.utils import timezone


def now_option(given: str | None) -> datetime:
    """The moment of a `--now` option (an ISO date-time, local time if it names no zone), or the clock."""
    if not given:
        return timezone.now()
    try:
        moment = datetime.fromisoformat(given)
    except ValueError:
        raise CommandError(f"--now {given!r} is not an ISO date-time") from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
