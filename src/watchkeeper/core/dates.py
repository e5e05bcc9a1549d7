"""Dates and times as a person in the UK reads them, wherever Python writes them for people: PDFs, CSVs,
e-mails, messages (issue 15 §5). Templates use the `date:"d/m/Y H:i"` filter; this is its twin for text
built in code, so a printed register and its page say the same thing.

Always UK local time (Europe/London, GMT or BST as it was on that day), whatever zone the server or the
process runs in: a moment stored in UTC at 23:30 on 1 July happened on 2 July in school.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def uk_local(moment: datetime) -> datetime:
    """`moment` in UK local time; a naive value is taken as already local."""
    return moment if moment.tzinfo is None else moment.astimezone(LONDON)


def uk_date(value: date | datetime | None, missing: str = "") -> str:
    """dd/mm/YYYY; a date-time gives the UK day it fell on."""
    if value is None:
        return missing
    day = uk_local(value).date() if isinstance(value, datetime) else value
    return f"{day:%d/%m/%Y}"


def uk_datetime(moment: datetime | None, missing: str = "", *, seconds: bool = False) -> str:
    """dd/mm/YYYY HH:MM (HH:MM:SS with `seconds`, for footage times), in UK local time."""
    if moment is None:
        return missing
    return f"{uk_local(moment):%d/%m/%Y %H:%M:%S}" if seconds else f"{uk_local(moment):%d/%m/%Y %H:%M}"


def uk_time(moment: datetime, *, seconds: bool = False) -> str:
    """HH:MM (or HH:MM:SS) in UK local time, for the end of a window on the same day."""
    return f"{uk_local(moment):%H:%M:%S}" if seconds else f"{uk_local(moment):%H:%M}"


def needs_seconds(start: datetime, end: datetime) -> bool:
    """A window shorter than a minute, or not starting and ending on the minute, is shown to the second:
    else 09:05:10–09:05:40 would read "09:05–09:05"."""
    off_minute = any(m.second or m.microsecond for m in (start, end))
    return off_minute or abs((end - start).total_seconds()) < 60


def uk_window(start: datetime, end: datetime) -> str:
    """A window of footage: "01/07/2026 09:05–09:20", or with both dates when it crosses midnight; to the
    second when `needs_seconds`."""
    first, last = uk_local(start), uk_local(end)
    seconds = needs_seconds(first, last)
    if first.date() == last.date():
        return f"{uk_datetime(first, seconds=seconds)}–{uk_time(last, seconds=seconds)}"
    return f"{uk_datetime(first, seconds=seconds)}–{uk_datetime(last, seconds=seconds)}"
