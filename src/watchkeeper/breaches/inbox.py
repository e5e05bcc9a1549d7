"""What waits on the DPO in their inbox (core/registry.py InboxItem): each breach whose 72-hour clock runs
(statutory: the notice always goes), and high-risk breaches whose people are not yet told (Art 34)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.urls import reverse

from watchkeeper.breaches import clock
from watchkeeper.breaches.services import DECIDE, awaiting_dpo, open_breaches
from watchkeeper.core.permissions import holds_any
from watchkeeper.core.registry import InboxItem


def _school(breach: Any) -> str:
    return breach.school.name if breach.school else "Trust-wide"


def _step(breach: Any) -> str:
    return "tell the ICO" if breach.ico_decision == "notify" else "decide whether to tell the ICO"


def waiting(user: Any, now: datetime) -> Iterator[InboxItem]:
    if not holds_any(user, DECIDE):
        return
    for breach, state in open_breaches(user, now):
        yield InboxItem(
            key=f"breaches.ico:{breach.pk}",
            title=f"{breach.reference}: {_step(breach)} — {state.words} (15.1)",
            url=reverse("breaches:detail", args=[breach.pk]),
            due=clock.deadline(breach.aware_at),
            school=_school(breach),
            group="Registers",
            statutory=True,
        )
    for breach, words in awaiting_dpo(user, now):
        yield InboxItem(
            key=f"breaches.individuals:{breach.pk}",
            title=f"{breach.reference}: {words}",
            url=reverse("breaches:detail", args=[breach.pk]),
            school=_school(breach),
            group="Registers",
            statutory=True,
        )
