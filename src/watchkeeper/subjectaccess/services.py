"""Subject access requests (10.1–10.4; design/subjectaccess.md). Every change here, audited in the same
transaction; views, jobs and the demo call these functions.

The moment a case is logged the system holds the described footage (9.6, 13.1) so retention cannot erase
it while the request is open; the hold's review date follows the statutory deadline, and the hold is
released (audited) when the case ends. The review (10.2) is a normal viewing authorisation with reason
"subject access request"; the outcome is recorded per clip (10.3) and per other person seen (10.4).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from watchkeeper.audit.models import AuditEvent
from watchkeeper.audit.services import record
from watchkeeper.core.actors import SYSTEM
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.permissions import require, restrict
from watchkeeper.disclosures.services import record_disclosure
from watchkeeper.estate.models import Camera, School
from watchkeeper.recording import services as recording
from watchkeeper.recording.models import Hold, HoldPurpose
from watchkeeper.redaction import rules as redaction_rules
from watchkeeper.redaction.models import Redaction
from watchkeeper.redaction.models import Status as RedactionStatus
from watchkeeper.subjectaccess import clock
from watchkeeper.subjectaccess.models import (
    LIVE_STATUSES,
    PARA_16_FACTORS,
    CaseStatus,
    Clarification,
    Clip,
    IdentityBasis,
    OtherPerson,
    OtherPersonBasis,
    Provision,
    SubjectAccessRequest,
)
from watchkeeper.viewing import reviews
from watchkeeper.viewing.models import ReasonCategory

VIEW, HANDLE, REVIEW = "sar.view", "sar.handle", "sar.review"
LEGAL_BASIS = "UK GDPR Art 15 (right of access)"


def _require_person(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("10.2: only a signed-in member of staff may handle a subject access request")


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _audit(action: str, actor: Any, case: SubjectAccessRequest, reason: str = "", **details: Any) -> None:
    # Names and contact details stay in the case, not the tamper-evident log: the log says what was done.
    record(
        f"subjectaccess.{action}",
        actor=actor,
        school=case.school,
        obj=case,
        reason=reason,
        details={"case": case.reference, **details},
    )


# --- Intake (10.1) ------------------------------------------------------------------------------------------


@enforces("10.1", "10.2", "R21", "R22")
def log_case(
    actor: Any,
    *,
    school: School,
    received_on: date,
    requester_name: str,
    requester_contact: str,
    description: str,
    cameras: Iterable[Camera],
    window_start: datetime,
    window_end: datetime,
    identity_basis: str = "",
    identity_note: str = "",
    identity_confirmed_on: date | None = None,
    today: date | None = None,
) -> SubjectAccessRequest:
    """Log a request and, in the same transaction, hold the footage it describes."""
    _require_person(actor)
    require(actor, HANDLE, school.pk)
    today = _today(today)
    cameras = list(cameras)
    if identity_basis == IdentityBasis.KNOWN_TO_STAFF and identity_confirmed_on is None:
        identity_confirmed_on = received_on
    problems = _intake_problems(school, cameras, received_on, window_start, window_end, today)
    problems += [p for p in [_blank("10.1: give the requester's name", requester_name)] if p]
    problems += [p for p in [_blank("10.1: give a contact for the reply", requester_contact)] if p]
    problems += [
        p
        for p in [
            _blank("10.2: describe the person (clothing, appearance) so reviewers can find them", description)
        ]
        if p
    ]
    if identity_basis:
        problems += _identity_problems(
            identity_basis, identity_note, identity_confirmed_on, received_on, today
        )
    elif identity_confirmed_on is not None:
        problems.append("10.2: say how identity was verified, or that the requester is known to staff")
    if problems:
        raise PolicyRefusal(problems)
    with transaction.atomic():
        case = SubjectAccessRequest.objects.create(
            school=school,
            received_on=received_on,
            requester_name=requester_name.strip(),
            requester_contact=requester_contact.strip(),
            identity_basis=identity_basis,
            identity_note=identity_note.strip(),
            identity_confirmed_on=identity_confirmed_on if identity_basis else None,
            description=description.strip(),
            window_start=window_start,
            window_end=window_end,
            logged_by=actor,
        )
        case.cameras.set(cameras)
        _audit(
            "logged",
            actor,
            case,
            received_on=received_on.isoformat(),
            cameras=sorted(c.pk for c in cameras),
            start=window_start.isoformat(),
            end=window_end.isoformat(),
            deadline=_iso(case.deadline(today)),
        )
        case.hold = recording.place_hold(
            SYSTEM,
            school,
            cameras,
            window_start,
            window_end,
            reason=f"{case.reference}: subject access request received {received_on:%-d %B %Y} (10.1) — "
            "footage kept while the request is open",
            review_on=hold_review_on(case, today),
            purpose=HoldPurpose.SUBJECT_ACCESS,
        )
        case.save(update_fields=["hold"])
    return case


def _blank(problem: str, value: str) -> str | None:
    return problem if not value.strip() else None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _intake_problems(
    school: School, cameras: list[Camera], received_on: date, start: datetime, end: datetime, today: date
) -> list[str]:
    problems = []
    if received_on > today:
        problems.append("10.1: the day the request was received cannot be in the future")
    if not cameras:
        problems.append("10.2: name at least one camera the requester may appear on")
    if any(c.school_id != school.pk for c in cameras):
        problems.append("10.2: a case covers cameras of its own school only")
    if end <= start:
        problems.append("10.2: the window's end must be after its start")
    return problems


def _identity_problems(
    basis: str, note: str, confirmed_on: date | None, received_on: date, today: date
) -> list[str]:
    problems = []
    if basis not in IdentityBasis.values:
        problems.append("10.2: choose how identity was established")
    if not note.strip():
        problems.append(
            "10.2: record how identity was verified, or why the requester is known to staff"
            if basis == IdentityBasis.VERIFIED
            else "10.2: record why the requester is known to staff (who knows them, how)"
        )
    if confirmed_on is None:
        problems.append("10.2: give the day identity was confirmed — the clock starts then")
    elif confirmed_on > today:
        problems.append("10.2: the day identity was confirmed cannot be in the future")
    return problems


def hold_review_on(case: SubjectAccessRequest, today: date) -> date:
    """The hold is reviewed on the deadline (or, before the clock starts, a month from receipt): never
    today or earlier, which recording.place_hold refuses (13.1)."""
    due = case.deadline(today) or clock.add_months(case.received_on, 1)
    tomorrow = timezone.localdate() + timedelta(days=1)
    return max(due, tomorrow)


def _follow_deadline(case: SubjectAccessRequest, today: date) -> None:
    """Keep the hold's review date no earlier than the (moved) deadline."""
    hold = case.hold
    if hold is None or hold.released_at is not None:
        return
    due = hold_review_on(case, today)
    if due > hold.review_on:
        recording.review_hold(
            SYSTEM, hold, f"{case.reference}: the statutory deadline moved to {due:%-d %B %Y}", due
        )


