"""The review before a decision (11.3 applies 10.2): an approved reviewer views the request's footage
under a normal viewing authorisation and records what it shows."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from watchkeeper.core.actors import Actor, Person
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal, refuse_if
from watchkeeper.core.permissions import require
from watchkeeper.core.transitions import lock_in_state
from watchkeeper.disclosures.models import DisclosureRequest, RequestStatus, ReviewOutcome
from watchkeeper.disclosures.services.common import REVIEW, audit, staff, terms
from watchkeeper.viewing import reviews
from watchkeeper.viewing.models import ReasonCategory

NOTHING_TO_REVIEW = "11.3, 10.2: this request has been decided already — nothing is left to review"


@enforces("10.2", "11.3")
def request_review(actor: Actor, req: DisclosureRequest, *, now: datetime) -> DisclosureRequest:
    """11.3: "a Headteacher must follow the same process as per point 10.2": an approved reviewer asks,
    through the normal viewing workflow, to see the request's cameras and window with reason "disclosure";
    the Headteacher or a designated person decides that authorisation (9.2)."""
    person = staff(actor)
    require(person, REVIEW, req.school_id)
    if req.status != RequestStatus.PENDING:
        raise PolicyRefusal(NOTHING_TO_REVIEW)
    with transaction.atomic():
        lock_in_state(req, [RequestStatus.PENDING], NOTHING_TO_REVIEW)
        auth = reviews.ask_for_review(
            person,
            req.review,
            clause="11.3, 10.2",
            label=str(req),
            cameras=req.cameras.all(),
            start=req.start,
            end=req.end,
            category=ReasonCategory.DISCLOSURE,
            reason=f"{req}: disclosure request (11.3, 10.2) — check whether the footage shows what is "
            f"sought. Sought: {req.sought}",
            now=now,
        )
        req.review = auth
        req.save(update_fields=["review"])
        audit("review_requested", person, req, **terms(req, req.cameras.all()), authorisation=auth.pk)
    return req


@enforces("10.2", "11.3")
def finding_problems(req: DisclosureRequest, person: Person, outcome: str, finding: str) -> list[str]:
    """What stops `person` recording the review's finding."""
    problems = []
    if req.status != RequestStatus.PENDING:
        problems.append("11.3, 10.2: this request has been decided already")
    if not reviews.review_approved(req.review):
        problems.append("11.3, 10.2: the review's viewing authorisation has not been approved")
    elif req.review is not None and req.review.requested_by_id != person.pk:
        problems.append(
            "10.2: only the reviewer who viewed the footage (the person who asked for the review) records "
            "what it shows"
        )
    if outcome not in ReviewOutcome.values:
        problems.append("10.2: say whether the footage shows what was sought")
    if not finding.strip():
        problems.append("10.2: describe in a few words what the footage shows (or why it does not)")
    return problems


@enforces("10.2", "11.3")
def record_finding(
    actor: Actor, req: DisclosureRequest, *, outcome: str, finding: str, now: datetime
) -> DisclosureRequest:
    """The reviewer records what the footage shows, for the Headteacher's decision (11.3, 10.2). A later
    finding by the same reviewer replaces the earlier one while the request is undecided; each is audited."""
    person = staff(actor)
    require(person, REVIEW, req.school_id)
    refuse_if(finding_problems(req, person, outcome, finding))
    changed = "11.3, 10.2: this request changed meanwhile — reload it"
    with transaction.atomic():
        reviewed = req.review_id
        lock_in_state(req, [RequestStatus.PENDING], changed)
        if req.review_id != reviewed:
            raise PolicyRefusal(changed)
        req.review_outcome, req.review_finding = outcome, finding.strip()
        req.finding_by, req.finding_at = person, now
        req.save(update_fields=["review_outcome", "review_finding", "finding_by", "finding_at"])
        details = {"request": req.pk, "authorisation": req.review_id, "outcome": outcome}
        audit("review_finding_recorded", person, req, req.review_finding, **details)
    return req


@enforces("10.2", "11.3")
def review_problems(req: DisclosureRequest) -> list[str]:
    """What stops an approval for want of the review (11.3, 10.2)."""
    if not reviews.review_approved(req.review):
        return [
            "11.3, 10.2: the footage must be reviewed by an approved user, under an approved viewing "
            "authorisation, before the request is approved — a footage reviewer or the CCTV administrator "
            "asks for it under Disclosure reviews"
        ]
    if not req.review_outcome:
        return ["11.3, 10.2: the reviewer has not yet recorded what the footage shows"]
    return []
