"""The job runner's tasks and their schedules (design/jobs.md). Schedules are in UTC.

Every task here acts as SYSTEM (core.actors): it is the installation working on its own schedule.
Enqueue one by hand with `watchkeeper jobs enqueue NAME`.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from watchkeeper.core.clauses import enforces
from watchkeeper.evidence.tasks import copy_check
from watchkeeper.health.services import run_health_checks
from watchkeeper.jobs import disk, services
from watchkeeper.jobs.runner import progress
from watchkeeper.recording.motion import analyse_pending
from watchkeeper.recording.retention import sweep

# Made at import, so the worker knows the lock and flushes it at start (settings.HUEY flush_locks): a
# worker killed mid-sweep must not leave every later sweep skipped.
SWEEP_LOCK = HUEY.lock_task("retention_sweep")
MOTION_LOCK = HUEY.lock_task("motion_analysis")


@db_periodic_task(crontab(minute="7"), name="retention_sweep")
@enforces("13.1", "R11")
def retention_sweep() -> dict[str, Any]:
    """Hourly (13.1): erase footage past its camera's retention unless a hold covers it (9.6). The same
    sweep as `watchkeeper retention run`, with the real clock; it audits itself (recording.retention_sweep).
    The lock keeps two sweeps from running at once if one takes longer than an hour."""
    with SWEEP_LOCK:
        progress(0, "Finding footage past its camera's retention (13.1)…")
        result = sweep(timezone.now())
        progress(
            100,
            f"Erased {result.erased} segment(s), {result.bytes / 1e6:.1f} MB; "
            f"{result.held} past retention kept by holds (9.6).",
        )
        return result.details(dry_run=False)


@db_periodic_task(crontab(minute="*/15"), name="disk_pressure")
def disk_pressure() -> str:
    """Every 15 minutes: how full the recordings disk is; alerts (audited) at 80 / 90 / 95 % used."""
    outcome = disk.check(timezone.now())
    progress(100, outcome.message)
    return outcome.level


@db_periodic_task(crontab(minute="*"), name="camera_health")
@enforces("12.1", "R27")
def camera_health() -> str:
    """Every minute (12.1): stream down, no new segment, frozen, black, blurred or moved picture open an
    alert for the school's Headteacher and CCTV administrator, and close it when the check passes."""
    run = run_health_checks(timezone.now())
    progress(100, run.summary())
    return run.summary()


@db_periodic_task(crontab(minute="*"), name="motion_analysis")
def motion_analysis() -> str:
    """Every minute: motion per second of the newest segments not yet analysed (last 24 h), decoded small
    and in memory only (9.3), for the player's motion strip (design/viewing.md). The lock skips a run
    while the previous one is still going."""
    with MOTION_LOCK:
        progress(0, "Analysing motion in new footage…")
        result = analyse_pending(timezone.now())
        progress(100, result.summary())
        return result.summary()


@db_periodic_task(crontab(hour="3", minute="30"), name="prune_job_records")
def prune_job_records() -> int:
    """Daily: forget job records that finished more than 30 days ago."""
    deleted = services.prune(timezone.now())
    progress(
        100, f"Removed {deleted} job record(s) finished more than {services.KEEP_FINISHED.days} days ago."
    )
    return deleted


# `watchkeeper jobs enqueue NAME`
BY_NAME = {
    "retention": retention_sweep,
    "disk": disk_pressure,
    "health": camera_health,
    "motion": motion_analysis,
    "prune": prune_job_records,
    "copies": copy_check,
}
