"""What waits on a person in this app (core/registry.py, issue 15 §3): for the DPO, the requests re-routed
by the two-person rule or escalated because no Headteacher-level decider decided them (9.2, 9.5, 11.3)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from watchkeeper.core.registry import InboxItem
from watchkeeper.notices.deciding import decision_due
from watchkeeper.people import reroutings


def referrals(user: Any, now: datetime) -> Iterator[InboxItem]:
    """Only those this DPO may decide (another DPO decides the rest). Due when the school's decider's was:
    an escalated one is overdue already, so it is listed loud and its overdue notice goes once."""
    for found in reroutings.rerouted_requests(user):
        if found.refusal:
            continue
        why = "escalated to you" if found.escalated else "re-routed to you by the two-person rule"
        yield InboxItem(
            key=f"people.referral:{found.kind}:{found.obj.pk}",
            title=f"Decide: {found.kind} #{found.obj.pk}, {why} (9.2, 9.5)",
            url=found.url,
            due=decision_due(found.obj),
            school=found.obj.school.name,
            group="Requests",
            reference=f"{found.kind} {found.obj.pk}",
        )
