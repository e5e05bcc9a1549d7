"""Who may work on a redaction (design/redaction.md, "Permissions"), and the audit trail every step of it
writes (16)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied

from watchkeeper.core.actors import Actor, Person, is_person, require_person
from watchkeeper.core.auditing import audit_about
from watchkeeper.core.clauses import enforces
from watchkeeper.core.permissions import can
from watchkeeper.redaction.models import Redaction
from watchkeeper.viewing import services as viewing

REVIEW = "redaction.review"
ONLY_STAFF = "10.2: only a signed-in member of staff may review a redaction"


def audit(action: str, actor: Actor, redaction: Redaction, *, reason: str = "", **details: Any) -> None:
    """One audit event about `redaction`: every event names it in its details."""
    audit_about(action, actor, redaction, reason=reason, redaction=redaction.pk, **details)


@enforces("9.2", "10.2", "14.1")
def why_not_reviewer(actor: Actor, redaction: Redaction, now: datetime) -> str | None:
    """None when `actor` may see and decide on `redaction` now: its own reviewer, still holding
    redaction.review, under the viewing authorisation it was made under — still the requester's, approved
    and unexpired (9.2). Otherwise the clause why not."""
    if not is_person(actor) or redaction.created_by_id != actor.pk:
        return "10.2: only the reviewer who started a redaction may review it"
    if not can(actor, REVIEW, redaction.school_id):
        return "10.2, 14.1: you no longer hold a current role that may review redactions at this school"
    auth = redaction.authorisation
    if auth is None:
        return "9.2: this redaction has no viewing authorisation"
    return viewing.may_view(actor, auth, auth.terms(), now)


def check_reviewer(actor: Actor, redaction: Redaction, now: datetime) -> Person:
    """The reviewer, or PermissionDenied (audited as redaction.refused) unless `actor` may work on
    `redaction` now."""
    person = require_person(actor, ONLY_STAFF)
    problem = why_not_reviewer(person, redaction, now)
    if problem is not None:
        refused(person, redaction, problem)
    return person


def refused(actor: Actor, redaction: Redaction, problem: str) -> None:
    """A refused look or step: audited, then PermissionDenied with the clause."""
    audit("redaction.refused", actor, redaction, reason=problem)
    raise PermissionDenied(problem)
