"""The audit app's scheduled jobs (design/audit.md, "Exported head"; design/jobs.md). In UTC, as SYSTEM."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from watchkeeper.audit.head_export import write_head
from watchkeeper.audit.head_mail import email_head
from watchkeeper.core.clauses import enforces
from watchkeeper.jobs.queue import Priority, by_hand
from watchkeeper.jobs.runner import progress


@by_hand("audit-head")
@db_periodic_task(crontab(minute="5"), name="audit_head_export", priority=Priority.ROUTINE)
@enforces("R10")
def audit_head_export() -> str:
    """Hourly: the signed audit head to WATCHKEEPER_AUDIT_HEAD_DIR, outside the database, so a database
    rolled back to an earlier backup is detected by `watchkeeper audit verify --head`."""
    path = write_head(timezone.now())
    progress(100, f"Audit head written to {path}.")
    return str(path)


@by_hand("audit-head-email")
@db_periodic_task(crontab(hour="6", minute="15"), name="audit_head_email", priority=Priority.ROUTINE)
@enforces("R10")
def audit_head_email() -> int:
    """Daily at 06:15 UTC: the signed audit head e-mailed to the DPO, a copy outside the server."""
    sent = email_head(timezone.now())
    if sent:
        progress(100, f"Audit head e-mailed to {sent} address{'es' if sent > 1 else ''} (the DPO).")
    else:
        progress(
            100, "Audit head not e-mailed: no SMTP server is configured, or no DPO has an e-mail address."
        )
    return sent