def _locked(case: SubjectAccessRequest) -> SubjectAccessRequest:
    return SubjectAccessRequest.objects.select_for_update().get(pk=case.pk)


def _require_live(case: SubjectAccessRequest) -> None:
    if case.status not in LIVE_STATUSES:
        raise PolicyRefusal(
            f"10.2: {case.reference} is {case.get_status_display().lower()} — nothing more can be done"
        )


@enforces("10.2", "R21")
def confirm_identity(
    actor: Any,
    case: SubjectAccessRequest,
    *,
    basis: str,
    note: str,
    confirmed_on: date | None,
    today: date | None = None,
) -> SubjectAccessRequest:
    """Identity established after the request arrived: the clock starts from that day."""
    _require_person(actor)
    require(actor, HANDLE, case.school_id)
    today = _today(today)
    _require_live(case)
    if basis == IdentityBasis.KNOWN_TO_STAFF and confirmed_on is None:
        confirmed_on = today
    problems = _identity_problems(basis, note, confirmed_on, case.received_on, today)
    if case.identity_basis:
        problems.append("10.2: identity is recorded already")
    if problems:
        raise PolicyRefusal(problems)
    with transaction.atomic():
        _locked(case)
        case.identity_basis, case.identity_note, case.identity_confirmed_on = (
            basis,
            note.strip(),
            confirmed_on,
        )
        case.save(update_fields=["identity_basis", "identity_note", "identity_confirmed_on"])
        _audit(
            "identity_confirmed",
            actor,
            case,
            basis=basis,
            confirmed_on=_iso(confirmed_on),
            deadline=_iso(case.deadline(today)),
        )
        _follow_deadline(case, today)
    return case


