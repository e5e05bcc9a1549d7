"""Redaction jobs (design/redaction.md, design/jobs.md): propose tracks and render a preview, each with
its progress on the job record. Queued by redaction.services (never on a schedule); they act as SYSTEM on
a redaction a reviewer started, under an authorisation checked when it was started and at every step since.
Passed ids only: nothing personal goes into the queue. The clock is read here, where the job starts."""

from __future__ import annotations

from django.utils import timezone
from huey.contrib.djhuey import db_task

from watchkeeper.jobs.queue import Priority
from watchkeeper.jobs.runner import progress
from watchkeeper.redaction import services


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
