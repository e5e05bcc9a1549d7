"""The review (10.2): approved users see the footage through a normal viewing authorisation with reason
"subject access request"; the Headteacher or a designated person decides it (9.2). One authorisation a
window: a case of several windows is reviewed window by window, so nobody sees the footage between them."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from watchkeeper.core.actors import Actor
from watchkeeper.core.clauses import enforces
from watchkeeper.subjectaccess.models import SubjectAccessRequest
from watchkeeper.subjectaccess.services.common import REVIEW, audit, handler, lock_live
from watchkeeper.viewing import reviews
from watchkeeper.viewing.models import ReasonCategory


@enforces("10.2")
def request_review(actor: Actor, case: SubjectAccessRequest, *, now: datetime) -> SubjectAccessRequest:
    """An approved reviewer asks, through the normal viewing workflow, to see the case's cameras in the
    first window not yet under review, with reason "subject access request"; the Headteacher or a designated
    person decides (9.2)."""
    person = handler(actor, case.school_id, REVIEW)
    with transaction.atomic():
        lock_live(case)
        windows = case.windows()
        window = next((w for w in windows if not reviews.under_review(w.review)), windows[0])
        auth = reviews.ask_for_review(
            person,
            window.review,
            clause="10.2",
            label=case.reference,
            cameras=case.cameras.all(),
            start=window.start,
            end=window.end,
            category=ReasonCategory.SUBJECT_ACCESS,
            reason=f"{case.reference}: subject access request (10.2) — find the footage of the requester. "
            f"Description: {case.description}",
            now=now,
        )
        if window.row is None:
            case.review = auth
            case.save(update_fields=["review"])
        else:
            window.row.review = auth
            window.row.save(update_fields=["review"])
        audit(
            "review_requested",
            person,
            case,
            authorisation=auth.pk,
            start=window.start.isoformat(),
            end=window.end.isoformat(),
        )
    return case


def review_approved(case: SubjectAccessRequest) -> bool:
    """Every window of the case reviewed under an approved authorisation."""
    return all(reviews.review_approved(w.review) for w in case.windows())


def needs_review(case: SubjectAccessRequest) -> bool:
    """A window of the case has no review asked for (or only a declined one)."""
    return any(not reviews.under_review(w.review) for w in case.windows())
