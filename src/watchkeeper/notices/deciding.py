"""For the apps' inbox sources: may this person decide that request now, and by when (people/deciders.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from watchkeeper.compliance import trust
from watchkeeper.core.permissions import restrict
from watchkeeper.core.registry import InboxItem
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


def decisions_waiting(
    user: Any,
    now: datetime,
    waiting: QuerySet[Any],
    *,
    action: str,
    kind: str,
    title: Callable[[Any], str],
    url: str,
    group: str,
    reference: str,
    key: str = "",
    due: Callable[[Any], datetime] = decision_due,
    due_on: Callable[[Any], date] | None = None,
    statutory: bool = False,
) -> Iterator[InboxItem]:
    """The inbox source shared by the apps' "decisions waiting for the decider" (issue 15 §3): of the
    undecided `waiting` requests this person may see for `action`, those they may decide now (`kind` in
    people/deciders.py), each titled by `title`, linked to the `url` page of the request, and keyed and
    referred to as `key` (the action, unless one action decides two kinds of request) and `reference` with
    its number. `due_on` instead of `due` for a deadline that is a day (FOIA s10)."""
    for obj in restrict(waiting, user, action).select_related("school"):
        if may_decide(user, kind, obj, now):
            yield InboxItem(
                key=f"{key or action}:{obj.pk}",
                title=title(obj),
                url=reverse(url, args=[obj.pk]),
                due=None if due_on else due(obj),
                due_on=due_on(obj) if due_on else None,
                school=obj.school.name,
                group=group,
                statutory=statutory,
                reference=f"{reference} {obj.pk}",
            )
