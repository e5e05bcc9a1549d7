"""The Headteacher's decision (11.3, 11.5), with a fresh authenticator code: an approval sends the footage
through the evidence workflow and, in the same decision where the decider may authorise downloads, authorises
its package (issue 15 §4); a refusal releases the hold."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from watchkeeper.core.actors import SYSTEM, Actor, Person
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal, refuse_if
from watchkeeper.core.second_factor import FreshCode, require_fresh_code
from watchkeeper.core.transitions import lock_in_state
from watchkeeper.disclosures.models import DisclosureRequest, RequestStatus, ReviewOutcome
from watchkeeper.disclosures.services.common import DECIDE, audit, staff, terms
from watchkeeper.disclosures.services.requests import camera_purpose_problems, release_request_hold
from watchkeeper.disclosures.services.review import review_problems
from watchkeeper.estate.models import Camera, Purpose
from watchkeeper.evidence import services as evidence
from watchkeeper.evidence.models import DownloadRequest
from watchkeeper.people import deciders
from watchkeeper.people.deciders import DISCLOSURE, Standing, decider_problems
from watchkeeper.recording import coverage

DECIDED = "11.3: this request has been decided already"
OVERRIDE_NEEDED = (
    "11.3, 10.2: the reviewer found that the footage does not show what was sought — approve it only with "
    "an override: say why it should be disclosed all the same"
)


@dataclass(frozen=True)
class Decided:
    """A decision on a request; with `with_package`, the package authorised in the same decision (its
    password, shown once: 11.6) or why it waits for its own authorisation under Downloads."""

    request: DisclosureRequest
    package: evidence.Decided | None = None
    package_waits: tuple[str, ...] = ()


@enforces("11.2", "11.3", "11.5", "R24")
def decision_problems(
    req: DisclosureRequest,
    *,
    approve: bool,
    reason: str,
    confirmed_purpose: str,
    documents: int,
    cameras: Sequence[Camera] = (),
    override: str = "",
) -> list[str]:
    """Pure: what stops this decision. `cameras`: the request's, whose purposes the confirmed purpose of a
    police request must be among (11.2). `override`: why to approve although the review found the footage
    does not show what was sought."""
    problems = []
    if req.status != RequestStatus.PENDING:
        problems.append(DECIDED)
    if not reason.strip():
        problems.append("11.5: record the reason for the decision")
    if approve and req.is_police and confirmed_purpose not in Purpose.values:
        problems.append(
            "11.2: confirm which purpose of the CCTV (4.1) the disclosure serves — if none applies, refuse it"
        )
    if approve and req.is_police:
        problems.extend(camera_purpose_problems(cameras, confirmed_purpose))
    if approve and not req.is_police and documents == 0:
        problems.append(
            "11.5: upload the documentary evidence (court order, proof of proceedings, signed request or "
            "consent) before approving"
        )
    if approve:
        problems.extend(review_problems(req))
    if approve and needs_override(req) and not override.strip():
        problems.append(OVERRIDE_NEEDED)
    return problems


def needs_override(req: DisclosureRequest) -> bool:
    """The review found nothing of what was sought: an approval is an explicit override (issue 15 §2)."""
    return req.review_outcome == ReviewOutcome.NOT_SHOWN


@enforces("11.3", "11.5")
def footage_problems(req: DisclosureRequest) -> list[str]:
    """Nothing recorded in the request's window (or all erased since): an approval would send the evidence
    workflow a package that cannot be built, so it is refused before anyone authorises it (issue 15 §2)."""
    clause = "11.3" if req.is_police else "11.5"
    return coverage.footage_problems(clause, list(req.cameras.all()), req.start, req.end)


@enforces("11.3", "R24")
def decide(
    actor: Actor,
    req: DisclosureRequest,
    *,
    approve: bool,
    code: str,
    reason: str,
    now: datetime,
    confirmed_purpose: str = "",
    override: str = "",
) -> DisclosureRequest:
    """The decision alone: an approval leaves its download request awaiting its own authorisation under
    Downloads (the path before issue 15; `decide_and_release` takes both in one decision)."""
    decided = decide_and_release(
        actor,
        req,
        approve=approve,
        code=code,
        reason=reason,
        now=now,
        confirmed_purpose=confirmed_purpose,
        override=override,
        with_package=False,
    )
    return decided.request


@enforces("11.3", "11.6", "R24")
def decide_and_release(
    actor: Actor,
    req: DisclosureRequest,
    *,
    approve: bool,
    code: str,
    reason: str,
    now: datetime,
    confirmed_purpose: str = "",
    override: str = "",
    with_package: bool = True,
) -> Decided:
    """The Headteacher (or an alternate nominated for disclosures; the DPO only on an escalated request)
    decides, with a fresh authenticator code. An approval records the legal basis and sends the footage
    through the evidence workflow in the same transaction: if the evidence workflow refuses, nothing is
    approved. The nomination relied on is recorded (people/deciders.py). Where the review found the footage
    does not show what was sought, an approval needs `override`: the reason, recorded and audited.

    Issue 15 §4: with `with_package`, the same decision and the same code authorise the release's package
    (Appendix I's signature; the password is returned, to be shown once, 11.6), audited as its own event
    (`evidence.download_approved` after `disclosures.request_approved`). Where the decider may not
    authorise that download (no nomination for downloads, held footage awaiting the CCTV administrator's
    release, the DPO on an escalated request) the release is still decided and the package waits for its
    own authorisation, with the reasons returned."""
    person = staff(actor)
    # 11.3, 11.5 "referred to the Headteacher": people/deciders.py, as viewing and downloads are decided.
    problems, standing = decider_problems(person, DISCLOSURE, req, now=now)
    problems += decision_problems(
        req,
        approve=approve,
        reason=reason,
        confirmed_purpose=confirmed_purpose,
        documents=req.documents.count(),
        cameras=list(req.cameras.all()),
        override=override,
    )
    if approve and not problems:
        problems += footage_problems(req)
    refuse_if(problems)
    fresh = _check_code(person, code, req)
    with transaction.atomic():
        lock_in_state(req, [RequestStatus.PENDING], DECIDED)
        # The finding may have changed since the checks above: an override is judged on the locked row.
        if approve and needs_override(req) and not override.strip():
            raise PolicyRefusal(OVERRIDE_NEEDED)
        req.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
        req.decided_by, req.decided_at, req.decision_reason = person, now, reason.strip()
        req.nomination = standing.nomination
        if approve and req.is_police:
            req.confirmed_purpose = confirmed_purpose
        overridden = approve and needs_override(req)
        req.review_override = override.strip() if overridden else ""
        if approve:
            req.download_request_id = _send_to_evidence(req, now)
        else:
            _release_hold(req, "the disclosure was refused", now)
        req.save(
            update_fields=[
                "status",
                "decided_by",
                "decided_at",
                "decision_reason",
                "nomination",
                "confirmed_purpose",
                "review_override",
                "download_request_id",
            ]
        )
        if overridden:
            audit("review_overridden", person, req, req.review_override, **_override_terms(req))
        download = _download(req.download_request_id) if approve and with_package else None
        waits = evidence.authorisation_problems(person, download, now=now) if download else []
        _record_decision(person, req, approve, standing, package_together=bool(download and not waits))
        package = None
        if download is not None and not waits:
            package = _authorise_package(person, req, download, fresh, now)
    return Decided(req, package, tuple(waits))


def package_waits(actor: Actor, req: DisclosureRequest, *, now: datetime) -> list[str]:
    """For the request's page, before the decision: why approving would leave the package to its own
    authorisation — the decider does not authorise downloads at the school. The rest (held footage, the
    two-person rule) is checked on the download request the decision makes."""
    if deciders.may_authorise_downloads(actor, req.school_id, now=now):
        return []
    return [evidence.NOT_AN_AUTHORISER]


def _download(pk: int | None) -> DownloadRequest | None:
    return DownloadRequest.objects.select_related("school").filter(pk=pk).first() if pk else None


def _authorise_package(
    person: Person, req: DisclosureRequest, download: DownloadRequest, fresh: FreshCode, now: datetime
) -> evidence.Decided:
    """The package's authorisation (9.5, Appendix I), checked by the evidence workflow as any other and
    audited there, with the code the disclosure's decision accepted a moment before (issue 15 §4)."""
    note = f"Authorised in the same decision as the release of {req} (11.3)"
    return evidence.decide_download(person, download, approve=True, otp_code=fresh, note=note, now=now)


def _check_code(person: Person, code: str, req: DisclosureRequest) -> FreshCode:
    """A decision needs a fresh authenticator code (core.second_factor), as a viewing decision does."""
    return require_fresh_code(
        person,
        code,
        clause="11.3",
        audit_action="disclosures.second_factor_refused",
        school=req.school,
        obj=req,
        details={"for": DECIDE},
    )


def _record_decision(
    person: Person, req: DisclosureRequest, approve: bool, standing: Standing, *, package_together: bool
) -> None:
    details = terms(req, req.cameras.all())
    details.update(
        decision=req.status,
        authority=standing.basis,
        nomination=standing.nomination.pk if standing.nomination else None,
        download_request=req.download_request_id,
        review=req.review_id,
        review_outcome=req.review_outcome,
        package_authorised_together=package_together,
    )
    if req.review_override:
        details["review_override"] = req.review_override
    if req.is_police:
        details["confirmed_purpose"] = req.confirmed_purpose
    audit("request_approved" if approve else "request_refused", person, req, req.decision_reason, **details)


def _override_terms(req: DisclosureRequest) -> dict[str, object]:
    """What was overridden: the review and its finding, beside the decider's reason."""
    return {
        "request": req.pk,
        "authorisation": req.review_id,
        "review_outcome": req.review_outcome,
        "review_finding": req.review_finding,
    }


def _release_hold(req: DisclosureRequest, why: str, now: datetime) -> None:
    release_request_hold(req.hold, f"{req}: {why}", now=now)


def _send_to_evidence(req: DisclosureRequest, now: datetime) -> int:
    """The approved footage goes through the evidence workflow (issue 5): a download request whose
    package, letter and CCTV-log row that workflow makes.

    The download is asked for by SYSTEM on the school's behalf, not by the Headteacher who approved the
    disclosure: the evidence workflow lets nobody authorise their own download request, and that
    authorisation (Appendix I's "signature", which shows the package password once, 11.6) is the natural
    next step for the same Headteacher. This approval, and who gave it, is audited here."""
    made = evidence.request_download(
        SYSTEM,
        school=req.school,
        cameras=list(req.cameras.all()),
        start=req.start,
        end=req.end,
        purpose="police" if req.is_police else "third_party",
        reason_category="disclosure",
        reason=f"{req.get_kind_display()} {req.reference}: {req.reason}",
        recipient_name=req.requester_name,
        recipient_organisation=req.requester_organisation,
        legal_basis=req.get_legal_basis_display(),
        case_reference=req.reference,
        # 13.2: the police's request to keep the copy longer travels to the copy (who asked, until when).
        keep_until=req.keep_until if req.keep_longer else None,
        keep_asked_by=f"{req.requester_name}, collar {req.collar_number} ({req.requester_organisation})",
        keep_reason=f"Police request {req.reference}: {req.keep_longer_reason}",
        now=now,
    )
    return int(made.pk)
