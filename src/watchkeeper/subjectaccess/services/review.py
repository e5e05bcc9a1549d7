"""The review (10.2): approved users see the footage through a normal viewing authorisation with reason
"subject access request"; the Headteacher or a designated person decides it (9.2)."""

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
    """An approved reviewer asks, through the normal viewing workflow, to see the case's cameras and
    window with reason "subject access request"; the Headteacher or a designated person decides (9.2)."""
    person = handler(actor, case.school_id, REVIEW)
    with transaction.atomic():
        lock_live(case)
        auth = reviews.ask_for_review(
            person,
            case.review,
            clause="10.2",
            label=case.reference,
            cameras=case.cameras.all(),
            start=case.window_start,
            end=case.window_end,
            category=ReasonCategory.SUBJECT_ACCESS,
            reason=f"{case.reference}: subject access request (10.2) — find the footage of the requester. "
            f"Description: {case.description}",
            now=now,
        )
        case.review = auth
        case.save(update_fields=["review"])
        audit("review_requested", person, case, authorisation=auth.pk)
    return case


def review_approved(case: SubjectAccessRequest) -> bool:
    return reviews.review_approved(case.review)