# --- The clock: clarification and extension (UK GDPR Art 12(3)) ---------------------------------------------


@enforces("10.2", "R21")
def ask_clarification(
    actor: Any, case: SubjectAccessRequest, *, question: str, today: date | None = None
) -> Clarification:
    _require_person(actor)
    require(actor, HANDLE, case.school_id)
    today = _today(today)
    _require_live(case)
    problems = []
    if case.status == CaseStatus.AWAITING_CLARIFICATION:
        problems.append("10.2: this case is already waiting for clarification")
    if not question.strip():
        problems.append("10.2: record what the requester was asked to clarify")
    if problems:
        raise PolicyRefusal(problems)
    with transaction.atomic():
        _locked(case)
        pause = Clarification.objects.create(case=case, question=question.strip(), started_on=today)
        case.status = CaseStatus.AWAITING_CLARIFICATION
        case.save(update_fields=["status"])
        _audit("clarification_asked", actor, case, reason=pause.question, paused_on=today.isoformat())
    return pause


@enforces("10.2", "R21")
def clarification_received(
    actor: Any, case: SubjectAccessRequest, *, answer: str, today: date | None = None
) -> Clarification:
    _require_person(actor)
    require(actor, HANDLE, case.school_id)
    today = _today(today)
    pause = case.clarifications.filter(ended_on__isnull=True).first()
    problems = []
    if case.status != CaseStatus.AWAITING_CLARIFICATION or pause is None:
        problems.append("10.2: this case is not waiting for clarification")
    if not answer.strip():
        problems.append("10.2: record the requester's answer")
    if problems or pause is None:
        raise PolicyRefusal(problems)
    with transaction.atomic():
        _locked(case)
        pause.ended_on, pause.answer = today, answer.strip()
        pause.save(update_fields=["ended_on", "answer"])
        case.status = CaseStatus.EXTENDED if case.extension_months else CaseStatus.OPEN
        case.save(update_fields=["status"])
        _audit(
            "clarification_received",
            actor,
            case,
            resumed_on=today.isoformat(),
            paused_days=pause.ended_on and (pause.ended_on - pause.started_on).days,
            deadline=_iso(case.deadline(today)),
        )
        _follow_deadline(case, today)
    return pause


@enforces("10.2", "R21")
def extend(
    actor: Any,
    case: SubjectAccessRequest,
    *,
    months: int,
    notified_on: date | None,
    reason: str,
    today: date | None = None,
) -> SubjectAccessRequest:
    """A complex request: up to two more months, only if the requester was told within the first month."""
    _require_person(actor)
    require(actor, HANDLE, case.school_id)
    today = _today(today)
    _require_live(case)
    problems = clock.extension_problems(
        case.received_on,
        case.identity_confirmed_on,
        today,
        months=months,
        already=case.extension_months,
        notified_on=notified_on,
        pauses=case.pauses(),
    )
    if not reason.strip():
        problems.append("10.2 (UK GDPR Art 12(3)): say why the request is complex")
    if problems:
        raise PolicyRefusal(problems)
    with transaction.atomic():
        _locked(case)
        case.extension_months += months
        case.extension_notified_on = notified_on
        if case.status == CaseStatus.OPEN:
            case.status = CaseStatus.EXTENDED
        case.save(update_fields=["extension_months", "extension_notified_on", "status"])
        _audit(
            "extended",
            actor,
            case,
            reason=reason.strip(),
            months=case.extension_months,
            notified_on=_iso(notified_on),
            deadline=_iso(case.deadline(today)),
        )
        _follow_deadline(case, today)
    return case


# --- Review (10.2) ------------------------------------------------------------------------------------------


