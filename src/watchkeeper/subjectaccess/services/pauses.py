"""The clock's inputs (UK GDPR Art 12(3)): a pause while the requester clarifies, and an extension for a
complex request. The deadline itself is computed (subjectaccess/clock.py), never typed."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from watchkeeper.core.actors import Actor
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import refuse_if
from watchkeeper.subjectaccess import clock
from watchkeeper.subjectaccess.models import CaseStatus, Clarification, SubjectAccessRequest
from watchkeeper.subjectaccess.services.common import audit, handler, iso, lock_live
from watchkeeper.subjectaccess.services.intake import follow_deadline


@enforces("10.2", "R21")
def ask_clarification(
    actor: Actor, case: SubjectAccessRequest, *, question: str, today: date
) -> Clarification:
    person = handler(actor, case.school_id)
    with transaction.atomic():
        lock_live(case)
        problems = []
        if case.status == CaseStatus.AWAITING_CLARIFICATION:
            problems.append("10.2: this case is already waiting for clarification")
        if not question.strip():
            problems.append("10.2: record what the requester was asked to clarify")
        refuse_if(problems)
        pause = Clarification.objects.create(case=case, question=question.strip(), started_on=today)
        case.status = CaseStatus.AWAITING_CLARIFICATION
        case.save(update_fields=["status"])
        audit("clarification_asked", person, case, reason=pause.question, paused_on=today.isoformat())
    return pause


@enforces("10.2", "R21")
def clarification_received(
    actor: Actor, case: SubjectAccessRequest, *, answer: str, today: date
) -> Clarification:
    person = handler(actor, case.school_id)
    with transaction.atomic():
        lock_live(case)
        problems = []
        if case.status != CaseStatus.AWAITING_CLARIFICATION:
            problems.append("10.2: this case is not waiting for clarification")
        if not answer.strip():
            problems.append("10.2: record the requester's answer")
        refuse_if(problems)
        pause = case.clarifications.get(ended_on__isnull=True)
        pause.ended_on, pause.answer = today, answer.strip()
        pause.save(update_fields=["ended_on", "answer"])
        case.status = CaseStatus.EXTENDED if case.extension_months else CaseStatus.OPEN
        case.save(update_fields=["status"])
        audit(
            "clarification_received",
            person,
            case,
            resumed_on=today.isoformat(),
            paused_days=(today - pause.started_on).days,
            deadline=iso(case.deadline(today)),
        )
        follow_deadline(case, today)
    return pause


@enforces("10.2", "R21")
def extend(
    actor: Actor,
    case: SubjectAccessRequest,
    *,
    months: int,
    notified_on: date | None,
    reason: str,
    today: date,
) -> SubjectAccessRequest:
    """A complex request: up to two more months, only if the requester was told within the first month."""
    person = handler(actor, case.school_id)
    with transaction.atomic():
        lock_live(case)
        problems = clock.extension_problems(
            case.received_on,
            case.identity_confirmed_on,
            today,
            months=months,
            already=case.extension_months,
            notified_on=notified_on,
            pauses=case.pauses(),
        )
        if not reason.strip():
            problems.append("10.2 (UK GDPR Art 12(3)): say why the request is complex")
        refuse_if(problems)
        case.extension_months += months
        case.extension_notified_on = notified_on
        if case.status == CaseStatus.OPEN:
            case.status = CaseStatus.EXTENDED
        case.save(update_fields=["extension_months", "extension_notified_on", "status"])
        audit(
            "extended",
            person,
            case,
            reason=reason.strip(),
            months=case.extension_months,
            notified_on=iso(notified_on),
            deadline=iso(case.deadline(today)),
        )
        follow_deadline(case, today)
    return case
