"""The Headteacher's or a designated person's decision on a download request (9.5, 9.6, 11.6; design/
evidence.md "Download requests"): approve or refuse with a fresh second factor, re-issue after a failed
build; on approval a new password is shown once and the build job queued with it sealed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from watchkeeper.core.actors import Actor, Person, require_person
from watchkeeper.core.auditing import audit_about
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal, refuse_if
from watchkeeper.core.second_factor import FreshCode, require_fresh_code
from watchkeeper.core.transitions import lock_in_state
from watchkeeper.estate.models import School
from watchkeeper.evidence import holds, package, storage
from watchkeeper.evidence.models import Download, DownloadRequest, RequestStatus
from watchkeeper.evidence.services.actions import (
    APPROVED,
    REFUSED,
    REISSUED,
    SECOND_FACTOR_REFUSED,
)
from watchkeeper.evidence.services.requests import (
    footage_problems,
    request_terms,
    subject_access_redaction_problems,
)
from watchkeeper.jobs.queue import enqueue_on_commit
from watchkeeper.people import deciders
from watchkeeper.people.deciders import DOWNLOAD, Standing, decider_problems

DECIDED_ALREADY = "9.5: this request has been decided already"
NOT_FAILED = "9.5: only a download whose build failed can be re-issued"
OWN_REQUEST = "9.5: nobody may authorise their own request to download footage"
NOT_AN_AUTHORISER = (
    "9.5: you do not authorise downloads at this school — the Headteacher or an alternate nominated for "
    "downloads authorises the package under Downloads"
)


@dataclass(frozen=True)
class Decided:
    request: DownloadRequest
    password: str | None  # shown once to the authoriser (11.6); never stored, logged or audited


def check_second_factor(
    actor: Person, req_or_copy: DownloadRequest | Download, school: School, code: str | FreshCode, step: str
) -> FreshCode:
    """A fresh authenticator code (core.second_factor); the views count a wrong one as a failed log-in."""
    return require_fresh_code(
        actor,
        code,
        clause="9.5",
        audit_action=SECOND_FACTOR_REFUSED,
        school=school,
        obj=req_or_copy,
        details={"step": step, "object": req_or_copy.pk},
    )


def _deciders(actor: Person, req: DownloadRequest, now: datetime) -> tuple[list[str], Standing]:
    """In place of require(actor, AUTHORISE, school): the Headteacher, an alternate nominated for downloads
    or the DPO on a re-routed or escalated request; not recused; and the two-person rule across accounts
    (9.5) for the person who asked and the staff requestor (people/deciders.py, people/two_person.py)."""
    return decider_problems(actor, DOWNLOAD, req, now=now)


def _own(person: Person, req: DownloadRequest) -> bool:
    """9.5: the person asked for it, or is its staff requestor."""
    return person.pk in (req.requested_by_id, req.requestor_user_id)


@enforces("9.5", "9.6", "11.6", "Appendix I", "R13", "R16")
def decide_download(
    actor: Actor,
    req: DownloadRequest,
    *,
    approve: bool,
    otp_code: str | FreshCode,
    note: str = "",
    now: datetime,
) -> Decided:
    """The Headteacher's or a designated person's decision with a fresh second factor: Appendix I's
    "signature". On approval a new password is returned (show it once, 11.6) and the build job queued with
    the password sealed under the school key (design/evidence.md). `otp_code` may be the `FreshCode` of a
    decision that covers this one (a disclosure's release and its package: issue 15 §4)."""
    person = require_person(actor, "9.5: only a signed-in Headteacher or designated person may authorise")
    problems, standing = _decision_problems(person, req, approve=approve, note=note, now=now)
    refuse_if(problems)
    check_second_factor(person, req, req.school, otp_code, "approve" if approve else "refuse")
    with transaction.atomic():
        _record_decision(person, req, standing, approve=approve, note=note, now=now)
        password = _queue_build(req) if approve else None
    return Decided(req, password)


@enforces("9.5", "11.6", "Appendix I")
def approve_together(
    actor: Actor, reqs: list[DownloadRequest], *, otp_code: str, note: str = "", now: datetime
) -> list[Decided]:
    """Several requests of one response (a subject access case's clips, one package each) authorised at
    once with one fresh code and ONE password for all their packages: the recipient is given one password,
    not one a file (11.6). Each request is checked as `decide_download` checks it and stays its own
    package and its own CCTV log row (Appendix I); each approval's audit names the others."""
    person = require_person(actor, "9.5: only a signed-in Headteacher or designated person may authorise")
    if not reqs:
        raise PolicyRefusal("9.5: there is no download request awaiting authorisation")
    if len({r.school_id for r in reqs}) > 1:
        raise PolicyRefusal("9.5: requests authorised together belong to one school")
    problems, standings = [], []
    for req in reqs:
        found, standing = _decision_problems(person, req, approve=True, note=note, now=now)
        problems += [f"{p} (download request #{req.pk})" for p in found]
        standings.append(standing)
    refuse_if(problems)
    check_second_factor(person, reqs[0], reqs[0].school, otp_code, "approve together")
    together = sorted(r.pk for r in reqs)
    password = package.new_password()
    with transaction.atomic():
        for req, standing in zip(reqs, standings, strict=True):
            _record_decision(person, req, standing, approve=True, note=note, now=now, together=together)
            _queue_build(req, password)
    return [Decided(req, password) for req in reqs]


@enforces("9.5", "9.6")
def authorisation_problems(person: Person, req: DownloadRequest, *, now: datetime) -> list[str]:
    """What stops `person` authorising `req` now, in plain words, without raising: for a decision that
    would authorise the package in the same step as another (a disclosure's release, issue 15 §4), which
    otherwise leaves the package to its own authorisation."""
    if not deciders.standing(person, deciders.DOWNLOAD, req, now=now).authority:
        return [NOT_AN_AUTHORISER]
    return _decision_problems(person, req, approve=True, note="", now=now)[0]


def _decision_problems(
    person: Person, req: DownloadRequest, *, approve: bool, note: str, now: datetime
) -> tuple[list[str], Standing]:
    problems, standing = _deciders(person, req, now)
    if req.status != RequestStatus.REQUESTED:
        problems.append(DECIDED_ALREADY)
    if _own(person, req):
        problems.append(f"{OWN_REQUEST} — another Headteacher or designated person must decide it")
    if not approve and not note.strip():
        problems.append("9.5: say why the download is refused")
    if approve:
        problems += subject_access_redaction_problems(
            req.purpose,
            req.redaction,
            req.only_requester_appears,
            req.cameras.all(),
            req.start,
            req.end,
            req.unredacted_release,
        )
        problems += holds.request_problems(req, "authorised")  # 9.6: the CCTV administrator's release
        problems += footage_problems(req)
    return problems, standing


def _record_decision(
    person: Person,
    req: DownloadRequest,
    standing: Standing,
    *,
    approve: bool,
    note: str,
    now: datetime,
    together: list[int] | None = None,
) -> None:
    """Inside the decision's transaction, on the locked row: the decision and its audit event."""
    lock_in_state(req, [RequestStatus.REQUESTED], DECIDED_ALREADY)
    req.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
    req.decided_by, req.decided_at, req.decision_note = person, now, note.strip()
    req.nomination = standing.nomination
    req.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "nomination"])
    extra = {"together_with": together} if together else {}
    audit_about(
        APPROVED if approve else REFUSED,
        person,
        req,
        reason=req.decision_note or req.reason,
        authority=standing.basis,
        nomination=standing.nomination.pk if standing.nomination else None,
        **request_terms(req),
        **extra,
    )


