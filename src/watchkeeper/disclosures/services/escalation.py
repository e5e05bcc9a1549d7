"""Referring a request to the Trust's DPO, and the DPO's advice (3.5, 11.5): the Headteacher still
decides."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from watchkeeper.core.actors import Actor
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.permissions import require
from watchkeeper.core.transitions import lock_in_state
from watchkeeper.disclosures.models import DisclosureRequest, RequestStatus
from watchkeeper.disclosures.services.common import ADVISE, MANAGE, audit, staff, terms

DECIDED = "11.5: this request has been decided already"


@enforces("11.5")
def escalate(actor: Actor, req: DisclosureRequest, note: str = "", *, now: datetime) -> DisclosureRequest:
    """One click: the case goes to the Trust's DPO (11.5 "any concerns as to disclosure"), who sees it in
    their list with everything attached."""
    person = staff(actor)
    require(person, MANAGE, req.school_id)
    _check_escalation(req)
    with transaction.atomic():
        # Two referrals at once: the second sees the first on the locked row and is refused.
        lock_in_state(req, [RequestStatus.PENDING], DECIDED)
        _check_escalation(req)
        req.escalated_by, req.escalated_at, req.escalation_note = person, now, note.strip()
        req.save(update_fields=["escalated_by", "escalated_at", "escalation_note"])
        details = terms(req, req.cameras.all())
        audit(
            "escalated_to_dpo", person, req, req.escalation_note, **details, documents=req.documents.count()
        )
    return req


def _check_escalation(req: DisclosureRequest) -> None:
    if req.escalated_at is not None:
        raise PolicyRefusal("11.5: this request is with the DPO already")
    if req.status != RequestStatus.PENDING:
        raise PolicyRefusal(DECIDED)


@enforces("3.5", "11.5")
def advise(actor: Actor, req: DisclosureRequest, advice: str, *, now: datetime) -> DisclosureRequest:
    """The DPO's advice on an escalated request (3.5, 11.5); the Headteacher still decides."""
    person = staff(actor)
    require(person, ADVISE, req.school_id)
    if req.escalated_at is None:
        raise PolicyRefusal("11.5: the school has not referred this request to the DPO")
    if not advice.strip():
        raise PolicyRefusal("11.5: write the advice")
    with transaction.atomic():
        req.dpo_advice, req.advised_by, req.advised_at = advice.strip(), person, now
        req.save(update_fields=["dpo_advice", "advised_by", "advised_at"])
        audit("dpo_advised", person, req, req.dpo_advice)
    return req
