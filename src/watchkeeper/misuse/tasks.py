"""The misuse app's scheduled jobs (design/misuse.md; design/jobs.md). In UTC, as SYSTEM."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from watchkeeper.core.clauses import enforces
from watchkeeper.jobs.queue import Priority, by_hand
from watchkeeper.jobs.runner import progress
from watchkeeper.misuse.scan import scan
from watchkeeper.misuse.services import purge_no_concern


@by_hand("misuse")
@db_periodic_task(crontab(minute="20"), name="misuse_scan", priority=Priority.ROUTINE)
@enforces("16")
def misuse_scan() -> int:
    """Hourly: the misuse rules over the audit log; each new finding is an alert for the DPO (16)."""
    raised = len(scan(timezone.now()))
    progress(100, f"{raised} misuse alert(s) raised.")
    return raised


@by_hand("misuse-purge")
@db_periodic_task(crontab(hour="4", minute="50"), name="misuse_purge", priority=Priority.HOUSEKEEPING)
@enforces("16")
def misuse_purge() -> int:
    """Daily: "no concern" alerts deleted once the trust's set period has passed."""
    deleted = purge_no_concern(timezone.now())
    progress(100, f"{deleted} misuse alert(s) closed as no concern deleted.")
    return deleted
