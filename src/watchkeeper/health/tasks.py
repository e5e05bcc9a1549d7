"""The health app's scheduled job (design/jobs.md, design/health.md). Schedules are in UTC; it acts as
SYSTEM (core.actors)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from watchkeeper.core.clauses import enforces
from watchkeeper.health.services import run_health_checks
from watchkeeper.jobs.queue import Priority, by_hand
from watchkeeper.jobs.runner import progress


@by_hand("health")
@db_periodic_task(crontab(minute="*"), name="camera_health", priority=Priority.ROUTINE)
@enforces("12.1", "R27")
def camera_health() -> str:
    """Every minute (12.1): stream down, no new segment, frozen, black, blurred or moved picture open an
    alert for the school's Headteacher and CCTV administrator, and close it when the check passes."""
    run = run_health_checks(timezone.now())
    progress(100, run.summary())
    return run.summary()
