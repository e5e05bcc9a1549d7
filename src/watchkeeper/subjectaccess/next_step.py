"""The next step of a subject access case, suggested on its page (issue 15 §5: one primary action per page,
the next step suggested, the others collapsed). A pure function of what the case page already knows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Facts:
    status: str
    live: bool
    identity_confirmed: bool
    review_approved: bool
    clips: int
    viewing_to_record: bool
    unpackaged: bool
    awaiting_authorisation: bool  # packages waiting on a decision that the person viewing may take
    blockers: int
    packages_waiting: bool = False  # packages waiting on a decision, whoever may take it


@dataclass(frozen=True)
class NextStep:
    """`action`: the case page's action form to do it with ("" when someone else acts next)."""

    action: str
    advice: str


def next_step(facts: Facts) -> NextStep | None:
    """What the case needs next, in the order the policy walks it (10.1–10.4); None once it is closed."""
    if facts.status == "awaiting_clarification":
        return NextStep("answer", "Record the requester's answer when it comes: the clock restarts then.")
    if facts.live and not facts.identity_confirmed:
        return NextStep(
            "identity", "Confirm who the requester is: the one-month clock runs from then (10.1)."
        )
    if facts.live and not facts.review_approved:
        return NextStep(
            "",
            "Wait for the footage review: an approved reviewer asks to review it under “SAR reviews”, "
            "and the Headteacher approves (10.2).",
        )
    if facts.live and not facts.clips:
        return NextStep("clip", "Record what the review found: a clip for each camera and time (10.3).")
    return _after_review(facts)


def _after_review(facts: Facts) -> NextStep | None:
    if facts.viewing_to_record:
        return NextStep("viewing", "Record the requester's viewing in school (10.3).")
    if facts.live and facts.blockers:
        # Before any package: how the other people in a clip are dealt with decides what the package holds.
        return NextStep("", "Resolve what stands before responding (listed above).")
    if facts.unpackaged and (facts.live or facts.status == "responded"):
        return NextStep("package", "Ask for the sealed package of each copy or still (9.5).")
    if facts.awaiting_authorisation:
        return NextStep("authorise", "Authorise the response's packages together, with one code (9.5).")
    if facts.packages_waiting:
        return NextStep(
            "", "Wait for the Headteacher to authorise the packages: they are in their inbox (9.5)."
        )
    if facts.live:
        return NextStep("respond", "Send the response and the letter, then mark the request responded.")
    if facts.status == "responded":
        return NextStep("close", "Close the case once the requester has what they are given.")
    return None
