"""The notices app's scheduled job (design/notices.md): deadline notices, hourly, as SYSTEM."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from watchkeeper.jobs.queue import Priority, by_hand
from watchkeeper.jobs.runner import progress
from watchkeeper.notices.deadlines import send_deadline_notices


@by_hand("notices")
@db_periodic_task(crontab(minute="23"), name="deadline_notices", priority=Priority.ROUTINE)
def deadline_notices() -> int:
    """Hourly: e-mail each person whose inbox holds a deadline 7 days or 1 day away, or overdue, once each."""
    sweep = send_deadline_notices(timezone.now())
    progress(100, sweep.summary())
    return sweep.sent
