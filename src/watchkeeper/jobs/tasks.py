"""The jobs app's own scheduled jobs (design/jobs.md): the disk check and pruning job records. Each app
declares its own in its `tasks` module (recording, health, evidence, redaction); schedules are in UTC.

Every scheduled task acts as SYSTEM (core.actors): the installation working on its own schedule. Run one
now with `watchkeeper jobs enqueue NAME` (jobs.queue.by_hand).
"""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from watchkeeper.jobs import disk, services
from watchkeeper.jobs.queue import Priority, by_hand
from watchkeeper.jobs.runner import progress


@by_hand("disk")
@db_periodic_task(crontab(minute="*/15"), name="disk_pressure", priority=Priority.ROUTINE)
def disk_pressure() -> str:
    """Every 15 minutes: how full the recordings disk is; alerts (audited) at 80 / 90 / 95 % used."""
    outcome = disk.check(timezone.now())
    progress(100, outcome.message)
    return outcome.level


@by_hand("prune")
@db_periodic_task(crontab(hour="3", minute="30"), name="prune_job_records", priority=Priority.HOUSEKEEPING)
def prune_job_records() -> int:
    """Daily: forget job records that finished more than 30 days ago."""
    deleted = services.prune(timezone.now())
    progress(
        100, f"Removed {deleted} job record(s) finished more than {services.KEEP_FINISHED.days} days ago."
    )
    return deleted
