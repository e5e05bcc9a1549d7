"""Retention (13.1): erase every segment older than its camera's retention unless a hold covers it (9.6).

`segments_to_erase` is the whole decision, a pure function with the clock passed in. `sweep` loads the
data, erases crash-safely through storage.erase_segments, and writes one audit event per sweep.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from django.db import connection

from watchkeeper.audit.services import record
from watchkeeper.core.actors import SYSTEM
from watchkeeper.core.clauses import enforces
from watchkeeper.estate.models import MAX_RETENTION_DAYS, Camera
from watchkeeper.recording.models import Hold, Segment
from watchkeeper.recording.storage import collect_garbage, erase_segments

BATCH = 200


class Span(Protocol):
    camera_id: int
    start: datetime
    end: datetime


S = TypeVar("S", bound=Span)


@dataclass(frozen=True)
class HoldSpan:
    camera_ids: frozenset[int]
    start: datetime
    end: datetime
    released_at: datetime | None = None

    def protects(self, segment: Span, now: datetime) -> bool:
        """A hold protects footage of its cameras that overlaps its range, until it is released."""
        in_force = self.released_at is None or self.released_at > now
        return (
            in_force
            and segment.camera_id in self.camera_ids
            and segment.start < self.end
            and segment.end > self.start
        )


@enforces("13.1", "R11")
def cutoff(retention_days: int, now: datetime) -> datetime:
    """Footage that started before this is past retention. Never more than 30 days (13.1), whatever a
    camera row says."""
    return now - timedelta(days=min(retention_days, MAX_RETENTION_DAYS))


def is_expired(segment: Span, retention_days: int | None, now: datetime) -> bool:
    # A segment goes as soon as its first frame is past retention: the rest of it (one segment length at
    # most) goes a few seconds early rather than any of it staying too long.
    return segment.start < cutoff(MAX_RETENTION_DAYS if retention_days is None else retention_days, now)


def is_held(segment: Span, holds: Iterable[HoldSpan], now: datetime) -> bool:
    return any(hold.protects(segment, now) for hold in holds)


@enforces("9.6", "13.1", "R11", "R12")
def segments_to_erase(
    segments: Iterable[S], holds: Sequence[HoldSpan], cameras: Mapping[int, int], now: datetime
) -> list[S]:
    """The segments to erase now. `cameras` maps camera id → retention days; an unknown camera gets the
    policy maximum (30 days)."""
    return [
        s for s in segments if is_expired(s, cameras.get(s.camera_id), now) and not is_held(s, holds, now)
    ]


def held_past_retention(
    segments: Iterable[S], holds: Sequence[HoldSpan], cameras: Mapping[int, int], now: datetime
) -> list[S]:
    """Segments kept beyond retention because a hold covers them (reported, never erased)."""
    return [s for s in segments if is_expired(s, cameras.get(s.camera_id), now) and is_held(s, holds, now)]


@dataclass
class SweepResult:
    erased: int = 0
    bytes: int = 0
    held: int = 0
    ranges: dict[int, dict[str, Any]] = field(default_factory=dict)  # camera id → count, from, to

    def details(self, dry_run: bool) -> dict[str, Any]:
        return {
            "dry_run": dry_run,
            "erased": self.erased,
            "bytes": self.bytes,
            "kept_by_holds": self.held,
            "cameras": {str(k): v for k, v in sorted(self.ranges.items())},
        }


def load_holds() -> list[HoldSpan]:
    return [
        HoldSpan(frozenset(c.pk for c in h.cameras.all()), h.start, h.end, h.released_at)
        for h in Hold.objects.prefetch_related("cameras")
    ]


@enforces("13.1", "R11")
def sweep(now: datetime, *, dry_run: bool = False) -> SweepResult:
    if not dry_run:
        collect_garbage(include_writing=False)  # finish erasures a crash interrupted
    cameras = dict(Camera.objects.values_list("pk", "retention_days"))
    shortest = min([*cameras.values(), MAX_RETENTION_DAYS])
    candidates = list(Segment.objects.filter(start__lt=cutoff(shortest, now)).order_by("camera_id", "start"))
    holds = load_holds()
    doomed = segments_to_erase(candidates, holds, cameras, now)
    result = SweepResult(held=len(held_past_retention(candidates, holds, cameras, now)))
    for segment in doomed:
        _count(result, segment)
    if not dry_run:
        with secure_delete():
            for first in range(0, len(doomed), BATCH):
                erase_segments(doomed[first : first + BATCH])
        record("recording.retention_sweep", actor=SYSTEM, details=result.details(dry_run))
    return result


def _count(result: SweepResult, segment: Segment) -> None:
    result.erased += 1
    result.bytes += segment.bytes
    entry = result.ranges.setdefault(
        segment.camera_id, {"erased": 0, "from": segment.start.isoformat(), "to": segment.end.isoformat()}
    )
    entry["erased"] += 1
    entry["from"] = min(entry["from"], segment.start.isoformat())
    entry["to"] = max(entry["to"], segment.end.isoformat())


class secure_delete:
    """On SQLite, overwrite deleted rows (secure_delete) and checkpoint the WAL afterwards, so destroyed
    wrapped keys do not linger in free pages or old WAL frames. PostgreSQL: see design/recording.md."""

    def __enter__(self) -> None:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA secure_delete = ON")

    def __exit__(self, *exc: object) -> None:
        # A checkpoint cannot run inside a transaction (a caller's atomic block, a test): skip it there.
        if connection.vendor == "sqlite" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