@enforces("9.5", "R16")
def reissue_download(
    actor: Actor, req: DownloadRequest, *, otp_code: str, now: datetime | None = None
) -> Decided:
    """After a failed build, the authoriser (or another Headteacher or nominated alternate) issues a new
    password and a new build, with a fresh second factor. `now` (the nomination's day) defaults to the
    present for older callers."""
    person = require_person(actor, "9.5: only a signed-in Headteacher or designated person may re-issue")
    problems, _ = _deciders(person, req, now or timezone.now())
    if req.status != RequestStatus.FAILED:
        raise PolicyRefusal(NOT_FAILED)
    if _own(person, req):
        raise PolicyRefusal(OWN_REQUEST)
    problems += reissue_blockers(req)
    refuse_if(problems)
    check_second_factor(person, req, req.school, otp_code, "reissue")
    with transaction.atomic():
        lock_in_state(req, [RequestStatus.FAILED], NOT_FAILED)
        req.status, req.failure = RequestStatus.APPROVED, ""
        req.save(update_fields=["status", "failure"])
        audit_about(REISSUED, actor, req, **request_terms(req))
        password = _queue_build(req)
    return Decided(req, password)


@enforces("9.5", "9.6")
def reissue_blockers(req: DownloadRequest) -> list[str]:
    """What would make a new build of `req` fail the same way: held footage without the CCTV administrator's
    release (9.6), or no footage left in its window. The page offers a re-issue only when there is none."""
    return holds.request_problems(req, "re-issued") + footage_problems(req)


def _queue_build(req: DownloadRequest, password: str | None = None) -> str:
    """Inside the decision's transaction: a new password (or the one shared by requests authorised
    together), sealed for the job; the job is queued when the decision commits (so the worker sees it)."""
    from watchkeeper.evidence.tasks import build_package_job

    password = password or package.new_password()
    req.attempts += 1
    sealed = storage.seal_secret(password, req.school_id, secret_purpose(req))
    req.job_task_id = enqueue_on_commit(
        build_package_job, req.pk, school_id=req.school_id, sealed_password=sealed
    )
    req.save(update_fields=["attempts", "job_task_id"])
    return password


def secret_purpose(req: DownloadRequest) -> str:
    return f"package-password:{req.pk}:{req.attempts}"
