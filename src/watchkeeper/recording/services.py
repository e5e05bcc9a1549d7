"""Holds (9.6): keep footage past retention for evidence. Placed and released by a CCTV administrator of
the school (or by the system for later features such as subject access requests); every change audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from watchkeeper.audit.services import record
from watchkeeper.core import together
from watchkeeper.core.actors import Actor, is_system, person_or_none
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal, refuse_if
from watchkeeper.core.permissions import can
from watchkeeper.estate.footage import WindowWords, window_problems
from watchkeeper.estate.models import Camera, School
from watchkeeper.recording.models import Hold, HoldPurpose


def may_hold(actor: Actor, school_id: int) -> bool:
    return is_system(actor) or can(actor, "recording.hold", school_id)


@enforces("9.6", "R12")
def require_hold_authority(actor: Actor, school_id: int) -> None:
    if not may_hold(actor, school_id):
        raise PermissionDenied("9.6: only the school's CCTV system administrator may place or release holds")


def place_hold(
    actor: Actor,
    school: School,
    cameras: Iterable[Camera],
    start: datetime,
    end: datetime,
    reason: str,
    review_on: date,
    *,
    today: date,
    purpose: str = HoldPurpose.EVIDENTIAL,
) -> Hold:
    """`purpose` other than evidential is for holds the system places while a request is open (10, 11)."""
    require_hold_authority(actor, school.pk)
    cameras = list(cameras)
    refuse_if(hold_problems(school, cameras, start, end, reason, review_on, today))
    with transaction.atomic():
        hold = Hold.objects.create(
            school=school,
            start=start,
            end=end,
            reason=reason.strip(),
            review_on=review_on,
            purpose=purpose,
            owner=person_or_none(actor),
        )
        hold.cameras.set(cameras)
        record(
            "recording.hold_placed",
            actor=actor,
            school=school,
            obj=hold,
            reason=hold.reason,
            details={
                "cameras": sorted(c.pk for c in cameras),
                "start": start.isoformat(),
                "end": end.isoformat(),
                "review_on": review_on.isoformat(),
                "purpose": purpose,
            },
        )
    return hold


@enforces("9.6", "10", "11", "13.1", "R12")
def release_hold(actor: Actor, hold: Hold, reason: str, *, now: datetime) -> Hold:
    """After release, retention erases the footage at its next sweep if it is past retention (13.1)."""
    require_hold_authority(actor, hold.school_id)
    if hold.released_at is not None:
        raise PolicyRefusal("9.6: this hold has already been released")
    if hold.purpose != HoldPurpose.EVIDENTIAL and not is_system(actor):
        raise PolicyRefusal(
            f"10, 11: this hold keeps footage for an open request ({hold.get_purpose_display()}); "
            "it is released when the request is closed or refused"
        )
    if not reason.strip():
        raise PolicyRefusal("9.6: give the reason the footage is no longer needed")
    with transaction.atomic():
        hold.released_at = now
        hold.released_by = person_or_none(actor)
        hold.save(update_fields=["released_at", "released_by"])
        record("recording.hold_released", actor=actor, school=hold.school, obj=hold, reason=reason.strip())
    return hold


@enforces("9.6", "13.1")
def review_problems(hold: Hold, note: str, next_review_on: date, today: date) -> list[str]:
    """Pure: what stops this review of a hold."""
    problems = []
    if hold.released_at is not None:
        problems.append("9.6: this hold has been released — there is nothing to review")
    if not note.strip():
        problems.append("9.6: say why the footage is still needed")
    if next_review_on <= today:
        problems.append("13.1: the next review must be in the future — footage is kept no longer than needed")
    return problems


@enforces("9.6", "13.1")
def review_holds_together(
    actor: Actor, holds: list[Hold], note: str, next_review_on: date, *, code: str, now: datetime
) -> list[Hold]:
    """Issue 15 §4: the CCTV administrator reviews several holds at once — the same note and next review
    date, one fresh code (core/together.py); each hold reviewed and audited (`recording.hold_reviewed`)
    as alone."""
    today = timezone.localdate(now)

    def problems(hold: Hold) -> list[str]:
        require_hold_authority(actor, hold.school_id)
        return review_problems(hold, note, next_review_on, today)

    return together.decide_together(
        actor,
        together.HOLD_REVIEW,
        holds,
        code=code,
        now=now,
        problems=problems,
        step=lambda hold, _fresh: review_hold(actor, hold, note, next_review_on, today=today),
    )


@enforces("9.6", "13.1", "R12")
def review_hold(actor: Actor, hold: Hold, note: str, next_review_on: date, *, today: date) -> Hold:
    """A review of a current hold: why the footage is still needed, and the next review date (9.6, 13.1).
    The note is kept in the audit event (`recording.hold_reviewed`), the hold's history."""
    require_hold_authority(actor, hold.school_id)
    refuse_if(review_problems(hold, note, next_review_on, today))
    previous = hold.review_on
    with transaction.atomic():
        hold.review_on = next_review_on
        hold.save(update_fields=["review_on"])
        record(
            "recording.hold_reviewed",
            actor=actor,
            school=hold.school,
            obj=hold,
            reason=note.strip(),
            details={"review_on": next_review_on.isoformat(), "previous_review_on": previous.isoformat()},
        )
    return hold


HOLD_WINDOW = WindowWords(
    no_camera="9.6: a hold names at least one camera",
    other_school="9.6: a hold covers cameras of its own school only",
    backwards="9.6: the hold's end must be after its start",
)


@enforces("9.6", "13.1", "R12")
def hold_problems(
    school: School,
    cameras: list[Camera],
    start: datetime,
    end: datetime,
    reason: str,
    review_on: date,
    today: date,
) -> list[str]:
    problems = window_problems(HOLD_WINDOW, school, cameras, start, end)
    if not reason.strip():
        problems.append("9.6: give the reason the footage must be kept")
    if review_on <= today:
        problems.append(
            "13.1: a hold needs a review date in the future — footage is kept no longer than needed"
        )
    return problems
