"""Deadline notices (issue 15 §3): 7 days before, 1 day before and once overdue, each once per inbox item and
person (SentNotice), from a job that walks everyone's inbox (notices/tasks.py). Pure threshold rule first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from watchkeeper.core import registry
from watchkeeper.core.registry import InboxItem
from watchkeeper.notices import kinds
from watchkeeper.notices.models import SentNotice, Threshold
from watchkeeper.notices.services import notify
from watchkeeper.people.models import RoleGrant

HEADINGS = {
    Threshold.WEEK: "is due within 7 days",
    Threshold.DAY: "is due within 1 day",
    Threshold.OVERDUE: "is overdue",
}


def end_of(day: date) -> datetime:
    """A deadline that is a date: the thing is overdue once that day (UK time) is over."""
    return timezone.make_aware(datetime.combine(day, time.max))


def threshold(due: datetime | None, now: datetime) -> Threshold | None:
    """The most urgent threshold `due` has crossed at `now`: overdue, within a day, within a week, or none."""
    if due is None:
        return None
    if due <= now:
        return Threshold.OVERDUE
    if due - now <= timedelta(days=1):
        return Threshold.DAY
    if due - now <= timedelta(days=7):
        return Threshold.WEEK
    return None


@dataclass
class Sweep:
    sent: int = 0
    people: int = 0

    def summary(self) -> str:
        return f"{self.sent} deadline notice(s) sent to {self.people} person(s)."


def people_with_roles() -> list[object]:
    ids = RoleGrant.objects.current().values_list("user_id", flat=True)
    return list(get_user_model().objects.filter(pk__in=set(ids), is_active=True).exclude(email=""))


def send_deadline_notices(now: datetime) -> Sweep:
    """For each person with a role and an address: every inbox item with a deadline that crossed a threshold
    not yet sent to them gets one notice (a statutory one whatever they chose) and is recorded as sent."""
    sweep = Sweep()
    for person in people_with_roles():
        sent = sum(_send_if_due(person, item, now) for item in registry.inbox_items(person, now))
        sweep.sent += sent
        sweep.people += bool(sent)
    return sweep


def _send_if_due(person: object, item: InboxItem, now: datetime) -> int:
    crossed = threshold(item.due, now)
    if crossed is None:
        return 0
    with transaction.atomic():
        _, new = SentNotice.objects.get_or_create(
            key=item.key, threshold=crossed, user=person, defaults={"sent_at": now}
        )
        if not new:
            return 0
        reference = item.reference or item.key
        return notify(
            [person],
            kind=kinds.DEADLINE,
            reference=reference,
            url=item.url,
            now=now,
            statutory=item.statutory,
            heading=HEADINGS[crossed],
        )


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
