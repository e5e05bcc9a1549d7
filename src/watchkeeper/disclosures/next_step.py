"""The next step of a disclosure case, suggested on its page like a subject access case's (issue 15 §5: one
primary action per page, the next step suggested). Pure functions of what the page already knows; the view
turns `where` into a link: an anchor on the page, or the page elsewhere where the step is done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from watchkeeper.core.dates import uk_date


@dataclass(frozen=True)
class Facts:
    """A police (11.3) or outside-body (11.5) request as its page sees it, for the person looking."""

    status: str  # pending, approved, refused
    police: bool
    documents: int
    referred: bool  # to the DPO, whose advice is awaited
    advised: bool
    may_advise: bool
    reviewed: bool  # a reviewer asked to review the footage
    review_approved: bool
    finding: bool  # the reviewer recorded what the footage shows
    may_decide: bool
    package_asked: bool  # the approval's download request exists
    package_authorised: bool
    handed_over: bool


@dataclass(frozen=True)
class NextStep:
    """`where`: "decide", "upload", "advise" (a form on the page), "reviews" (Disclosure reviews), "review"
    (the reviewer's footage request), "download" (the package's download request), or "" (nothing to open)."""

    where: str
    advice: str


def request_step(f: Facts) -> NextStep | None:
    """What the request needs next, in the order the policy walks it; None once refused or handed over."""
    if f.status == "pending":
        return _before_decision(f)
    if f.status == "approved" and f.package_asked and not f.package_authorised:
        return NextStep(
            "download", "Authorise the package's download: its password is shown once (Appendix I, 11.6)."
        )
    if f.status == "approved" and f.package_authorised and not f.handed_over:
        return NextStep(
            "download",
            "Hand over the sealed package, and its password separately, then record the hand-over on the "
            "download request (11.6).",
        )
    return None


def _before_decision(f: Facts) -> NextStep:
    if not f.police and not f.documents:
        return NextStep(
            "upload", "Upload the documents the request rests on: without them it cannot be approved (11.5)."
        )
    if f.referred and not f.advised:
        if f.may_advise:
            return NextStep("advise", "Give your advice on this referral (11.5).")
        return NextStep("", "Wait for the Data Protection Officer's advice on the referral (11.5).")
    if not f.reviewed:
        return NextStep(
            "reviews",
            "Have the footage reviewed: a footage reviewer or the CCTV administrator asks to review it under "
            "“Disclosure reviews” (11.3).",
        )
    if not f.review_approved:
        who = "Approve" if f.may_decide else "Wait for the Headteacher or a designated person to approve"
        return NextStep("review", f"{who} the reviewer's request to view the footage (9.2).")
    if not f.finding:
        return NextStep("reviews", "Wait for the reviewer to record what the footage shows (11.3).")
    if f.may_decide:
        return NextStep("decide", "Decide the request: approve or refuse it, with your reason (11.3, 11.5).")
    return NextStep("", "Wait for the Headteacher or a designated person to decide the request (11.3, 11.5).")


def foi_step(*, decided: bool, may_decide: bool, due: date) -> NextStep | None:
    """An FOI request (11.7): decided by its due day, by the Headteacher or a nominated alternate."""
    if decided:
        return None
    if may_decide:
        return NextStep("decide", f"Record the decision by {uk_date(due)}: release or withhold (11.7).")
    return NextStep("", f"Wait for the Headteacher to record the decision by {uk_date(due)} (11.7).")
