"""Footage windows on pages as in printouts (core/dates.py): `{{ start|footage_time:end }}` and
`{{ end|footage_time:start }}` show seconds when the window needs them (shorter than a minute, or off the
minute), so a 30-second window does not read "09:05 until 09:05"."""

from __future__ import annotations

from datetime import datetime

from django import template

from watchkeeper.core.dates import needs_seconds, uk_datetime, uk_window

register = template.Library()


@register.filter
def footage_time(moment: datetime | None, other: datetime | None) -> str:
    """`moment` as dd/mm/YYYY HH:MM, or HH:MM:SS when the window from or to `other` needs seconds."""
    if moment is None:
        return ""
    return uk_datetime(moment, seconds=other is not None and needs_seconds(moment, other))


@register.filter
def footage_window(start: datetime | None, end: datetime | None) -> str:
    """`{{ start|footage_window:end }}`: the window as core.dates.uk_window writes it, "07/12/2026
    22:39:00–22:39:10", the date once when the window starts and ends on one day, so a page reads as its
    printout and a 10-second window does not read "22:39 – 22:39"."""
    if start is None or end is None:
        return ""
    return uk_window(start, end)
