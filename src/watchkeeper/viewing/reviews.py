"""Reviews of footage for a request (10.2; 11.3 applies 10.2 to police requests): "they will arrange for
the CCTV footage to be reviewed by approved users, in respect of relevant time periods". A review is a
normal viewing authorisation (9.2) for the request's cameras and window, asked for by the reviewer and
decided by the Headteacher or a designated person — never a side door. Subject access cases and disclosure
requests both ask through here, so the two keep one rule for "already under review"."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from watchkeeper.core.actors import Actor
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal, Refusal
from watchkeeper.estate.models import Camera
from watchkeeper.viewing import services as viewing
from watchkeeper.viewing.models import Status, ViewingAuthorisation


def under_review(auth: ViewingAuthorisation | None) -> bool:
    """A review asked for and not declined: pending or approved. A declined one may be asked for again."""
    return auth is not None and auth.status != Status.DECLINED


def review_approved(auth: ViewingAuthorisation | None) -> bool:
    return auth is not None and auth.status == Status.APPROVED


@enforces("10.2", "11.3")
def ask_for_review(
    actor: Actor,
    current: ViewingAuthorisation | None,
    *,
    clause: str,
    label: str,
    cameras: Iterable[Camera],
    start: datetime,
    end: datetime,
    category: str,
    reason: str,
    now: datetime,
) -> ViewingAuthorisation:
    """Ask for the review's viewing authorisation, refused while `current` (the request's review so far)
    is pending or approved. The caller checks its own permission, links the authorisation to its request
    and audits that, in the same transaction; viewing audits the authorisation itself."""
    if under_review(current):
        assert current is not None
        raise PolicyRefusal(Refusal(clause, f"{label} already has a review authorisation (#{current.pk})"))
    return viewing.request_authorisation(actor, cameras, start, end, category, reason, now=now)
