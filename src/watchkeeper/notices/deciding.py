"""For the apps' inbox sources: may this person decide that request now, and by when (people/deciders.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from watchkeeper.compliance import trust
from watchkeeper.core.workdays import add_working_days
from watchkeeper.notices.deadlines import end_of
from watchkeeper.people import deciders


def may_decide(user: Any, kind: str, obj: Any, now: datetime) -> bool:
    """The person holds the decision at the school and nothing stands in the way: not their own request
    (each service refuses that), not recused or involved, nominated where an alternate needs to be, and the
    two-person rule across accounts allows it."""
    if user.pk in {p.pk for p in deciders.parties(obj)}:
        return False
    found = deciders.standing(user, kind, obj, now=now)
    return found.authority and not found.refusal


def decision_due(obj: object) -> datetime:
    """The decider's deadline, in effect: the end of the last working day before an undecided request
    escalates to the DPO (people/deciders.py), which it does on the Nth working day after it was asked, N
    being the DPO's setting (3 by default)."""
    asked = timezone.localdate(deciders.asked_at(obj))
    school_id: int = obj.school_id  # type: ignore[attr-defined]
    days = trust.escalate_after_working_days(school_id)
    return end_of(add_working_days(asked, max(days - 1, 0)))
