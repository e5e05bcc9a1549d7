"""The one way Watchkeeper queues a job (design/jobs.md, "Queueing").

* After commit. A job reads rows its caller writes, so it is handed to the queue only when the caller's
  transaction commits: the worker never finds a job whose rows are not there yet, and a rolled-back
  change queues nothing. Its id is known at once, so the rows can name it in the same transaction.
* Priorities. The worker takes the highest priority first, so a backlog of motion analysis never delays
  a package someone is waiting for. Each task declares its priority in its decorator.
* By hand. `watchkeeper jobs enqueue NAME` runs a scheduled job now; each app names its own.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from typing import Any, TypeVar

from django.db import transaction
from django.utils.module_loading import autodiscover_modules
from huey.contrib.djhuey import HUEY


class Priority(IntEnum):
    """Higher runs first (huey's SQLite queue and PriorityRedisHuey both order by it)."""

    WAITED_FOR = 100  # a person is watching its progress bar: packages, redaction proposals and renders
    ROUTINE = 50  # the schedule's checks: retention, camera health, disk, copies
    HOUSEKEEPING = 20  # pruning old job records
    BACKGROUND = 0  # motion analysis for the player's strip: catches up whenever the queue is quiet


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> str:
    """Queue `task(*args, **kwargs)` when the current transaction commits (at once outside one); returns
    its task id for the rows that wait for it."""
    queued = task.s(*args, **kwargs)
    # huey's `enqueued` signal writes the queued JobRecord (jobs.runner).
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: HUEY.enqueue(queued))
    else:
        # No transaction open: queue now without touching the database (Django's on_commit would connect
        # first), so `watchkeeper jobs enqueue` still queues while the database is away (issue 11 §7).
        HUEY.enqueue(queued)
    return str(queued.id)


T = TypeVar("T")
_BY_HAND: dict[str, Any] = {}


def by_hand(name: str) -> Callable[[T], T]:
    """Decorator over a periodic task: `watchkeeper jobs enqueue NAME` may run it now."""

    def register(task: T) -> T:
        _BY_HAND[name] = task
        return task

    return register


def tasks_by_hand() -> dict[str, Any]:
    """Every app's tasks that may be run by hand, by name (imports each app's tasks module, as the worker
    does)."""
    autodiscover_modules("tasks")
    return dict(_BY_HAND)
