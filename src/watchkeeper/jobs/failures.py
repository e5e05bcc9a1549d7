"""How a failed job is told to people (issue 15 §2): what went wrong and what to do next, in plain words,
with the clause after where the policy refused — never an exception's class name, which means nothing to
an office (the class and the traceback go to the server's log).

`explain` also says whether running the job again, unchanged, would fail the same way (`repeats`): a
refusal by the policy, or footage that cannot be read, would; a database outage or a full disk need not.
A page offers "run it again" (an evidence package's re-issue) only for a failure that does not repeat.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from watchkeeper.core.errors import DATABASE_UNAVAILABLE, PolicyRefusal, Refusal
from watchkeeper.core.templatetags.refusals import clause_label
from watchkeeper.storage.keys import Unreadable

UNEXPECTED = (
    "Something unexpected went wrong while the job ran (the details are in the server's log). Try it "
    "again; if it fails again, tell the trust's IT support."
)
DATABASE = (
    "Watchkeeper could not reach its database while the job ran, so nothing it did was kept. Try it "
    "again once the database is back (pages load again)."
)
UNREADABLE = (
    "Some of the recorded footage could not be read (a missing or damaged file, or a lost key), so trying "
    "again would fail the same way. Ask the CCTV administrator to run “watchkeeper check”, which says "
    "what is wrong. (policy 9.3)"
)
DISK = (
    "The server could not write a file (the disk may be full, or a folder not writable). Ask the CCTV "
    "administrator to free space (the Jobs page shows the disk), then try again."
)


@dataclass(frozen=True)
class Failure:
    """A job's failure as people read it."""

    text: str
    repeats: bool  # running it again unchanged would fail the same way


def explain(error: BaseException) -> Failure:
    """The plain words for `error`, and whether it would repeat."""
    chain = list(_chain(error))
    refusals = next((found for e in chain if (found := _refusals(e))), [])
    if refusals:
        said = " ".join(_said(r) for r in refusals)
        return Failure(f"{said} Trying again would be refused the same way until that changes.", True)
    if any(isinstance(e, DATABASE_UNAVAILABLE) for e in chain):
        return Failure(DATABASE, False)
    # Our own errors word their reason as a refusal does, "CLAUSE: reason" (a segment erased since a
    # redaction began, 13.1; footage that no longer matches its digest, 9.3): said as such, and they repeat.
    worded = next((r for e in chain if (r := Refusal.parse(str(e))).clause), None)
    if worded is not None:
        return Failure(f"{_said(worded)} Trying again would fail the same way until that changes.", True)
    # A missing file or a key that does not open it: what footage (and sealed files) fail to be read with.
    if any(isinstance(e, Unreadable | FileNotFoundError) for e in chain):
        return Failure(UNREADABLE, True)
    if any(isinstance(e, OSError) for e in chain):
        return Failure(DISK, False)
    return Failure(UNEXPECTED, False)


def _refusals(error: BaseException) -> list[Refusal]:
    if isinstance(error, PolicyRefusal):
        return error.refusals
    if isinstance(error, PermissionDenied):  # the services say "CLAUSE: reason" in these too
        return [Refusal.parse(str(error) or "you are not allowed to do this")]
    return []


def _said(refusal: Refusal) -> str:
    return f"{refusal.plain} ({clause_label(refusal.clause)})" if refusal.clause else refusal.plain


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error and the errors it was raised from (a footage error wraps the file error beneath it)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__
