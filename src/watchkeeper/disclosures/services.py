"""Disclosures to third parties (11.1–11.7; design/disclosures.md).

Police requests (11.2, 11.3) and requests from solicitors, courts, insurers and other outside bodies (11.5)
are logged by the school, their footage reviewed by an approved user under a normal viewing authorisation
(11.3 applies 10.2's process), then referred to the Headteacher (or a designated person, the nominated
alternate) and decided with a fresh authenticator code; an approval sends the footage through the evidence
workflow (evidence.services.request_download). FOI requests (11.7) have their own clock (clock.py). Every
disclosure, of any kind, is in the register (register.py). Every change here is audited in the same
transaction.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from watchkeeper.audit.services import record
from watchkeeper.core.actors import SYSTEM
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.permissions import require, restrict
from watchkeeper.core.second_factor import require_fresh_code
from watchkeeper.disclosures import clock
from watchkeeper.disclosures.models import (
    ClosurePeriod,
    Disclosure,
    DisclosureRequest,
    Document,
    DocumentKind,
    FOIDecision,
    FOIRequest,
    Grounds,
    LegalBasis,
    RequesterKind,
    RequestStatus,
    ReviewOutcome,
)
from watchkeeper.estate.models import Camera, Purpose, School
from watchkeeper.evidence import services as evidence
from watchkeeper.recording import crypto
from watchkeeper.recording import services as recording
from watchkeeper.recording.models import HoldPurpose
from watchkeeper.viewing import reviews
from watchkeeper.viewing.models import ReasonCategory

VIEW, MANAGE, DECIDE, ADVISE, RECORD, REGISTER, REVIEW = (
    "disclosures.view",
    "disclosures.manage",
    "disclosures.decide",
    "disclosures.advise",
    "disclosures.record",
    "disclosures.register",
    "disclosures.review",
)

# 9.6, 13.1: a request's hold is reviewed by the CCTV administrator this many days after it is logged.
HOLD_REVIEW_DAYS = 14
# Shown to the Headteacher and the DPO wherever the police basis is chosen or shown (11.3).
S29_NOTE = (
    "11.3 of the policy says police requests can only be actioned under section 29 of the Data Protection "
    "Act 1998. That Act was repealed on 25 May 2018: the basis today is the Data Protection Act 2018, "
    "Schedule 2 Part 1 paragraph 2 (crime: the prevention or detection of crime, the apprehension or "
    "prosecution of offenders). Watchkeeper records that basis."
)
# 11.3: release conditions, printed in the package letter (evidence/package/manifest.py), shown on approval.
RELEASE_CONDITIONS = (
    "The recording remains the property of the school and is to be treated in accordance with the CCTV "
    "policy; the school may refuse permission for it, or anything in it, to be passed to anyone else (11.3)."
)
# 11.7, ICO CCTV Code of Practice: what usually happens to an FOI request for CCTV images.
FOI_GUIDANCE = (
    "Images of identifiable people are their personal data: they are normally withheld under section "
    "40(2) of the Freedom of Information Act 2000, since releasing them to the world would breach the data "
    "protection principles. Release is possible when nobody can be identified (for example after "
    "redaction) or the images show no people."
)
OUTSIDE_BASES = frozenset({LegalBasis.LEGAL_PROCEEDINGS, LegalBasis.CONSENT})
ALLOWED_TYPES = {
    # content type: the first bytes a real file of that type starts with
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
ALLOWED_SUFFIXES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


def _require_person(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("11: only a signed-in member of staff may handle a disclosure request")


def _check_code(actor: Any, code: str, obj: Any, school: School, action: str) -> None:
    """A decision needs a fresh authenticator code (core.second_factor), as a viewing decision does."""
    require_fresh_code(
        actor,
        code,
        clause="11.3",
        audit_action="disclosures.second_factor_refused",
        school=school,
        obj=obj,
        details={"for": action},
    )


# --- Logging a request (11.2, 11.3, 11.5) ------------------------------------------------------------------


def _footage_problems(
    cameras: list[Camera], school: School, start: datetime, end: datetime, now: datetime
) -> list[str]:
    problems = []
    if not cameras:
        problems.append("11.1: name at least one camera whose footage is sought")
    if any(c.school_id != school.pk for c in cameras):
        problems.append("11.1: every camera must be one of this school's")
    if end <= start:
        problems.append("11.1: the window's end must be after its start")
    if end > now:
        problems.append("11.1: the window must have ended already — only recorded footage can be disclosed")
    return problems


def _terms(req: DisclosureRequest, cameras: Iterable[Camera]) -> dict[str, Any]:
    cameras = sorted(cameras, key=lambda c: c.pk)
    return {
        "request": req.pk,
        "kind": req.kind,
        "requester": req.requester_name,
        "organisation": req.requester_organisation,
        "reference": req.reference,
        "cameras": [c.pk for c in cameras],
        "camera_names": [c.name for c in cameras],
        "start": req.start.isoformat(),
        "end": req.end.isoformat(),
        "legal_basis": req.legal_basis,
    }


@enforces("4.1", "11.2", "11.3", "R24")
def police_problems(
    *, officer_name: str, collar_number: str, force: str, crime_reference: str, purpose: str, reason: str
) -> list[str]:
    """What a police request must hold (11.2, 11.3). Pure."""
    problems = []
    if not officer_name.strip() or not collar_number.strip() or not force.strip():
        problems.append("11.3: record the officer's name, collar number and force")
    if not crime_reference.strip():
        problems.append("11.3: record the crime or incident reference")
    if not reason.strip():
        problems.append("11.3: record why the police want the footage")
    if purpose not in Purpose.values:
        problems.append(
            "11.2: footage is disclosed to the police only in line with a purpose the CCTV exists for (4.1, "
            "chiefly 4.1.4 assisting the police in apprehending offenders) — this request fits none, so it "
            "cannot be actioned"
        )
    return problems


@enforces("11.1", "11.2", "11.3", "13.2", "R22", "R24")
def log_police_request(
    actor: Any,
    *,
    school: School,
    officer_name: str,
    collar_number: str,
    force: str,
    crime_reference: str,
    cameras: Iterable[Camera],
    start: datetime,
    end: datetime,
    sought: str,
    reason: str,
    purpose: str,
    received_on: date,
    contact: str = "",
    keep_longer: bool = False,
    keep_longer_reason: str = "",
    now: datetime | None = None,
) -> DisclosureRequest:
    """Log a police request for the Headteacher to decide. Refused when it fits no purpose of 4.1 (11.2)."""
    _require_person(actor)
    require(actor, MANAGE, school.pk)
    cameras = list(cameras)
    now = now or timezone.now()
    problems = police_problems(
        officer_name=officer_name,
        collar_number=collar_number,
        force=force,
        crime_reference=crime_reference,
        purpose=purpose,
        reason=reason,
    ) + _footage_problems(cameras, school, start, end, now)
    if keep_longer and not keep_longer_reason.strip():
        problems.append("13.2: say how long the police ask for the copy to be kept, and why")
    if problems:
        raise PolicyRefusal(problems)
    return _create(
        actor,
        school,
        cameras,
        now=now,
        kind=RequesterKind.POLICE,
        requester_name=officer_name.strip(),
        requester_organisation=force.strip(),
        collar_number=collar_number.strip(),
        reference=crime_reference.strip(),
        contact=contact.strip(),
        start=start,
        end=end,
        sought=sought.strip(),
        reason=reason.strip(),
        purpose=purpose,
        legal_basis=LegalBasis.CRIME,
        keep_longer=keep_longer,
        keep_longer_reason=keep_longer_reason.strip(),
        received_on=received_on,
    )


@enforces("11.1", "11.5", "R22", "R24")
def log_outside_request(
    actor: Any,
    *,
    school: School,
    kind: str,
    requester_name: str,
    organisation: str,
    reference: str,
    cameras: Iterable[Camera],
    start: datetime,
    end: datetime,
    sought: str,
    reason: str,
    grounds: str,
    legal_basis: str,
    received_on: date,
    contact: str = "",
    now: datetime | None = None,
) -> DisclosureRequest:
    """Log an application from a solicitor, court, insurer or other outside body, referred to the
    Headteacher (11.5)."""
    _require_person(actor)
    require(actor, MANAGE, school.pk)
    cameras = list(cameras)
    now = now or timezone.now()
    problems = _footage_problems(cameras, school, start, end, now)
    if kind not in RequesterKind.values or kind == RequesterKind.POLICE:
        problems.append("11.5: choose who is asking (solicitor, court, insurer or other outside body)")
    if not requester_name.strip() or not organisation.strip():
        problems.append("11.5: record who is asking and for which organisation")
    if grounds not in Grounds.values:
        problems.append("11.5: choose the grounds given (legal proceedings, court order, subject access)")
    if legal_basis not in OUTSIDE_BASES:
        problems.append(
            "11.1: an outside body's request is disclosed under DPA 2018 Sch 2 Part 1 para 5 (legal "
            "proceedings, court order) or with the consent of the people shown"
        )
    if not reason.strip():
        problems.append("11.5: record why the footage is wanted")
    if problems:
        raise PolicyRefusal(problems)
    return _create(
        actor,
        school,
        cameras,
        now=now,
        kind=kind,
        requester_name=requester_name.strip(),
        requester_organisation=organisation.strip(),
        reference=reference.strip(),
        contact=contact.strip(),
        start=start,
        end=end,
        sought=sought.strip(),
        reason=reason.strip(),
        grounds=grounds,
        legal_basis=legal_basis,
        received_on=received_on,
    )


def _create(
    actor: Any, school: School, cameras: list[Camera], *, now: datetime, **fields: Any
) -> DisclosureRequest:
    with transaction.atomic():
        req = DisclosureRequest.objects.create(school=school, logged_by=actor, logged_at=now, **fields)
        req.cameras.set(cameras)
        details = _terms(req, cameras)
        if req.is_police:
            details.update(collar_number=req.collar_number, purpose=req.purpose, keep_longer=req.keep_longer)
        else:
            details["grounds"] = req.grounds
        record(
            "disclosures.request_logged",
            actor=actor,
            school=school,
            obj=req,
            reason=req.reason,
            details=details,
        )
        req.hold = recording.place_hold(
            SYSTEM,
            school,
            cameras,
            req.start,
            req.end,
            reason=f"{req}: footage kept while the Headteacher decides the disclosure (11.3, 11.5)",
            review_on=timezone.localdate(now) + timedelta(days=HOLD_REVIEW_DAYS),
            purpose=HoldPurpose.DISCLOSURE,
        )
        req.save(update_fields=["hold"])
    return req


def _release_hold(req: DisclosureRequest, why: str) -> None:
    if req.hold is not None and req.hold.released_at is None:
        recording.release_hold(SYSTEM, req.hold, f"{req}: {why}")


# --- Documentary evidence (11.5) --------------------------------------------------------------------------


def documents_dir() -> Path:
    return Path(settings.DATA_DIR) / "disclosures"


def document_path(document: Document) -> Path:
    return documents_dir() / str(document.request.school_id) / f"{document.pk}.bin"


def _associated(document_id: uuid.UUID) -> uuid.UUID:
    """The document id binds the blob to its row, as a segment id does (a swapped file fails to open)."""
    return document_id


@enforces("11.5")
def document_type_problem(name: str, size: int, head: bytes) -> str | None:
    """Why an upload is refused, or None. PDF, JPEG or PNG by name and by content, within the size limit."""
    limit = settings.MAX_UPLOAD_BYTES
    if size > limit:
        return f"11.5: “{name}” is {size:,} bytes: documents may be at most {limit:,} bytes"
    if size == 0:
        return f"11.5: “{name}” is empty"
    content_type = ALLOWED_SUFFIXES.get(Path(name).suffix.lower())
    if content_type is None:
        return f"11.5: “{name}” is not a PDF, JPEG or PNG file: upload a scan or PDF of the document"
    if not head.startswith(ALLOWED_TYPES[content_type]):
        return f"11.5: “{name}” is named as a {content_type.split('/')[1].upper()} but its content is not one"
    return None


@enforces("9.1", "11.5", "R15")
def upload_document(
    actor: Any,
    req: DisclosureRequest,
    *,
    kind: str,
    name: str,
    data: bytes,
    now: datetime | None = None,
) -> Document:
    """Store a document for a request, encrypted at rest (9.1): AES-256-GCM with its own key, wrapped by
    the school key; the plaintext never reaches the disk."""
    _require_person(actor)
    require(actor, MANAGE, req.school_id)
    name = Path(name).name[:200] or "document"
    problem = document_type_problem(name, len(data), data[:16])
    if kind not in DocumentKind.values:
        problem = problem or "11.5: choose what kind of document this is"
    if problem:
        raise PolicyRefusal(problem)
    now = now or timezone.now()
    doc_id = uuid.uuid4()
    key_id = crypto.school_key_id(req.school_id)
    sealed = crypto.seal(data, _associated(doc_id), key_id, crypto.school_key(key_id))
    document = Document(
        id=doc_id,
        request=req,
        kind=kind,
        original_name=name,
        content_type=ALLOWED_SUFFIXES[Path(name).suffix.lower()],
        size=len(data),
        sha256=sealed.sha256,
        key_id=key_id,
        wrapped_key=sealed.wrapped_key,
        uploaded_by=actor,
        uploaded_at=now,
    )
    path = document_path(document)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(sealed.blob)
    try:
        with transaction.atomic():
            document.save(force_insert=True)
            record(
                "disclosures.document_uploaded",
                actor=actor,
                school=req.school,
                obj=req,
                details={
                    "document": str(doc_id),
                    "kind": kind,
                    "name": name,
                    "size": len(data),
                    "sha256": sealed.sha256,
                },
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return document


def open_document(actor: Any, document: Document) -> bytes:
    """The decrypted document, to someone who may see the request; every opening is audited."""
    _require_person(actor)
    require(actor, VIEW, document.request.school_id)
    blob = document_path(document).read_bytes()
    data = crypto.open_blob(
        blob,
        _associated(document.pk),
        bytes(document.wrapped_key),
        crypto.existing_school_key(document.key_id),
    )
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise crypto.BlobError("the document does not match the checksum taken at upload")
    record(
        "disclosures.document_opened",
        actor=actor,
        school=document.request.school,
        obj=document.request,
        details={"document": str(document.pk), "name": document.original_name, "sha256": document.sha256},
    )
    return data


# --- Escalation to the DPO (11.5) --------------------------------------------------------------------------


@enforces("11.5")
def escalate(
    actor: Any, req: DisclosureRequest, note: str = "", *, now: datetime | None = None
) -> DisclosureRequest:
    """One click: the case goes to the Trust's DPO (11.5 "any concerns as to disclosure"), who sees it in
    their list with everything attached."""
    _require_person(actor)
    require(actor, MANAGE, req.school_id)
    if req.escalated_at is not None:
        raise PolicyRefusal("11.5: this request is with the DPO already")
    if req.status != RequestStatus.PENDING:
        raise PolicyRefusal("11.5: this request has been decided already")
    now = now or timezone.now()
    with transaction.atomic():
        req.escalated_by, req.escalated_at, req.escalation_note = actor, now, note.strip()
        req.save(update_fields=["escalated_by", "escalated_at", "escalation_note"])
        record(
            "disclosures.escalated_to_dpo",
            actor=actor,
            school=req.school,
            obj=req,
            reason=req.escalation_note,
            details={**_terms(req, req.cameras.all()), "documents": req.documents.count()},
        )
    return req


@enforces("3.5", "11.5")
def advise(
    actor: Any, req: DisclosureRequest, advice: str, *, now: datetime | None = None
) -> DisclosureRequest:
    """The DPO's advice on an escalated request (3.5, 11.5); the Headteacher still decides."""
    _require_person(actor)
    require(actor, ADVISE, req.school_id)
    if req.escalated_at is None:
        raise PolicyRefusal("11.5: the school has not referred this request to the DPO")
    if not advice.strip():
        raise PolicyRefusal("11.5: write the advice")
    now = now or timezone.now()
    with transaction.atomic():
        req.dpo_advice, req.advised_by, req.advised_at = advice.strip(), actor, now
        req.save(update_fields=["dpo_advice", "advised_by", "advised_at"])
        record("disclosures.dpo_advised", actor=actor, school=req.school, obj=req, reason=req.dpo_advice)
    return req


