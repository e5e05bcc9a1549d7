"""Footage windows on pages as in printouts (core/dates.py): `{{ start|footage_time:end }}` and
`{{ end|footage_time:start }}` show seconds when the window needs them (shorter than a minute, or off the
minute), so a 30-second window does not read "09:05 until 09:05"."""

from __future__ import annotations

from datetime import datetime

from django import template

from watchkeeper.core.dates import needs_seconds, uk_datetime

register = template.Library()


@register.filter
def footage_time(moment: datetime | None, other: datetime | None) -> str:
    """`moment` as dd/mm/YYYY HH:MM, or HH:MM:SS when the window from or to `other` needs seconds."""
    if moment is None:
        return ""
    return uk_datetime(moment, seconds=other is not None and needs_seconds(moment, other))
