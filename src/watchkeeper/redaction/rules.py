"""Pure decisions about redactions, with no I/O (10.4.1)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from watchkeeper.core.clauses import enforces
from watchkeeper.core.dates import uk_window
from watchkeeper.redaction.models import Redaction


@enforces("10.4.1", "R23")
def coverage_problems(
    redaction: Redaction, camera_ids: Iterable[int], start: datetime, end: datetime
) -> list[str]:
    """10.4.1: a redaction stands in for the master footage it was made from, so it may cover footage only
    of its own camera and only within its own window. A redaction of another camera or another time would
    hand the requester a different incident; one shorter than the footage would leave part of it out."""
    pk = redaction.pk
    if redaction.camera_id is None or redaction.start is None or redaction.end is None:
        return [f"10.4.1: redaction {pk} names no camera and window, so it cannot cover this footage"]
    problems = []
    if set(camera_ids) != {redaction.camera_id}:
        problems.append(
            f"10.4.1: redaction {pk} is of another camera's footage — a redaction covers one camera, so "
            "choose a redaction of this clip's camera"
        )
    if redaction.start > start or redaction.end < end:
        covered, wanted = _span(redaction.start, redaction.end), _span(start, end)
        problems.append(
            f"10.4.1: redaction {pk} covers {covered}, which does not take in the whole of {wanted} — "
            "make a redaction of the whole window"
        )
    return problems


def _span(start: datetime, end: datetime) -> str:
    return uk_window(start, end)