# --- The review (11.3, 10.2) ------------------------------------------------------------------------------


@enforces("10.2", "11.3")
def request_review(actor: Any, req: DisclosureRequest, *, now: datetime | None = None) -> DisclosureRequest:
    """11.3: "a Headteacher must follow the same process as per point 10.2": an approved reviewer asks,
    through the normal viewing workflow, to see the request's cameras and window with reason "disclosure";
    the Headteacher or a designated person decides that authorisation (9.2)."""
    _require_person(actor)
    require(actor, REVIEW, req.school_id)
    if req.status != RequestStatus.PENDING:
        raise PolicyRefusal("11.3, 10.2: this request has been decided already — nothing is left to review")
    with transaction.atomic():
        locked = DisclosureRequest.objects.select_for_update().get(pk=req.pk)
        auth = reviews.ask_for_review(
            actor,
            locked.review,
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
        record(
            "disclosures.review_requested",
            actor=actor,
            school=req.school,
            obj=req,
            details={**_terms(req, req.cameras.all()), "authorisation": auth.pk},
        )
    return req


@enforces("10.2", "11.3")
def finding_problems(req: DisclosureRequest, actor: Any, outcome: str, finding: str) -> list[str]:
    """What stops `actor` recording the review's finding."""
    problems = []
    if req.status != RequestStatus.PENDING:
        problems.append("11.3, 10.2: this request has been decided already")
    if not reviews.review_approved(req.review):
        problems.append("11.3, 10.2: the review's viewing authorisation has not been approved")
    elif req.review is not None and req.review.requested_by_id != actor.pk:
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
    actor: Any, req: DisclosureRequest, *, outcome: str, finding: str, now: datetime | None = None
) -> DisclosureRequest:
    """The reviewer records what the footage shows, for the Headteacher's decision (11.3, 10.2). A later
    finding by the same reviewer replaces the earlier one while the request is undecided; each is audited."""
    _require_person(actor)
    require(actor, REVIEW, req.school_id)
    problems = finding_problems(req, actor, outcome, finding)
    if problems:
        raise PolicyRefusal(problems)
    now = now or timezone.now()
    with transaction.atomic():
        locked = DisclosureRequest.objects.select_for_update().get(pk=req.pk)
        if locked.status != RequestStatus.PENDING or locked.review_id != req.review_id:
            raise PolicyRefusal("11.3, 10.2: this request changed meanwhile — reload it")
        req.review_outcome, req.review_finding = outcome, finding.strip()
        req.finding_by, req.finding_at = actor, now
        req.save(update_fields=["review_outcome", "review_finding", "finding_by", "finding_at"])
        record(
            "disclosures.review_finding_recorded",
            actor=actor,
            school=req.school,
            obj=req,
            reason=req.review_finding,
            details={"request": req.pk, "authorisation": req.review_id, "outcome": outcome},
        )
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


