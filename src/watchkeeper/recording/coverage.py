"""Which recorded footage a request's cameras and window cover: the one place that says so (issue 15 §2).

Every request for recorded footage is checked here at the moment it is made — a viewing request (9.2), a
download request (9.5), a redaction (10.4.1), a subject access clip (10.2) and a police or outside body's
decision (11.3, 11.5) — so that nothing is accepted that cannot succeed: a request over a window with no
recording (or only footage the requester may not see) is refused then, with the reason, instead of after
a Headteacher has authorised it and been shown a package password.

"Covered" means what the consumers use: whole segments of the cameras inside [start, end]. That is what a
viewing authorisation serves, a package seals and a redaction takes as its master.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from watchkeeper.core.actors import Actor
from watchkeeper.core.clauses import enforces
from watchkeeper.core.dates import needs_seconds, uk_date, uk_datetime, uk_local, uk_time
from watchkeeper.core.errors import Refusal
from watchkeeper.estate.models import Camera, CameraStatus
from watchkeeper.recording.models import Hold, HoldPurpose, Segment
from watchkeeper.recording.retention import HoldSpan
from watchkeeper.recording.services import may_hold


def segments_within(cameras: Iterable[Camera | int], start: datetime, end: datetime) -> QuerySet[Segment]:
    """The whole recorded segments of `cameras` inside [start, end], camera by camera in time order."""
    ids = [c if isinstance(c, int) else c.pk for c in cameras]
    return Segment.objects.filter(camera_id__in=ids, start__gte=start, end__lte=end).order_by(
        "camera_id", "start"
    )


def evidential_spans(school_id: int) -> list[HoldSpan]:
    """The school's current evidential holds (9.6): footage under them is the CCTV administrator's alone to
    see. A hold for an open request only stops erasure and hides nothing (10.2)."""
    holds = (
        Hold.objects.current()
        .filter(school_id=school_id, purpose=HoldPurpose.EVIDENTIAL)
        .prefetch_related("cameras")
    )
    return [HoldSpan(frozenset(c.pk for c in h.cameras.all()), h.start, h.end) for h in holds]


def any_visible(actor: Actor, school_id: int, segments: QuerySet[Segment], now: datetime) -> bool:
    """Whether `actor` may see any of `segments`: the school's CCTV administrator sees them all; anyone else
    those under no current evidential hold (9.6). Stops at the first one (a window may hold thousands)."""
    if may_hold(actor, school_id):
        return segments.exists()
    spans = evidential_spans(school_id)
    rows = segments.only("id", "camera_id", "start", "end").iterator(chunk_size=500)
    return any(not any(h.protects(s, now) for h in spans) for s in rows)


@enforces("9.2", "9.5", "9.6", "10.2", "11.3", "11.5")
def footage_problems(
    clause: str,
    cameras: Sequence[Camera],
    start: datetime,
    end: datetime,
    *,
    seen_by: Actor | None = None,
    now: datetime | None = None,
) -> list[str]:
    """Why a request for the footage of `cameras` in [start, end] cannot succeed: none of them recorded a
    whole segment in that window, or (with `seen_by`, who must be able to watch it) all that was recorded
    is held as evidence that only the CCTV administrator may see (9.6). Empty when it can; also empty for
    no cameras or a backwards window, which the request's own checks refuse in their words."""
    if not cameras or end <= start:
        return []
    found = segments_within(cameras, start, end)
    if not found.exists():
        return [
            _refusal(
                clause,
                f"nothing was recorded by {_names(cameras)} {say_window(start, end)}, so there is no "
                "footage to see or hand over",
                "choose a window when the camera was recording (its page shows what is stored)",
            )
        ]
    if seen_by is not None and not any_visible(seen_by, cameras[0].school_id, found, now or end):
        return [
            _refusal(
                "9.6",
                f"all the footage of {_names(cameras)} {say_window(start, end)} is held as evidence, which "
                "only the school's CCTV system administrator may see",
                "ask the CCTV administrator, or choose another window",
            )
        ]
    return []


def may_have_footage(cameras: QuerySet[Camera]) -> QuerySet[Camera]:
    """The cameras among `cameras` that can have recorded footage: those in service or suspended, and any
    other (a decommissioned one) while footage of it is still stored. A proposed camera has never
    recorded (7.1: none records before its DPIA is approved and it is made active)."""
    stored = Exists(Segment.objects.filter(camera_id=OuterRef("pk")))
    return cameras.filter(Q(status__in=[CameraStatus.ACTIVE, CameraStatus.SUSPENDED]) | Q(stored))


@enforces("7.1", "13.1")
def camera_problems(clause: str, cameras: Sequence[Camera]) -> list[str]:
    """A refusal naming each of `cameras` that cannot have footage (`may_have_footage`): asking for its
    footage, or holding it, could only ever find nothing."""
    possible = may_have_footage(Camera.objects.filter(pk__in=[c.pk for c in cameras]))
    ids = set(possible.values_list("pk", flat=True))
    without = [c for c in cameras if c.pk not in ids]
    if not without:
        return []
    return [
        _refusal(
            clause,
            f"{_names(without, 'and')} cannot have any recorded footage ("
            + ", ".join(f"{c.name}: {c.get_status_display().lower()}" for c in without)
            + ")",
            "leave it out: only cameras that have recorded can be asked for",
        )
    ]


def _refusal(clause: str, reason: str, next_step: str) -> str:
    """In the services' "CLAUSE: reason — next step" notation, so it joins their lists of problems."""
    return str(Refusal(clause, reason, next_step))


def say_window(start: datetime, end: datetime) -> str:
    """A window in UK words, UK time: "between 14:00 and 15:00 on 06/12/2026"."""
    seconds = needs_seconds(start, end)
    first, last = uk_local(start), uk_local(end)
    if first.date() == last.date():
        times = f"{uk_time(first, seconds=seconds)} and {uk_time(last, seconds=seconds)}"
        return f"between {times} on {uk_date(first)}"
    return f"between {uk_datetime(first, seconds=seconds)} and {uk_datetime(last, seconds=seconds)}"


def _names(cameras: Sequence[Camera], joiner: str = "or") -> str:
    names = [c.name for c in sorted(cameras, key=lambda c: c.pk)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" {joiner} " + names[-1]
