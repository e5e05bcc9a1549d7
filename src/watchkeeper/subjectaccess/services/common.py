"""What every subject access service shares: the actions, who may handle a case, the audit line, and the
lock that every change of a case takes (design/architecture.md, "Concurrency")."""

from __future__ import annotations

from datetime import date
from typing import Any

from watchkeeper.core.actors import Actor, Person, require_person
from watchkeeper.core.auditing import audit_about
from watchkeeper.core.permissions import require
from watchkeeper.core.transitions import lock_in_state
from watchkeeper.subjectaccess.models import LIVE_STATUSES, SubjectAccessRequest

VIEW, HANDLE, REVIEW = "sar.view", "sar.handle", "sar.review"
SAFEGUARD = "sar.safeguarding_check"  # the designated safeguarding lead's check (DPA 2018 Sch 3 Part 5)
LEGAL_BASIS = "UK GDPR Art 15 (right of access)"


def handler(actor: Actor, school_id: int, action: str = HANDLE) -> Person:
    """The person who may act on a case of the school (`action` there), or PermissionDenied."""
    person = require_person(
        actor, "10.2: only a signed-in member of staff may handle a subject access request"
    )
    require(person, action, school_id)
    return person


def lock_live(case: SubjectAccessRequest) -> SubjectAccessRequest:
    """Inside `transaction.atomic()`: lock the case's row and re-read `case` from it, refused unless the case
    is still live — someone may have answered, closed or refused it since the page was loaded."""
    return lock_in_state(
        case, LIVE_STATUSES, f"10.2: {case.reference} is no longer open — nothing more can be done"
    )


def audit(action: str, actor: Actor, case: SubjectAccessRequest, reason: str = "", **details: Any) -> None:
    # Names and contact details stay in the case, not the tamper-evident log: the log says what was done.
    audit_about(f"subjectaccess.{action}", actor, case, reason=reason, case=case.reference, **details)


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def failing(*checks: tuple[bool, str]) -> list[str]:
    """The problem of each (failed, problem) check that failed, in order."""
    return [problem for failed, problem in checks if failed]
