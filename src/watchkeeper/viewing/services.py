"""Viewing authorisations and the footage served under them (9.2, 9.4, 9.6, 16; design/viewing.md).

A footage reviewer asks (cameras of one school, a window, a reason); the school's Headteacher or a designated
person decides with a fresh authenticator code, never on their own request; an approval expires. Footage is
served only to the requester, under an approved, unexpired authorisation covering that camera and time,
and held footage (9.6) only to the school's CCTV system administrator. Every step is an audit event.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from watchkeeper.audit.services import record
from watchkeeper.core.actors import Actor, Person, is_person, require_person
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal, refuse_if
from watchkeeper.core.permissions import can, require
from watchkeeper.core.second_factor import require_fresh_code
from watchkeeper.estate.footage import window_terms
from watchkeeper.estate.models import Camera
from watchkeeper.notices import kinds
from watchkeeper.notices import services as notices
from watchkeeper.people import deciders
from watchkeeper.people.deciders import VIEWING, decider_problems
from watchkeeper.people.involvement import involvement_problems, usernames
from watchkeeper.recording import coverage
from watchkeeper.recording.models import Segment
from watchkeeper.recording.retention import HoldSpan
from watchkeeper.viewing import conf
from watchkeeper.viewing.footage import decrypted
from watchkeeper.viewing.models import ReasonCategory, Status, ViewingAuthorisation
from watchkeeper.viewing.repeats import served_lately
from watchkeeper.viewing.rules import (
    AuthorisationTerms,
    cameras_outside_purposes,
    why_not_covered,
    why_not_current,
)

REQUEST, DECIDE, HOLD = "viewing.request", "viewing.decide", "recording.hold"
SERVED = "viewing.segment_served"


STAFF_ONLY = "9.2: only a signed-in member of staff may ask for or decide on footage"


def _terms(auth: ViewingAuthorisation, cameras: Iterable[Camera]) -> dict[str, Any]:
    return {
        "authorisation": auth.pk,
        **window_terms(cameras, auth.start, auth.end),
        "reason_category": auth.reason_category,
    }


# --- Asking and deciding (9.2, 9.4) ------------------------------------------------------------------------


@enforces("9.2", "9.4", "R9")
def request_authorisation(
    actor: Actor,
    cameras: Iterable[Camera],
    start: datetime,
    end: datetime,
    reason_category: str,
    reason: str,
    *,
    now: datetime,
    purpose_reason: str = "",
    staff_involved: Iterable[Person] = (),
) -> ViewingAuthorisation:
    """Ask to view footage. A kind of reason outside a camera's purposes (4.1) needs `purpose_reason`.
    `staff_involved` (optional): the school's staff involved in the incident or shown in the footage,
    who then never decide it (people/involvement.py, people/deciders.py)."""
    person = require_person(actor, STAFF_ONLY)
    cameras, staff_involved = list(cameras), list(staff_involved)
    for school_id in {c.school_id for c in cameras}:
        require(actor, REQUEST, school_id)
    problems = request_problems(cameras, start, end, reason_category, reason, now)
    problems += purpose_problems(cameras, reason_category, purpose_reason)
    if cameras and staff_involved:
        problems += involvement_problems("9.2", cameras[0].school_id, staff_involved)
    if not problems:  # issue 15 §2: refused now, not after the Headteacher has approved it
        problems += coverage.footage_problems("9.2", cameras, start, end, seen_by=person, now=now)
    refuse_if(problems)
    with transaction.atomic():
        auth = ViewingAuthorisation.objects.create(
            school_id=cameras[0].school_id,
            start=start,
            end=end,
            reason_category=reason_category,
            reason=reason.strip(),
            purpose_reason=purpose_reason.strip(),
            requested_by=person,
            requested_at=now,
        )
        auth.cameras.set(cameras)
        auth.staff_involved.set(staff_involved)
        details = {**_terms(auth, cameras), **_purpose_terms(auth, cameras)}
        if staff_involved:
            details["staff_involved"] = usernames(staff_involved)
        record(
            "viewing.requested",
            actor=actor,
            school=auth.school,
            obj=auth,
            reason=auth.reason,
            details=details,
        )
        # Issue 15 §3: the Headteacher (or nominated alternate) hears of it once it is saved.
        notices.decision_waiting(
            deciders.VIEWING,
            auth,
            notice=kinds.VIEWING,
            reference=f"Footage request {auth.pk}",
            url=reverse("viewing:authorisation_detail", args=[auth.pk]),
            now=now,
        )
    return auth


@enforces("4.1", "9.4", "R1")
def purpose_problems(cameras: list[Camera], category: str, purpose_reason: str) -> list[str]:
    """4.1, 9.4: footage is seen for a reason within the camera's purposes, or with a recorded reason why
    viewing it is still in line with them. Pure."""
    outside = cameras_outside_purposes(cameras, category)
    if not outside or purpose_reason.strip():
        return []
    names = ", ".join(f"{c.name} ({', '.join(c.purposes)})" for c in outside)
    return [
        f"4.1: this kind of reason is not among the purposes of {names} — say why viewing it is still in "
        "line with the camera's purposes, or leave the camera out"
    ]


def _purpose_terms(auth: ViewingAuthorisation, cameras: list[Camera]) -> dict[str, Any]:
    outside = cameras_outside_purposes(cameras, auth.reason_category)
    if not outside:
        return {}
    return {"outside_purposes": [c.pk for c in outside], "purpose_reason": auth.purpose_reason}


@enforces("9.2", "9.4", "R9")
def request_problems(
    cameras: list[Camera], start: datetime, end: datetime, category: str, reason: str, now: datetime
) -> list[str]:
    problems = []
    if not cameras:
        problems.append("9.2: name at least one camera")
    if len({c.school_id for c in cameras}) > 1:
        problems.append("9.2: one request covers the cameras of one school — ask each school separately")
    if end <= start:
        problems.append("9.2: the window's end must be after its start")
    if end > now:
        problems.append("9.2: the window must have ended already — an authorisation covers recorded footage")
    if category not in ReasonCategory.values:
        problems.append("9.4: choose the kind of reason")
    if not reason.strip():
        problems.append("9.2: say in words why the footage must be seen (a clear reason)")
    return problems


@enforces("9.2", "R9")
def decide(
    actor: Actor,
    auth: ViewingAuthorisation,
    *,
    approve: bool,
    code: str,
    note: str = "",
    now: datetime,
) -> ViewingAuthorisation:
    """Approve or decline. The caller reports a SecondFactorRefused to django-axes as a failed log-in."""
    person = require_person(actor, STAFF_ONLY)
    # The Headteacher, or an alternate under a nomination, or the DPO on a re-routed or escalated request;
    # not recused; and the two-person rule across accounts (9.2): people/deciders.py.
    problems, standing = decider_problems(actor, VIEWING, auth, now=now)
    problems += decision_problems(actor, auth, approve, note)
    refuse_if(problems)
    require_fresh_code(
        actor,
        code,
        clause="9.2",
        audit_action="viewing.second_factor_refused",
        school=auth.school,
        obj=auth,
        details={"authorisation": auth.pk, "decision": "approve" if approve else "decline"},
        now=now,
    )
    with transaction.atomic():
        locked = ViewingAuthorisation.objects.select_for_update().get(pk=auth.pk)
        if locked.status != Status.PENDING:
            raise PolicyRefusal("9.2: this request has been decided already")
        auth.status = Status.APPROVED if approve else Status.DECLINED
        auth.decided_by, auth.decided_at, auth.decision_note = person, now, note.strip()
        auth.nomination = standing.nomination
        auth.expires_at = now + timedelta(days=conf.authorisation_days()) if approve else None
        fields = ["status", "decided_by", "decided_at", "decision_note", "nomination", "expires_at"]
        auth.save(update_fields=fields)
        details = _terms(auth, auth.cameras.all())
        details["requested_by"] = auth.requested_by.get_username()
        details["authority"] = standing.basis
        details["nomination"] = standing.nomination.pk if standing.nomination else None
        if auth.expires_at is not None:
            details["expires_at"] = auth.expires_at.isoformat()
        record(
            "viewing.approved" if approve else "viewing.declined",
            actor=actor,
            school=auth.school,
            obj=auth,
            reason=auth.decision_note or auth.reason,
            details=details,
        )
    return auth


@enforces("9.2", "R9")
def decision_problems(actor: Actor, auth: ViewingAuthorisation, approve: bool, note: str) -> list[str]:
    problems = []
    if auth.status != Status.PENDING:
        problems.append("9.2: this request has been decided already")
    if auth.requested_by_id == actor.pk:
        problems.append(
            "9.2: nobody may authorise their own request to view footage — another Headteacher or "
            "designated person must decide it"
        )
    if not approve and not note.strip():
        problems.append("9.2: say why the request is declined")
    return problems


# --- Serving footage (9.2, 9.6, 16) -------------------------------------------------------------------------


@enforces("9.2", "14.1", "R9")
def may_view(
    actor: Actor, auth: ViewingAuthorisation, terms: AuthorisationTerms, now: datetime
) -> str | None:
    """None when `actor` may view footage under `auth` at all right now; otherwise why not."""
    if not is_person(actor) or auth.requested_by_id != actor.pk:
        return "9.2: only the person who asked may view footage under an authorisation"
    if not can(actor, REQUEST, auth.school_id):
        return "9.2, 14.1: you no longer hold a current footage reviewer role (or training) at this school"
    return why_not_current(terms, now)


def hold_spans(school_id: int) -> list[HoldSpan]:
    """Evidential holds only (9.6): a hold for an open request keeps footage from erasure but leaves it
    reviewable under an authorisation (10.2)."""
    return coverage.evidential_spans(school_id)


@enforces("9.2", "9.6", "R9", "R12")
def why_refused(
    actor: Actor,
    auth: ViewingAuthorisation,
    terms: AuthorisationTerms,
    segment: Segment,
    holds: list[HoldSpan],
    now: datetime,
) -> str | None:
    """None when this segment may be served to `actor` under `auth` now; otherwise the clause why not."""
    problem = may_view(actor, auth, terms, now) or why_not_covered(
        terms, segment.camera_id, segment.start, segment.end, now
    )
    if problem is not None:
        return problem
    if any(h.protects(segment, now) for h in holds) and not can(actor, HOLD, auth.school_id):
        return (
            "9.6: this footage is held as evidence — only the school's CCTV system administrator may view it"
        )
    return None


def viewable_segments(
    actor: Actor, auth: ViewingAuthorisation, camera: Camera, now: datetime
) -> list[Segment]:
    """The segments of `camera` that `actor` may play under `auth` now, in time order."""
    terms, holds = auth.terms(), hold_spans(auth.school_id)
    if may_view(actor, auth, terms, now) is not None:
        return []
    candidates = coverage.segments_within([camera], auth.start, auth.end)
    return [s for s in candidates if why_refused(actor, auth, terms, s, holds, now) is None]


@enforces("9.2", "R10")
def open_segment(actor: Actor, auth: ViewingAuthorisation, segment: Segment, now: datetime) -> bytes:
    """The segment's plaintext for `actor`, checked and audited; PermissionDenied (audited) otherwise."""
    problem = why_refused(actor, auth, auth.terms(), segment, hold_spans(auth.school_id), now)
    if problem is not None:
        record(
            "viewing.segment_refused",
            actor=actor,
            school=auth.school,
            obj=segment,
            reason=problem,
            details=_segment_details(auth, segment),
        )
        raise PermissionDenied(problem)
    plaintext = decrypted(segment)
    if not _served_recently(require_person(actor, STAFF_ONLY), auth, segment, now):
        record(
            SERVED,
            actor=actor,
            school=auth.school,
            obj=segment,
            reason=auth.get_reason_category_display(),
            details=_segment_details(auth, segment),
        )
    return plaintext


def _segment_details(auth: ViewingAuthorisation, segment: Segment) -> dict[str, Any]:
    return {
        "authorisation": auth.pk,
        "camera": segment.camera_id,
        "camera_name": segment.camera.name,
        "start": segment.start.isoformat(),
        "end": segment.end.isoformat(),
    }


def _served_recently(actor: Person, auth: ViewingAuthorisation, segment: Segment, now: datetime) -> bool:
    """A player fetches one segment in several byte ranges: one event per person, segment and
    authorisation within conf.audit_repeat_seconds() (design/viewing.md)."""
    return served_lately(SERVED, actor, segment, now, authorisation=auth.pk)
