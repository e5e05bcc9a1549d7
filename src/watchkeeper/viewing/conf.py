"""Viewing settings: read once from WATCHKEEPER_* variables in settings.py; the bounds are here."""

from __future__ import annotations

from django.conf import settings


def _setting_int(name: str) -> int:
    return int(getattr(settings, name))


def authorisation_days() -> int:
    """How long an approved viewing authorisation lasts (9.2): a week unless the trust says otherwise."""
    return max(1, _setting_int("WATCHKEEPER_VIEWING_AUTHORISATION_DAYS"))


def audit_repeat_seconds() -> int:
    """A player asks for the same segment several times (byte ranges, seeks): one `viewing.segment_served`
    event per person, segment and authorisation within this many seconds (design/viewing.md)."""
    return max(0, _setting_int("WATCHKEEPER_VIEWING_AUDIT_REPEAT_SECONDS"))
