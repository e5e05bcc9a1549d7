"""What waits on whoever handles complaints (core/registry.py, InboxItem): the acknowledgement the Act
requires within 30 days (statutory), then Watchkeeper's prompt to tell the complainant how it is going."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from watchkeeper.complaints.clock import Stage
from watchkeeper.core.registry import InboxItem

TITLES = {
    Stage.ACKNOWLEDGE: "Acknowledge complaint {ref} (within 30 days, DPA 2018 s164A)",
    Stage.UPDATE: "Tell the complainant how {ref} is going, or give the outcome",
}


def waiting(user: Any, now: datetime) -> Iterator[InboxItem]:
    from watchkeeper.complaints.services import HANDLE, open_rows

    for complaint, step, _state in open_rows(user, timezone.localdate(now), HANDLE):
        if step.due is None:
            continue
        yield InboxItem(
            key=f"complaints.{step.stage}:{complaint.pk}:{step.due.isoformat()}",
            title=TITLES[step.stage].format(ref=complaint.reference),
            url=reverse("complaints:detail", args=[complaint.pk]),
            due_on=step.due,
            school=complaint.school.name,
            group="Registers",
            statutory=step.statutory,
        )