# --- The Headteacher's decision (11.3, 11.5) ---------------------------------------------------------------


@enforces("11.2", "11.3", "11.5", "R24")
def decision_problems(
    req: DisclosureRequest, *, approve: bool, reason: str, confirmed_purpose: str, documents: int
) -> list[str]:
    """Pure: what stops this decision."""
    problems = []
    if req.status != RequestStatus.PENDING:
        problems.append("11.3: this request has been decided already")
    if not reason.strip():
        problems.append("11.5: record the reason for the decision")
    if approve and req.is_police and confirmed_purpose not in Purpose.values:
        problems.append(
            "11.2: confirm which purpose of the CCTV (4.1) the disclosure serves — if none applies, refuse it"
        )
    if approve and not req.is_police and documents == 0:
        problems.append(
            "11.5: upload the documentary evidence (court order, proof of proceedings, signed request or "
            "consent) before approving"
        )
    if approve:
        problems.extend(review_problems(req))
    return problems


@enforces("11.3", "R24")
def decide(
    actor: Any,
    req: DisclosureRequest,
    *,
    approve: bool,
    code: str,
    reason: str,
    confirmed_purpose: str = "",
    now: datetime | None = None,
) -> DisclosureRequest:
    """The Headteacher (or nominated alternate) decides, with a fresh authenticator code. An approval
    records the legal basis and sends the footage through the evidence workflow in the same
    transaction: if the evidence workflow refuses, nothing is approved."""
    _require_person(actor)
    require(actor, DECIDE, req.school_id)
    problems = decision_problems(
        req,
        approve=approve,
        reason=reason,
        confirmed_purpose=confirmed_purpose,
        documents=req.documents.count(),
    )
    if problems:
        raise PolicyRefusal(problems)
    _check_code(actor, code, req, req.school, DECIDE)
    now = now or timezone.now()
    with transaction.atomic():
        locked = DisclosureRequest.objects.select_for_update().get(pk=req.pk)
        if locked.status != RequestStatus.PENDING:
            raise PolicyRefusal("11.3: this request has been decided already")
        req.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
        req.decided_by, req.decided_at, req.decision_reason = actor, now, reason.strip()
        if approve and req.is_police:
            req.confirmed_purpose = confirmed_purpose
        if approve:
            req.download_request_id = _send_to_evidence(actor, req, now)
        else:
            _release_hold(req, "the disclosure was refused")
        req.save(
            update_fields=[
                "status",
                "decided_by",
                "decided_at",
                "decision_reason",
                "confirmed_purpose",
                "download_request_id",
            ]
        )
        details = _terms(req, req.cameras.all())
        details.update(
            decision=req.status,
            download_request=req.download_request_id,
            review=req.review_id,
            review_outcome=req.review_outcome,
        )
        if req.is_police:
            details["confirmed_purpose"] = req.confirmed_purpose
        record(
            "disclosures.request_approved" if approve else "disclosures.request_refused",
            actor=actor,
            school=req.school,
            obj=req,
            reason=req.decision_reason,
            details=details,
        )
    return req