@enforces("10.2")
def request_review(
    actor: Any, case: SubjectAccessRequest, *, now: datetime | None = None
) -> SubjectAccessRequest:
    """An approved reviewer asks, through the normal viewing workflow, to see the case's cameras and
    window with reason "subject access request"; the Headteacher or a designated person decides (9.2)."""
    _require_person(actor)
    require(actor, REVIEW, case.school_id)
    _require_live(case)
    with transaction.atomic():
        auth = reviews.ask_for_review(
            actor,
            _locked(case).review,
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
        _audit("review_requested", actor, case, authorisation=auth.pk)
    return case


def review_approved(case: SubjectAccessRequest) -> bool:
    return reviews.review_approved(case.review)


# --- Outcome per clip (10.3, 10.4) --------------------------------------------------------------------------


@enforces("10.2", "10.3")
def record_clip(
    actor: Any,
    case: SubjectAccessRequest,
    *,
    camera: Camera,
    start: datetime,
    end: datetime,
    only_requester: bool,
    provision: str,
    appointment_at: datetime | None = None,
    attended_by: str = "",
    note: str = "",
) -> Clip:
    _require_person(actor)
    require(actor, HANDLE, case.school_id)
    _require_live(case)
    problems = clip_problems(case, camera, start, end, only_requester, provision, appointment_at)
    if problems:
        raise PolicyRefusal(problems)
    with transaction.atomic():
        clip = Clip.objects.create(
            case=case,
            camera=camera,
            start=start,
            end=end,
            only_requester=only_requester,
            provision=provision,
            appointment_at=appointment_at,
            attended_by=attended_by.strip(),
            note=note.strip(),
            decided_by=actor,
            decided_at=timezone.now(),
        )
        _audit(
            "clip_decided",
            actor,
            case,
            reason=clip.note,
            clip=clip.pk,
            camera=camera.pk,
            start=start.isoformat(),
            end=end.isoformat(),
            only_requester=only_requester,
            provision=provision,
            appointment_at=appointment_at.isoformat() if appointment_at else None,
        )
    return clip


@enforces("10.2", "10.3")
def clip_problems(
    case: SubjectAccessRequest,
    camera: Camera,
    start: datetime,
    end: datetime,
    only_requester: bool,
    provision: str,
    appointment_at: datetime | None,
) -> list[str]:
    problems = []
    if not review_approved(case):
        problems.append(
            "10.2: the footage is reviewed by an approved user under an approved viewing authorisation "
            "first — ask for the review"
        )
    if not case.cameras.filter(pk=camera.pk).exists():
        problems.append("10.2: the clip must come from one of the case's cameras")
    if end <= start:
        problems.append("10.2: the clip's end must be after its start")
    elif start < case.window_start or end > case.window_end:
        problems.append("10.2: the clip must lie inside the case's window (the footage held for it)")
    if provision not in Provision.values:
        problems.append("10.3: choose what the requester is given")
    if provision == Provision.VIEWING and not only_requester:
        problems.append(
            "10.3: viewing in school is strictly limited to footage that shows only the requester — "
            "where others appear, provide a redacted copy (10.4.1)"
        )
    if provision == Provision.VIEWING and appointment_at is None:
        problems.append("10.3: give the date and time of the viewing appointment")
    return problems


@enforces("10.3", "R24")
def record_viewing_held(
    actor: Any, clip: Clip, *, attended_by: str, held_at: datetime, now: datetime | None = None
) -> Clip:
    """The in-school viewing (10.3) took place: who was present, and the disclosure it was entered in the
    register (11.1) — it left no evidence package, so the evidence app cannot show it there."""
    case = clip.case
    _require_person(actor)
    require(actor, HANDLE, case.school_id)
    now = now or timezone.now()
    problems = []
    if clip.provision != Provision.VIEWING:
        problems.append("10.3: this clip was not offered as a viewing in school")
    elif clip.attended_by:
        problems.append("10.3: this viewing is recorded already")
    if not attended_by.strip():
        problems.append("10.3: record who was present at the viewing (the requester and the member of staff)")
    if held_at > now:
        problems.append("10.3: a viewing cannot be recorded before it takes place")
    if problems:
        raise PolicyRefusal(problems)
    with transaction.atomic():
        clip.attended_by, clip.appointment_at = attended_by.strip(), held_at
        clip.save(update_fields=["attended_by", "appointment_at"])
        record_disclosure(
            actor,
            school=case.school,
            recipient_name=case.requester_name,
            recipient_organisation="",
            what=f"In-school viewing (10.3): {clip.camera.name}, "
            f"{timezone.localtime(clip.start):%-d %b %Y %H:%M:%S}–{timezone.localtime(clip.end):%H:%M:%S}",
            legal_basis=LEGAL_BASIS,
            authorised_by=actor,
            disclosed_at=held_at,
            reference=case.reference,
        )
        _audit("viewing_held", actor, case, clip=clip.pk, held_at=held_at.isoformat())
    return clip


@enforces("10.4", "10.4.1", "10.4.2", "10.4.3", "R23")
def record_other_person(
    actor: Any,
    clip: Clip,
    *,
    description: str,
    basis: str,
    redaction: Redaction | None = None,
    consent_by: str = "",
    consent_on: date | None = None,
    consent_how: str = "",
    factors: dict[str, str] | None = None,
    today: date | None = None,
) -> OtherPerson:
    """How one other person seen in the clip is dealt with (10.4.1 redaction, 10.4.2 consent, 10.4.3 a
    decision that disclosure is reasonable weighing every DPA 2018 Sch 2 Part 3 para 16 factor)."""
    case = clip.case
    _require_person(actor)
    require(actor, HANDLE, case.school_id)
    _require_live(case)
    today = _today(today)
    factors = {name: (factors or {}).get(name, "").strip() for name, _ in PARA_16_FACTORS}
    problems = other_person_problems(
        clip, description, basis, redaction, consent_by, consent_on, consent_how, factors, today
    )
    if problems:
        raise PolicyRefusal(problems)
    with transaction.atomic():
        other = OtherPerson.objects.create(
            clip=clip,
            description=description.strip(),
            basis=basis,
            redaction=redaction if basis == OtherPersonBasis.REDACTED else None,
            consent_by=consent_by.strip() if basis == OtherPersonBasis.CONSENT else "",
            consent_on=consent_on if basis == OtherPersonBasis.CONSENT else None,
            consent_how=consent_how.strip() if basis == OtherPersonBasis.CONSENT else "",
            decided_by=actor,
            decided_at=timezone.now(),
            **(factors if basis == OtherPersonBasis.REASONABLE else {}),
        )
        details: dict[str, Any] = {"clip": clip.pk, "other_person": other.pk, "basis": basis}
        if other.redaction_id:
            details["redaction"] = other.redaction_id
        _audit("other_person_decided", actor, case, reason=other.description, **details)
    return other


@enforces("10.3", "10.4", "10.4.1", "10.4.2", "10.4.3", "R23")
def other_person_problems(
    clip: Clip,
    description: str,
    basis: str,
    redaction: Redaction | None,
    consent_by: str,
    consent_on: date | None,
    consent_how: str,
    factors: dict[str, str],
    today: date,
) -> list[str]:
    problems = []
    if clip.only_requester:
        problems.append("10.3: this clip was recorded as showing only the requester")
    if not description.strip():
        problems.append("10.4: describe the other person (without naming them)")
    if basis == OtherPersonBasis.REDACTED:
        if redaction is None:
            problems.append("10.4.1: choose the redaction that obscures this person")
        elif redaction.school_id != clip.case.school_id:
            problems.append("10.4.1: the redaction must be of this school's footage")
        else:
            problems += redaction_rules.coverage_problems(redaction, [clip.camera_id], clip.start, clip.end)
    elif basis == OtherPersonBasis.CONSENT:
        if not consent_by.strip():
            problems.append("10.4.2: record who gave consent")
        if consent_on is None:
            problems.append("10.4.2: record when consent was given")
        elif consent_on > today:
            problems.append("10.4.2: consent cannot be dated in the future")
        if not consent_how.strip():
            problems.append("10.4.2: record how consent was given (in writing, by e-mail…)")
    elif basis == OtherPersonBasis.REASONABLE:
        for name, label in PARA_16_FACTORS:
            if not factors[name]:
                problems.append(f"10.4.3 (DPA 2018 Sch 2 Part 3 para 16): weigh and record: {label.lower()}")
    else:
        problems.append("10.4: choose redaction, consent or a reasoned decision to disclose")
    return problems


# --- Response, refusal, closure -----------------------------------------------------------------------------


@enforces("10.2", "10.4", "10.4.1")
def response_problems(case: SubjectAccessRequest) -> list[str]:
    """What still stands between the case and a response (empty: it may be answered)."""
    problems = []
    if not case.identity_basis:
        problems.append("10.2: confirm the requester's identity first")
    if not review_approved(case):
        problems.append("10.2: the footage has not been reviewed under an approved viewing authorisation")
    clips = list(case.clips.prefetch_related("others__redaction"))
    if not clips:
        problems.append(
            "10.2: record what the review found — at least one clip, or that the requester does not appear"
        )
    for clip in clips:
        problems += _clip_response_problems(clip)
    return problems


def _clip_response_problems(clip: Clip) -> list[str]:
    where = f"clip {clip.pk} ({clip.camera.name})"
    if clip.only_requester or clip.provision == Provision.NOT_FOUND:
        return []
    others = list(clip.others.all())
    if not others:
        return [f"10.4: {where} shows other people — record how each is dealt with"]
    return [
        f"10.4.1: {where}: redaction {o.redaction_id} is not approved yet"
        for o in others
        if o.basis == OtherPersonBasis.REDACTED
        and o.redaction
        and o.redaction.status != RedactionStatus.APPROVED
    ]


def respond(
    actor: Any, case: SubjectAccessRequest, *, note: str = "", today: date | None = None
) -> SubjectAccessRequest:
    """The response is sent (the letter, and any package or appointment): the clock stops."""
    _require_person(actor)
    require(actor, HANDLE, case.school_id)
    today = _today(today)
    _require_live(case)
    problems = response_problems(case)
    if problems:
        raise PolicyRefusal(problems)
    due = case.deadline(today)
    with transaction.atomic():
        _locked(case)
        case.status, case.responded_on, case.outcome_note = CaseStatus.RESPONDED, today, note.strip()
        case.save(update_fields=["status", "responded_on", "outcome_note"])
        _audit(
            "responded",
            actor,
            case,
            reason=case.outcome_note,
            responded_on=today.isoformat(),
            deadline=_iso(due),
            on_time=due is not None and today <= due,
        )
    return case


@enforces("10.2", "R21")
def refuse(actor: Any, case: SubjectAccessRequest, *, reason: str) -> SubjectAccessRequest:
    """Refused as manifestly unfounded or excessive (UK GDPR Art 12(5)): the reason is recorded and the
    footage is no longer held for it."""
    _require_person(actor)
    require(actor, HANDLE, case.school_id)
    _require_live(case)
    if not reason.strip():
        raise PolicyRefusal(
            "10.2 (UK GDPR Art 12(5)): record why the request is manifestly unfounded or excessive"
        )
    with transaction.atomic():
        _locked(case)
        case.status, case.outcome_note, case.closed_at = CaseStatus.REFUSED, reason.strip(), timezone.now()
        case.save(update_fields=["status", "outcome_note", "closed_at"])
        _audit("refused", actor, case, reason=case.outcome_note)
        _release(case, "refused as manifestly unfounded or excessive")
    return case


@enforces("10.2")
def close(actor: Any, case: SubjectAccessRequest, *, note: str) -> SubjectAccessRequest:
    """The case is finished (answered, or withdrawn by the requester): the hold is released, audited."""
    _require_person(actor)
    require(actor, HANDLE, case.school_id)
    problems = []
    if case.status in (CaseStatus.CLOSED, CaseStatus.REFUSED):
        problems.append(f"10.2: {case.reference} is closed already")
    if not note.strip():
        problems.append("10.2: say why the case is closed (answered, withdrawn…)")
    if problems:
        raise PolicyRefusal(problems)
    with transaction.atomic():
        _locked(case)
        case.status, case.closed_at = CaseStatus.CLOSED, timezone.now()
        if not case.outcome_note:
            case.outcome_note = note.strip()
        case.save(update_fields=["status", "closed_at", "outcome_note"])
        _audit("closed", actor, case, reason=note.strip())
        _release(case, "closed")
    return case


def _release(case: SubjectAccessRequest, why: str) -> None:
    hold = case.hold
    if hold is not None and hold.released_at is None:
        recording.release_hold(SYSTEM, hold, f"{case.reference}: the subject access request was {why}")


# --- The sealed package (evidence workflow) -----------------------------------------------------------------


@enforces("10.2", "10.3")
def package_problems(case: SubjectAccessRequest) -> list[str]:
    problems = []
    if case.download_request_id is not None:
        problems.append(
            f"10.2: {case.reference} already has a download request (#{case.download_request_id})"
        )
    if not case.clips.filter(provision__in=[Provision.COPY, Provision.STILL]).exists():
        problems.append("10.3: no clip is to be provided as a copy — nothing to package")
    return problems + response_problems(case)


@enforces("9.5", "10.4.1")
def request_package(actor: Any, case: SubjectAccessRequest) -> Any:
    """Ask, through the evidence workflow (9.5), for the sealed package of the clips given as copies; the
    Headteacher or a designated person authorises it there. Other people are obscured by the approved
    redaction (10.4.1) where one is recorded."""
    from watchkeeper.evidence import services as evidence  # the evidence workflow imports viewing too

    _require_person(actor)
    require(actor, HANDLE, case.school_id)
    if case.status != CaseStatus.RESPONDED:
        _require_live(case)
    problems = package_problems(case)
    if problems:
        raise PolicyRefusal(problems)
    clips = list(case.clips.filter(provision__in=[Provision.COPY, Provision.STILL]).select_related("camera"))
    redactions = list(
        Redaction.objects.filter(
            pk__in=OtherPerson.objects.filter(clip__in=clips, basis=OtherPersonBasis.REDACTED).values(
                "redaction"
            )
        )
    )
    if len(redactions) > 1:
        raise PolicyRefusal(
            "10.4.1: one package carries one redacted copy — these clips use different redactions; "
            "record one clip per package"
        )
    with transaction.atomic():
        _locked(case)
        download = evidence.request_download(  # type: ignore[attr-defined]
            actor,
            school=case.school,
            cameras=sorted({c.camera for c in clips}, key=lambda c: c.pk),
            start=min(c.start for c in clips),
            end=max(c.end for c in clips),
            purpose="subject_access",
            reason_category=ReasonCategory.SUBJECT_ACCESS,
            reason=f"{case.reference}: copy for the requester under UK GDPR Art 15 (10.3, 10.4)",
            recipient_name=case.requester_name,
            legal_basis=LEGAL_BASIS,
            case_reference=case.reference,
            redaction=redactions[0] if redactions else None,
            only_requester_appears=all(c.only_requester for c in clips),
            now=timezone.now(),  # evidence takes the clock from its caller (issue 12 §4): see request_package
        )
        case.download_request = download
        case.save(update_fields=["download_request"])
        _audit("package_requested", actor, case, download_request=download.pk)
    return download


# --- Reading: flags, timeline -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    case: SubjectAccessRequest
    deadline: date | None
    state: clock.ClockState

    @property
    def label(self) -> str:
        return clock.STATE_LABELS[self.state]


def flagged(cases: Iterable[SubjectAccessRequest], today: date) -> list[Flag]:
    """Cases due within a week or past their deadline (10.2), most urgent first."""
    flags = [Flag(c, c.deadline(today), c.clock_state(today)) for c in cases]
    urgent = [f for f in flags if f.state in (clock.ClockState.DUE_SOON, clock.ClockState.OVERDUE)]
    return sorted(urgent, key=lambda f: (f.deadline or today, f.case.pk))


def visible_cases(user: Any) -> QuerySet[SubjectAccessRequest]:
    return restrict(
        SubjectAccessRequest.objects.select_related("school").prefetch_related("clarifications"), user, VIEW
    )


def flags_for(user: Any, today: date | None = None) -> list[Flag]:
    """For the SAR handler, the Headteacher and the DPO: the list page and the dashboard."""
    return flagged(visible_cases(user).filter(status__in=LIVE_STATUSES), _today(today))


def timeline(case: SubjectAccessRequest) -> QuerySet[AuditEvent]:
    """Every decision on the case, who made it and when: the case's own events, its hold's, its review
    authorisation's and its download request's."""
    q = Q(object_type=SubjectAccessRequest._meta.label_lower, object_id=str(case.pk))
    if case.hold_id:
        q |= Q(object_type=Hold._meta.label_lower, object_id=str(case.hold_id))
    if case.review_id:
        q |= Q(object_type="viewing.viewingauthorisation", object_id=str(case.review_id))
    if case.download_request_id:
        q |= Q(object_type="evidence.downloadrequest", object_id=str(case.download_request_id))
    return AuditEvent.objects.filter(q).order_by("seq")
