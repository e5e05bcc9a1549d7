"""Writing job records (design/jobs.md). The job runner is the only writer: huey's signals call these as a
task is queued, starts, ends or fails, and tasks report progress through `runner.progress`.

Job records are operational notes, not evidence: the work a job does audits itself (a retention sweep
writes recording.retention_sweep), so these functions write no audit events and take no actor — no
person can queue, change or delete a job record through the web app. The time of each event comes from
the receiver that saw it happen (`now`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from watchkeeper.jobs.models import JobRecord, JobStatus

MESSAGE_LIMIT = 2000
# Finished records are kept this long, then pruned by the daily prune-job-records task.
KEEP_FINISHED = timedelta(days=30)


def clamp_percent(percent: float) -> int:
    """Progress is a whole percent from 0 to 100, whatever a task reports."""
    return max(0, min(100, round(percent)))


def _fit(message: str) -> str:
    return message if len(message) <= MESSAGE_LIMIT else message[: MESSAGE_LIMIT - 1] + "…"


def _record(task_id: str, name: str, args_summary: str, school_id: int | None) -> JobRecord:
    job, _ = JobRecord.objects.get_or_create(
        task_id=task_id,
        defaults={"name": name[:100], "args_summary": args_summary[:200], "school_id": school_id},
    )
    return job


def queue(task_id: str, name: str, args_summary: str = "", school_id: int | None = None) -> JobRecord:
    """A task was put on the queue (also a periodic task, which the worker's scheduler enqueues)."""
    return _record(task_id, name, args_summary, school_id)


def start(
    task_id: str, name: str, args_summary: str = "", school_id: int | None = None, *, now: datetime
) -> JobRecord:
    """A worker began the task. The record is made here if the queueing process could not make it."""
    job = _record(task_id, name, args_summary, school_id)
    job.status, job.started_at, job.finished_at = JobStatus.RUNNING, now, None
    job.save(update_fields=["status", "started_at", "finished_at"])
    return job


def progress(task_id: str, percent: float, message: str | None = None) -> JobRecord:
    """The task's progress so far; `message` (when given) replaces the last one."""
    job = JobRecord.objects.get(task_id=task_id)
    job.progress = clamp_percent(percent)
    fields = ["progress"]
    if message is not None:
        job.message = _fit(message)
        fields.append("message")
    job.save(update_fields=fields)
    return job


def finish(task_id: str, message: str | None = None, *, now: datetime) -> JobRecord:
    job = JobRecord.objects.get(task_id=task_id)
    job.status, job.progress, job.finished_at = JobStatus.DONE, 100, now
    if message is not None:
        job.message = _fit(message)
    job.save(update_fields=["status", "progress", "finished_at", "message"])
    return job


def fail(task_id: str, error: str, *, now: datetime) -> JobRecord:
    """The task ended without finishing (at `now`). Its progress stays where it stopped and its last message
    is kept after the error, so the page says both what went wrong and how far the job had got."""
    job = JobRecord.objects.get(task_id=task_id)
    job.status, job.finished_at = JobStatus.FAILED, now
    job.message = _fit(f"{error} — last step: {job.message}" if job.message else error)
    job.save(update_fields=["status", "finished_at", "message"])
    return job


def requeue(task_id: str, reason: str) -> JobRecord:
    """The task failed and huey will retry it: queued again, the failure kept after the reason."""
    job = JobRecord.objects.get(task_id=task_id)
    job.status, job.finished_at = JobStatus.QUEUED, None
    job.message = _fit(f"{reason} {job.message}" if job.message else reason)
    job.save(update_fields=["status", "finished_at", "message"])
    return job


def prune(now: datetime) -> int:
    """Delete records of jobs that finished more than KEEP_FINISHED ago. Queued and running ones stay."""
    deleted, _ = JobRecord.objects.filter(
        status__in=[JobStatus.DONE, JobStatus.FAILED], finished_at__lt=now - KEEP_FINISHED
    ).delete()
    return deleted