def _send_to_evidence(actor: Any, req: DisclosureRequest, now: datetime) -> int:
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
        now=now,
    )
    return int(made.pk)


# --- FOI (11.7) --------------------------------------------------------------------------------------------


@enforces("11.7", "R25")
def log_foi_request(
    actor: Any,
    *,
    school: School,
    requester_name: str,
    contact: str,
    received_on: date,
    sought: str,
    now: datetime | None = None,
) -> FOIRequest:
    _require_person(actor)
    require(actor, MANAGE, school.pk)
    problems = []
    if not requester_name.strip() or not contact.strip():
        problems.append("11.7: record who asked and how to reply (FOIA s8: a name and an address)")
    if not sought.strip():
        problems.append("11.7: record what information is asked for")
    now = now or timezone.now()
    if received_on > timezone.localdate(now):
        problems.append("11.7: the date of receipt cannot be in the future")
    if problems:
        raise PolicyRefusal(problems)
    with transaction.atomic():
        foi = FOIRequest.objects.create(
            school=school,
            requester_name=requester_name.strip(),
            contact=contact.strip(),
            received_on=received_on,
            sought=sought.strip(),
            logged_by=actor,
            logged_at=now,
        )
        due = foi_deadline(foi)
        record(
            "disclosures.foi_logged",
            actor=actor,
            school=school,
            obj=foi,
            details={
                "received_on": received_on.isoformat(),
                "due": due.due.isoformat(),
                "capped": due.capped,
            },
        )
    return foi


