"""What waits on the DPO (or, for alerts about the DPO, the chair) in their inbox: each open misuse alert.
No deadline: an alert is looked at, not answered by a date (16)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.urls import reverse

from watchkeeper.core.registry import InboxItem
from watchkeeper.misuse import rules, services


def open_alerts(user: Any, now: datetime) -> Iterator[InboxItem]:
    for alert in services.open_alerts(user):
        # The rule's name is a sentence; joined with " — " its full stop would read "hours. — record".
        rule = rules.title(alert.rule).rstrip(".")
        yield InboxItem(
            key=f"misuse.alert:{alert.pk}",
            title=f"{alert.reference}: {rule} — record the outcome (16)",
            url=reverse("misuse:detail", args=[alert.pk]),
            school=alert.school.name if alert.school else "Trust-wide",
            group="Registers",
            reference=alert.reference,
        )
