"""The job runner's side of job records: huey signal receivers and the progress helper for tasks.

huey sends its signals in the process where the event happens: `enqueued` where a task is queued (a web
or CLI process, or the worker's scheduler for a periodic task), `executing`, `complete`, `error` and the
rest in the worker thread that runs it. Each receiver writes the task's JobRecord through jobs.services,
with the time it saw the event (an outcome written late, after a database outage, keeps that time).
A receiver's error is logged by huey and never stops the task itself.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import suppress
from contextvars import ContextVar
from typing import Any

from django.db import close_old_connections, connection
from django.utils import timezone
from huey import signals as S
from huey.contrib.djhuey import HUEY

from watchkeeper.core.errors import DATABASE_UNAVAILABLE
from watchkeeper.jobs import failures, services
from watchkeeper.jobs.models import JobRecord

log = logging.getLogger(__name__)

# The huey task id of the job running in this thread (None outside a job): `progress` reports to it.
_current: ContextVar[str | None] = ContextVar("watchkeeper_job", default=None)

# Huey outcomes other than `complete` and `error`, as the job record says them.
ENDED_WITHOUT_RUNNING = {
    S.SIGNAL_CANCELED: "Cancelled before it finished.",
    S.SIGNAL_REVOKED: "Revoked: not run.",
    S.SIGNAL_EXPIRED: "Expired before a worker could run it.",
    S.SIGNAL_INTERRUPTED: "Interrupted: the worker stopped while it was running.",
    S.SIGNAL_TIMEOUT: "Timed out.",
}


def summary(task: Any) -> str:
    """The task's arguments, shortened for the page (tasks take ids and flags, never personal data)."""
    parts = [repr(a) for a in task.args or ()]
    parts += [f"{key}={_shown(key, value)}" for key, value in sorted((task.kwargs or {}).items())]
    text = ", ".join(parts)
    return text if len(text) <= 200 else text[:199] + "…"


def _shown(key: str, value: Any) -> str:
    """A `sealed_*` argument (a secret sealed under a school key, e.g. a package password, 11.6) is never
    written to the job record, even as ciphertext: the record outlives the queue entry."""
    return "(sealed)" if key.startswith("sealed_") else repr(value)


def school_id(task: Any) -> int | None:
    """A task about one school passes `school_id=` as a keyword: its record is then that school's."""
    value = (task.kwargs or {}).get("school_id")
    return value if isinstance(value, int) else None


def progress(percent: float, message: str | None = None) -> bool:
    """For tasks: report progress (clamped to 0–100) and what the job is doing now. Returns False, doing
    nothing, when not running as a job (a task called directly, e.g. from a command or a test)."""
    task_id = _current.get()
    if task_id is None:
        return False
    services.progress(task_id, percent, message)
    return True


# Outcomes that could not be written because the database was away (issue 11 §7): (task id, name, summary,
# school, the write). Written when the next job starts, so no record says "queued" or "running" for ever.
_unwritten: list[tuple[str, str, str, int | None, Callable[[], object]]] = []
_unwritten_lock = threading.Lock()


def _fresh_connections() -> None:
    # Worker threads keep their database connections between tasks; drop broken or expired ones first.
    # (Not in immediate mode, where the task runs inside the caller's transaction, e.g. a test's.)
    if not HUEY.immediate:
        close_old_connections()


def _write_unwritten() -> None:
    with _unwritten_lock:
        waiting, _unwritten[:] = list(_unwritten), []
    for done, (task_id, name, args_summary, school, write) in enumerate(waiting):
        try:
            services.queue(task_id, name, args_summary, school)  # made here if the outage kept it from being
            write()
        except DATABASE_UNAVAILABLE:
            with _unwritten_lock:
                _unwritten[:0] = waiting[done:]  # still away: kept for the next job
            raise


@HUEY.signal(S.SIGNAL_ENQUEUED)
def _on_enqueued(signal: str, task: Any) -> None:
    _fresh_connections()
    services.queue(task.id, task.name, summary(task), school_id(task))


@HUEY.signal(S.SIGNAL_EXECUTING)
def _on_executing(signal: str, task: Any) -> None:
    _fresh_connections()
    _write_unwritten()
    services.start(task.id, task.name, summary(task), school_id(task), now=timezone.now())
    _current.set(task.id)


def _outcome(task: Any, write: Callable[[], object]) -> None:
    """Write how a job ended. While the database is away (or its record could not be made for that reason)
    the outcome is kept for the next job to write, and this thread's broken connection is dropped so that
    job connects afresh."""
    try:
        write()
    except (*DATABASE_UNAVAILABLE, JobRecord.DoesNotExist):
        with _unwritten_lock:
            _unwritten.append((task.id, task.name, summary(task), school_id(task), write))
        with suppress(Exception):
            connection.close()
        raise  # huey logs it


@HUEY.signal(S.SIGNAL_COMPLETE)
def _on_complete(signal: str, task: Any) -> None:
    _current.set(None)
    now = timezone.now()
    _outcome(task, lambda: services.finish(task.id, now=now))


@HUEY.signal(S.SIGNAL_ERROR)
def _on_error(signal: str, task: Any, error: BaseException) -> None:
    _current.set(None)
    # Plain words for people (jobs/failures.py); the class and traceback are huey's log line.
    message, now = f"Failed: {failures.explain(error).text}", timezone.now()
    _outcome(task, lambda: services.fail(task.id, message, now=now))


@HUEY.signal(S.SIGNAL_RETRYING)
def _on_retrying(signal: str, task: Any) -> None:
    services.requeue(task.id, "To be retried.")


@HUEY.signal(S.SIGNAL_LOCKED)
def _on_locked(signal: str, task: Any) -> None:
    # The task's lock is held: the same job is still running (a slow sweep). Not an error; skipped.
    _current.set(None)
    services.finish(task.id, "Skipped: the previous run of this job is still running.", now=timezone.now())


@HUEY.signal(*ENDED_WITHOUT_RUNNING)
def _on_ended(signal: str, task: Any) -> None:
    _current.set(None)
    services.fail(task.id, ENDED_WITHOUT_RUNNING[signal], now=timezone.now())
