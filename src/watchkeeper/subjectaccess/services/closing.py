"""The end of a case: the response stops the clock; a refusal (UK GDPR Art 12(5)) or the closure
releases the footage's hold, audited (10.2, 9.6)."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction

from watchkeeper.core.actors import SYSTEM, Actor
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import refuse_if
from watchkeeper.core.transitions import lock_in_state
from watchkeeper.recording import services as recording
from watchkeeper.redaction.models import Status as RedactionStatus
from watchkeeper.subjectaccess.models import (
    LIVE_STATUSES,
    CaseStatus,
    Clip,
    OtherPersonBasis,
    Provision,
    RequestKind,
    SubjectAccessRequest,
    UnredactedRelease,
)
from watchkeeper.subjectaccess.services.common import audit, handler, iso, lock_live
from watchkeeper.subjectaccess.services.public import safeguarding_problems
from watchkeeper.subjectaccess.services.review import review_approved

# A case answered but not yet closed can still be closed (and its package asked for).
CLOSABLE = (*LIVE_STATUSES, CaseStatus.RESPONDED)


@enforces("10.2", "10.4", "10.4.1")
def response_problems(case: SubjectAccessRequest) -> list[str]:
    """What still stands between the case and a response (empty: it may be answered)."""
    problems = safeguarding_problems(case)
    if not case.identity_basis:
        problems.append("10.2: confirm the requester's identity first")
    if case.kind != RequestKind.ACCESS:
        return problems  # erasure, restriction, objection: decided in the response's note, no footage given
    if not review_approved(case):
        problems.append("10.2: the footage has not been reviewed under an approved viewing authorisation")
    clips = list(case.clips.prefetch_related("others__redaction"))
    if not clips:
        problems.append(
            "10.2: record what the review found — at least one clip, or that the requester does not appear"
        )
    for clip in clips:
        problems += _clip_response_problems(clip)
    return problems


def _clip_response_problems(clip: Clip) -> list[str]:
    where = f"clip {clip.pk} ({clip.camera.name})"
    if clip.only_requester or clip.provision == Provision.NOT_FOUND:
        return []
    others = list(clip.others.all())
    if not others:
        return [f"10.4: {where} shows other people — record how each is dealt with"]
    problems = [
        f"10.4.1: {where}: redaction {o.redaction_id} is not approved yet"
        for o in others
        if o.basis == OtherPersonBasis.REDACTED
        and o.redaction
        and o.redaction.status != RedactionStatus.APPROVED
    ]
    redacted = any(o.basis == OtherPersonBasis.REDACTED for o in others)
    if clip.provision == Provision.COPY and not redacted and not _released(clip):
        # Nobody is obscured, so the copy can leave only unredacted: the Headteacher's decision (10.4.3).
        problems.append(
            f"10.4: {where}: nobody in it is obscured — the Headteacher decides whether it leaves unredacted "
            "(and the DPO signs off where a child appears), or obscure the others by redaction"
        )
    return problems


def _released(clip: Clip) -> bool:
    release = UnredactedRelease.objects.filter(clip=clip).first()
    return release is not None and release.complete


def respond(actor: Actor, case: SubjectAccessRequest, *, note: str = "", today: date) -> SubjectAccessRequest:
    """The response is sent (the letter, and any package or appointment): the clock stops."""
    person = handler(actor, case.school_id)
    with transaction.atomic():
        lock_live(case)
        refuse_if(response_problems(case))
        due = case.deadline(today)
        case.status, case.responded_on, case.outcome_note = CaseStatus.RESPONDED, today, note.strip()
        case.save(update_fields=["status", "responded_on", "outcome_note"])
        audit(
            "responded",
            person,
            case,
            reason=case.outcome_note,
            responded_on=today.isoformat(),
            deadline=iso(due),
            on_time=due is not None and today <= due,
        )
    return case


@enforces("10.2", "R21")
def refuse(actor: Actor, case: SubjectAccessRequest, *, reason: str, now: datetime) -> SubjectAccessRequest:
    """Refused as manifestly unfounded or excessive (UK GDPR Art 12(5)): the reason is recorded and the
    footage is no longer held for it."""
    person = handler(actor, case.school_id)
    with transaction.atomic():
        lock_live(case)
        if not reason.strip():
            refuse_if(
                ["10.2 (UK GDPR Art 12(5)): record why the request is manifestly unfounded or excessive"]
            )
        case.status, case.outcome_note, case.closed_at = CaseStatus.REFUSED, reason.strip(), now
        case.save(update_fields=["status", "outcome_note", "closed_at"])
        audit("refused", person, case, reason=case.outcome_note)
        _release(case, "refused as manifestly unfounded or excessive", now)
    return case


@enforces("10.2")
def close(actor: Actor, case: SubjectAccessRequest, *, note: str, now: datetime) -> SubjectAccessRequest:
    """The case is finished (answered, or withdrawn by the requester): the hold is released, audited."""
    person = handler(actor, case.school_id)
    if not note.strip():
        refuse_if(["10.2: say why the case is closed (answered, withdrawn…)"])
    with transaction.atomic():
        # Checked on the locked row: two people closing at once must not both succeed.
        lock_in_state(case, CLOSABLE, f"10.2: {case.reference} is closed already")
        case.status, case.closed_at = CaseStatus.CLOSED, now
        case.outcome_note = case.outcome_note or note.strip()
        case.save(update_fields=["status", "closed_at", "outcome_note"])
        audit("closed", person, case, reason=note.strip())
        _release(case, "closed", now)
    return case


def _release(case: SubjectAccessRequest, why: str, now: datetime) -> None:
    """Every window's hold, released once."""
    for window in case.windows():
        hold = window.hold
        if hold is not None and hold.released_at is None:
            recording.release_hold(
                SYSTEM, hold, f"{case.reference}: the subject access request was {why}", now=now
            )
