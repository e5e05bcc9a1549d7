"""The audit log's CSV export (16). An export is itself audited — who, with which filter, how many rows —
here rather than in the page, so that the web and the command line record it alike."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from watchkeeper.audit.models import AuditEvent
from watchkeeper.audit.services import record
from watchkeeper.core.actors import Actor
from watchkeeper.core.csvfiles import csv_lines
from watchkeeper.core.dates import uk_datetime
from watchkeeper.estate.models import School

# "time" is ISO 8601 with its UTC offset, for the programs that sort and match events (unambiguous across the
# hour that repeats when the clocks go back); people read the last column, "UK time" (dd/mm/YYYY HH:MM:SS).
CSV_HEADER = ["seq", "time", "actor", "school", "action", "object", "reason", "details", "UK time"]


def export_csv(
    actor: Actor, events: QuerySet[AuditEvent], *, school: School | None, described: dict[str, Any]
) -> Iterator[str]:
    """Record the export at once (about `school`, so its Headteacher sees it in their own log), then give
    the CSV lines of `events` as they were when it was asked for — without the export's own event."""
    exported = record(
        "audit.exported", actor=actor, school=school, details={"filter": described, "rows": events.count()}
    )
    return _csv_lines(events.filter(seq__lt=exported.seq).order_by("seq"))


def _csv_lines(events: QuerySet[AuditEvent]) -> Iterator[str]:
    return csv_lines(CSV_HEADER, (_csv_row(event) for event in events.iterator(chunk_size=2000)))


def _csv_row(event: AuditEvent) -> list[Any]:
    return [
        event.seq,
        timezone.localtime(event.at).isoformat(timespec="seconds"),
        event.actor_name,
        event.school.name if event.school is not None else "",
        event.action,
        f"{event.object_type} {event.object_id}".strip(),
        event.reason,
        json.dumps(event.details, sort_keys=True, ensure_ascii=False),
        uk_datetime(event.at, seconds=True),
    ]
