"""One lock-and-transition step for every service that moves a record from one state to another
(design/architecture.md, "Concurrency").

Two people pressing "Close" at once must not both succeed. So a transition locks the record's row, reads
it again under the lock and checks the transition against what it reads — never against the copy the
caller loaded before the lock. On PostgreSQL the second caller's SELECT … FOR UPDATE waits for the first to
commit and then reads its result; on SQLite every `atomic()` begins with BEGIN IMMEDIATE (settings.py), so
the second transaction starts only after the first has committed. Either way the second is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import TypeVar

from django.db import models, transaction

from watchkeeper.core.errors import PolicyRefusal, Refusal

M = TypeVar("M", bound=models.Model)


def lock_in_state(obj: M, allowed: Collection[str], refusal: Refusal | str, *, field: str = "status") -> M:
    """Inside `transaction.atomic()`: lock `obj`'s row, reload `obj` from it in place, and raise
    PolicyRefusal(`refusal`) unless `obj.<field>` is one of `allowed` now. Lock first, then change: a
    change made to `obj` before the call is replaced by what the row holds."""
    lock(obj)
    if getattr(obj, field) not in allowed:
        raise PolicyRefusal(refusal)
    return obj


def lock(obj: M) -> M:
    """Inside `transaction.atomic()`: lock `obj`'s row and reload `obj` from it in place, so that what the
    caller checks and changes next is the row as it is now, not as it was loaded."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a record is locked only inside transaction.atomic()")
    obj.refresh_from_db(from_queryset=type(obj)._default_manager.select_for_update())
    return obj


def lock_and_check(obj: M, problems: Callable[[M], Sequence[Refusal | str]]) -> M:
    """`lock`, then raise PolicyRefusal with what `problems` finds in the locked row, if anything: for a
    change whose checks depend on the record's state (what an earlier change already recorded)."""
    found = problems(lock(obj))
    if found:
        raise PolicyRefusal(found)
    return obj