def closures_for(school_id: int) -> list[clock.Closure]:
    return [
        clock.Closure(c.first_day, c.last_day)
        for c in ClosurePeriod.objects.filter(school_id=school_id).only("first_day", "last_day")
    ]


def foi_deadline(foi: FOIRequest, closures: list[clock.Closure] | None = None) -> clock.FOIDeadline:
    return clock.foi_deadline(foi.received_on, closures_for(foi.school_id) if closures is None else closures)


@enforces("11.7", "R24", "R25")
def decide_foi(
    actor: Any, foi: FOIRequest, *, decision: str, reason: str, now: datetime | None = None
) -> FOIRequest:
    """Record the answer. A release (whole or part) is a disclosure to the world and goes in the register."""
    _require_person(actor)
    require(actor, DECIDE, foi.school_id)
    problems = []
    if foi.decision:
        problems.append("11.7: this FOI request has been answered already")
    if decision not in FOIDecision.values:
        problems.append("11.7: choose the decision")
    if not reason.strip():
        problems.append("11.7: record the reason (what was released, or why it was withheld)")
    if problems:
        raise PolicyRefusal(problems)
    now = now or timezone.now()
    with transaction.atomic():
        locked = FOIRequest.objects.select_for_update().get(pk=foi.pk)
        if locked.decision:
            raise PolicyRefusal("11.7: this FOI request has been answered already")
        foi.decision, foi.decision_reason, foi.decided_by, foi.decided_at = (
            decision,
            reason.strip(),
            actor,
            now,
        )
        foi.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
        record(
            "disclosures.foi_decided",
            actor=actor,
            school=foi.school,
            obj=foi,
            reason=foi.decision_reason,
            details={"decision": decision, "due": foi_deadline(foi).due.isoformat()},
        )
        if decision != FOIDecision.WITHHELD:
            record_disclosure(
                actor,
                school=foi.school,
                recipient_name=foi.requester_name,
                recipient_organisation="FOI requester (release to the public)",
                what=f"{foi.get_decision_display()}: {foi.decision_reason}",
                legal_basis="FOIA 2000 s1 (release under the Act)",
                authorised_by=actor,
                disclosed_at=now,
                reference=f"FOI-{foi.pk}",
            )
    return foi


