"""Routine decisions of one kind taken together with one fresh code (issue 15 §4): deleting stored copies
(Appendix I), keeping copies longer (13.2) and reviewing holds (9.6, 13.1). Each item is chosen on screen,
checked as it would be alone before any is taken, then taken by its own service — its own transaction and
its own audit event — with the one code (core.second_factor.FreshCode).

Decisions that weigh one case's reason are never taken together: a viewing authorisation (9.2, "a clear
reason") and a disclosure (11.3, 11.5, each on its own merits). Asking for such a batch is refused."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from watchkeeper.core.actors import Actor
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.second_factor import FreshCode, require_fresh_code

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Routine:
    """A kind of routine decision: its clause, and the audit action of a wrong code on it."""

    label: str
    clause: str
    code_refused: str


COPY_DELETION, COPY_EXTENSION, HOLD_REVIEW = "copy_deletion", "copy_extension", "hold_review"
ROUTINE = {
    COPY_DELETION: Routine("copy deletions", "Appendix I", "evidence.second_factor_refused"),
    COPY_EXTENSION: Routine("keeping copies longer", "13.2", "evidence.second_factor_refused"),
    HOLD_REVIEW: Routine("hold reviews", "9.6", "recording.second_factor_refused"),
}
# Never together, with the reason a person reads (the clause first in the refusal's own words).
NEVER = {
    "viewing": "9.2: each request to view recorded footage is decided on its own clear reason, one at a time",
    "disclosure": "11.3, 11.5: each disclosure is decided on its own merits, one at a time",
    "foi": "11.7: each Freedom of Information request is decided on its own merits, one at a time",
    "download": "9.5: each download is authorised on its own request, one at a time",
}


@enforces("9.2", "11.3", "11.5")
def together_problems(kind: str, items: Sequence[Any]) -> list[str]:
    """Pure: what stops these items being decided together — a kind never batched, an unknown kind, none
    chosen, or items of more than one school (each school's decisions are its own)."""
    if kind in NEVER:
        return [NEVER[kind]]
    if kind not in ROUTINE:
        return [
            "Appendix I, 13.2, 9.6: only routine decisions (copy deletions, keeping copies longer, hold "
            "reviews) are taken together"
        ]
    if not items:
        return [f"{ROUTINE[kind].clause}: choose at least one item"]
    if len({item.school_id for item in items}) > 1:
        return [f"{ROUTINE[kind].clause}: decisions taken together are of one school"]
    return []


def decide_together(
    actor: Actor,
    kind: str,
    items: Sequence[T],
    *,
    code: str,
    now: datetime,
    problems: Callable[[T], list[str]],
    step: Callable[[T, FreshCode], R],
) -> list[R]:
    """Check every item (`problems`, named by the item) before the code, so nothing is taken unless all
    can be; then one fresh code, then `step` for each item in turn with it."""
    found = together_problems(kind, items)
    for item in items if not found else ():
        found += [f"{p} ({item})" for p in problems(item)]
    if found:
        raise PolicyRefusal(found)
    first: Any = items[0]
    fresh = require_fresh_code(
        actor,
        code,
        clause=ROUTINE[kind].clause,
        audit_action=ROUTINE[kind].code_refused,
        school=first.school,
        obj=first,
        details={"step": f"{kind} together", "objects": [getattr(i, "pk", None) for i in items]},
        now=now,
    )
    return [step(item, fresh) for item in items]
