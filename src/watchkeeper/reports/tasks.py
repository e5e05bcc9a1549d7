"""The reports app's scheduled job (design/jobs.md): the retention schedule of the registers themselves,
nightly, as SYSTEM (core.actors)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from watchkeeper.core.actors import SYSTEM
from watchkeeper.jobs.queue import Priority, by_hand
from watchkeeper.jobs.runner import progress
from watchkeeper.reports import services


@by_hand("register-retention")
@db_periodic_task(crontab(hour="4", minute="10"), name="register_retention", priority=Priority.HOUSEKEEPING)
def register_retention() -> int:
    """Daily: delete closed breach, complaint, request and disclosure records past their period."""
    outcome = services.apply_register_retention(SYSTEM, timezone.now())
    deleted = sum(outcome.deleted.values())
    kept = sum(outcome.kept.values())
    progress(100, f"Deleted {deleted} register record(s) past their period; {kept} kept (still needed).")
    return deleted