# --- Closure periods (school days for the FOI clock) --------------------------------------------------------


@enforces("11.7", "R25")
def add_closure(
    actor: Any,
    *,
    school: School,
    first_day: date,
    last_day: date,
    description: str,
    now: datetime | None = None,
) -> ClosurePeriod:
    _require_person(actor)
    require(actor, MANAGE, school.pk)
    problems = []
    if last_day < first_day:
        problems.append("11.7: the last day of a closure cannot be before its first")
    if not description.strip():
        problems.append("11.7: say what the closure is (holiday, INSET day)")
    if (last_day - first_day).days > 366:
        problems.append("11.7: a closure period is at most a year: enter each holiday separately")
    if problems:
        raise PolicyRefusal(problems)
    with transaction.atomic():
        period = ClosurePeriod.objects.create(
            school=school,
            first_day=first_day,
            last_day=last_day,
            description=description.strip(),
            added_by=actor,
            added_at=now or timezone.now(),
        )
        record(
            "disclosures.closure_added",
            actor=actor,
            school=school,
            obj=period,
            details={
                "first_day": first_day.isoformat(),
                "last_day": last_day.isoformat(),
                "what": period.description,
            },
        )
    return period


def remove_closure(actor: Any, period: ClosurePeriod) -> None:
    _require_person(actor)
    require(actor, MANAGE, period.school_id)
    with transaction.atomic():
        record(
            "disclosures.closure_removed",
            actor=actor,
            school=period.school,
            obj=period,
            details={
                "first_day": period.first_day.isoformat(),
                "last_day": period.last_day.isoformat(),
                "what": period.description,
            },
        )
        period.delete()


