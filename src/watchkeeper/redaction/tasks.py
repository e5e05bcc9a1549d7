"""Redaction jobs (design/redaction.md, design/jobs.md): propose tracks and render a preview, each with
its progress on the job record, queued by redaction.services; and the daily purge of unapproved previews
(services/purge.py, self-contained). They act as SYSTEM on
a redaction a reviewer started, under an authorisation checked when it was started and at every step since.
Passed ids only: nothing personal goes into the queue. The clock is read here, where the job starts."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from watchkeeper.jobs.queue import Priority, by_hand
from watchkeeper.jobs.runner import progress
from watchkeeper.redaction import services
from watchkeeper.redaction.services.purge import purge_spent_copies, purge_stale_previews


@db_task(name="redaction_propose", priority=Priority.WAITED_FOR)
def redaction_propose(redaction_id: int, *, school_id: int) -> str:
    """Decrypt the master into a temp dir, join it, find faces and people (the engine's proposal)."""
    progress(0, "Decrypting the recorded footage…")
    return services.run_proposal(redaction_id, progress, timezone.now())


@db_task(name="redaction_render", priority=Priority.WAITED_FOR)
def redaction_render(redaction_id: int, *, school_id: int) -> str:
    """Render the current decisions into a sealed preview copy."""
    progress(0, "Decrypting the recorded footage…")
    return services.run_render(redaction_id, progress, timezone.now())


@by_hand("previews")
@db_periodic_task(
    crontab(hour="5", minute="45"), name="redaction_preview_purge", priority=Priority.HOUSEKEEPING
)
def redaction_preview_purge() -> str:
    """Daily (13.1, issue 13 §3): delete unapproved previews older than PREVIEW_KEEP_DAYS, and approved
    copies whose packages are all deleted (13.2)."""
    now = timezone.now()
    purged, spent = purge_stale_previews(now), purge_spent_copies(now)
    summary = (
        f"{purged} unapproved preview(s) deleted; {spent} approved copy(ies) whose packages are deleted."
    )
    progress(100, summary)
    return summary