# --- The register (11.1) ---------------------------------------------------------------------------------


@enforces("11.1", "R24")
def record_disclosure(
    actor: Any,
    *,
    school: School,
    recipient_name: str,
    recipient_organisation: str,
    what: str,
    legal_basis: str,
    authorised_by: Any,
    disclosed_at: datetime,
    reference: str = "",
) -> Disclosure:
    """Enter a disclosure that left no evidence package (an in-school viewing given to a subject access
    requester, an FOI release, …) in the register (11.1). Packages are read from the evidence app."""
    require(actor, RECORD, school.pk)
    problems = []
    if not recipient_name.strip():
        problems.append("11.1: record who received the images")
    if not what.strip():
        problems.append("11.1: record what was disclosed")
    if not legal_basis.strip():
        problems.append("11.1: record the legal basis of the disclosure (data protection legislation)")
    if authorised_by is None or not getattr(authorised_by, "pk", None):
        problems.append("11.1: record who authorised the disclosure")
    if problems:
        raise PolicyRefusal(problems)
    recorder = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        row = Disclosure.objects.create(
            school=school,
            disclosed_at=disclosed_at,
            recipient_name=recipient_name.strip(),
            recipient_organisation=recipient_organisation.strip(),
            what=what.strip(),
            legal_basis=legal_basis.strip(),
            authorised_by=authorised_by,
            reference=reference.strip(),
            recorded_by=recorder,
            recorded_at=timezone.now(),
        )
        record(
            "disclosures.disclosure_recorded",
            actor=actor,
            school=school,
            obj=row,
            details={
                "recipient": row.recipient_name,
                "organisation": row.recipient_organisation,
                "legal_basis": row.legal_basis,
                "authorised_by": authorised_by.get_username(),
                "reference": row.reference,
                "disclosed_at": disclosed_at.isoformat(),
            },
        )
    return row


# --- Flags for the dashboard (11.5, 11.7) -------------------------------------------------------------------


@dataclass(frozen=True)
class FOIFlag:
    foi: FOIRequest
    due: clock.FOIDeadline
    state: clock.ClockState


def foi_flags(user: Any, today: date | None = None) -> list[FOIFlag]:
    """Open FOI requests near or past their deadline, like a SAR's (11.7), for the people who see them."""
    today = today or timezone.localdate()
    flags = []
    for foi in restrict(FOIRequest.objects.select_related("school"), user, VIEW).filter(decision=""):
        due = foi_deadline(foi)
        state = clock.foi_state(due.due, today, decided=False)
        if state.flag in ("due_soon", "overdue"):
            flags.append(FOIFlag(foi, due, state))
    return sorted(flags, key=lambda f: f.due.due)


def referred_to_dpo(user: Any) -> list[DisclosureRequest]:
    """Requests a school referred to the DPO (11.5) and still undecided: the DPO's to advise on."""
    pending = DisclosureRequest.objects.select_related("school").filter(status=RequestStatus.PENDING)
    return list(restrict(pending, user, ADVISE).exclude(escalated_at=None))
