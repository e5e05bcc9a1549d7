"""Download requests (9.5, 10.4.1, 11.3, 11.5, 11.6; design/evidence.md "Download requests"): asking for
footage, or a still of it, to leave; the checks on what is asked; withdrawing it before it is decided."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from watchkeeper.audit.services import record
from watchkeeper.core.actors import Actor, Person, is_person, is_system, person_or_none, require_person
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal, refuse, refuse_if
from watchkeeper.core.permissions import require
from watchkeeper.core.transitions import lock_in_state
from watchkeeper.estate.footage import WindowWords, window_problems, window_terms
from watchkeeper.estate.models import Camera, School
from watchkeeper.evidence.models import DownloadRequest, Purpose, RequestStatus
from watchkeeper.evidence.services.actions import REQUEST, REQUESTED, WITHDRAWN
from watchkeeper.notices import kinds
from watchkeeper.notices import services as notices
from watchkeeper.people import deciders
from watchkeeper.people.involvement import involvement_problems, usernames
from watchkeeper.recording import coverage
from watchkeeper.redaction import rules as redaction_rules
from watchkeeper.redaction.models import Redaction
from watchkeeper.redaction.models import Status as RedactionStatus
from watchkeeper.viewing.models import ReasonCategory, ViewingAuthorisation
from watchkeeper.viewing.models import Status as ViewingStatus

WINDOW_WORDS = WindowWords(
    no_camera="9.5: name at least one camera",
    other_school="9.5: every camera must belong to the school named — ask each school separately",
    backwards="9.5: the window's end must be after its start",
    not_ended="9.5: the window must have ended already — only recorded footage can be downloaded",
)


def request_terms(req: DownloadRequest) -> dict[str, Any]:
    return {
        "request": req.pk,
        **window_terms(req.cameras.all(), req.start, req.end),
        "purpose": req.purpose,
        "reason_category": req.reason_category,
        "requestor": req.requestor_display,
        "case_reference": req.case_reference,
        "redaction": req.redaction_id,
        "unredacted_release": req.unredacted_release,
        "still_at": req.still_at.isoformat() if req.still_at else None,
        "keep_until": req.keep_until.isoformat() if req.keep_until else None,
    }


@enforces("9.5", "Appendix I", "R13")
def request_download(
    actor: Actor,
    *,
    school: School,
    cameras: Iterable[Camera],
    start: datetime,
    end: datetime,
    purpose: str,
    reason_category: str,
    reason: str,
    requestor_user: Person | None = None,
    recipient_name: str = "",
    recipient_organisation: str = "",
    legal_basis: str = "",
    case_reference: str = "",
    redaction: Redaction | None = None,
    only_requester_appears: bool = False,
    unredacted_release: bool = False,
    still_at: datetime | None = None,
    keep_until: date | None = None,
    keep_asked_by: str = "",
    keep_reason: str = "",
    viewed_under: ViewingAuthorisation | None = None,
    now: datetime,
    staff_involved: Iterable[Person] = (),
) -> DownloadRequest:
    """Ask for footage of `cameras` (of `school`) in [start, end) to leave as a sealed package. The actor is
    a footage reviewer, CCTV administrator, Headteacher, designated person or SAR handler there, or SYSTEM
    (another app's workflow). Audited as evidence.download_requested. With `still_at`, a still image of
    that moment of the one camera instead of footage (the player's "Ask for a still"). `unredacted_release`:
    the subject access workflow's word that the Headteacher released the copy unredacted (10.4.2, 10.4.3).
    `staff_involved` (optional): the school's staff involved in the incident or shown in the footage, who
    then never decide it (people/involvement.py, people/deciders.py).

    `viewed_under`: the viewing authorisation a request from the player was made under; it must be approved
    and not expired `now` (9.4), or the request is refused up front (issue 14 §5)."""
    if not is_system(actor):
        require_person(actor, "9.5: only a signed-in member of staff may ask for a download")
    require(actor, REQUEST, school.pk)
    if viewed_under is not None:
        _refuse_unusable_authorisation(viewed_under, now)
    cameras = list(cameras)
    if viewed_under is not None:
        # A still's window is the whole segment holding its moment: the moment is what must be covered.
        asked = (start, end) if still_at is None else (still_at, still_at)
        window_inside = viewed_window_problems(viewed_under, cameras, *asked)
        if window_inside:
            raise PolicyRefusal(window_inside)
    problems = download_problems(
        school,
        cameras,
        start,
        end,
        purpose,
        reason_category,
        reason,
        now,
        redaction,
        only_requester_appears,
        unredacted_release,
    )
    if still_at is not None:
        problems += still_problems(cameras, start, end, still_at)
    if keep_until is not None:
        problems += keep_problems(purpose, keep_until, keep_asked_by, keep_reason, timezone.localdate(now))
    staff_involved = list(staff_involved)
    if staff_involved:
        problems += involvement_problems("9.5", school.pk, staff_involved)
    if requestor_user is None and not recipient_name.strip():
        problems.append(
            "9.5: name the requestor — a member of staff, or the recipient and their organisation"
        )
    if not problems:  # issue 15 §2: refused now, not after the Headteacher has authorised it
        problems += coverage.footage_problems("9.5", cameras, start, end)
    refuse_if(problems)
    with transaction.atomic():
        req = DownloadRequest.objects.create(
            school=school,
            start=start,
            end=end,
            purpose=purpose,
            reason_category=reason_category,
            reason=reason.strip(),
            requested_by=person_or_none(actor),
            requested_at=now,
            requestor_user=requestor_user,
            recipient_name=recipient_name.strip(),
            recipient_organisation=recipient_organisation.strip(),
            legal_basis=legal_basis.strip(),
            case_reference=case_reference.strip(),
            redaction=redaction,
            only_requester_appears=only_requester_appears,
            unredacted_release=unredacted_release,
            still_at=still_at,
            keep_until=keep_until,
            keep_asked_by=keep_asked_by.strip() if keep_until else "",
            keep_reason=keep_reason.strip() if keep_until else "",
        )
        req.cameras.set(cameras)
        req.staff_involved.set(staff_involved)
        details = request_terms(req)
        if staff_involved:
            details["staff_involved"] = usernames(staff_involved)
        record(REQUESTED, actor=actor, school=school, obj=req, reason=req.reason, details=details)
        # Issue 15 §3: the Headteacher (or nominated alternate) hears of it once it is saved.
        notices.decision_waiting(
            deciders.DOWNLOAD,
            req,
            notice=kinds.DOWNLOAD,
            reference=f"Download request {req.pk}",
            url=reverse("evidence:request_detail", args=[req.pk]),
            now=now,
        )
    return req


@enforces("9.2", "9.5")
def viewed_window_problems(
    auth: ViewingAuthorisation, cameras: list[Camera], start: datetime, end: datetime
) -> list[str]:
    """Pure: a copy asked for from the player is of footage its viewing authorisation covers — its cameras,
    inside its window (issue 15 §4): the player asks for a window and may narrow it, never widen it."""
    problems = []
    allowed = {c.pk for c in auth.cameras.all()}
    outside = [c.name for c in cameras if c.pk not in allowed]
    if outside:
        problems.append(
            f"9.2: viewing authorisation #{auth.pk} does not cover {', '.join(outside)} — ask for those "
            "cameras on the Downloads page, giving the reason"
        )
    if start < auth.start or end > auth.end:
        window = f"{_uk(auth.start)} to {_uk(auth.end)}"
        problems.append(
            f"9.2: the window must lie within the authorised viewing window ({window} UK time) — for "
            "footage outside it, ask on the Downloads page, giving the reason"
        )
    return problems


def _uk(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M:%S")


@enforces("9.4", "9.5")
def _refuse_unusable_authorisation(auth: ViewingAuthorisation, now: datetime) -> None:
    """A copy asked for from the player only while its viewing authorisation stands: the Headteacher would
    still decide the copy, but a request from footage one may no longer (or never could) view is refused
    before anyone is asked to decide it."""
    if auth.status != ViewingStatus.APPROVED:
        raise refuse(
            "9.4",
            f"viewing authorisation #{auth.pk} was never approved, so no copy can be asked for from it",
            "ask for a download on the evidence page, or wait for the viewing to be approved",
        )
    if auth.expires_at is None or now >= auth.expires_at:
        raise refuse(
            "9.4",
            f"viewing authorisation #{auth.pk} has expired, so no copy can be asked for from it",
            "ask for a download on the evidence page instead, giving the reason",
        )


@enforces("9.4", "9.5", "Appendix I", "R13")
def download_problems(
    school: School,
    cameras: list[Camera],
    start: datetime,
    end: datetime,
    purpose: str,
    category: str,
    reason: str,
    now: datetime,
    redaction: Redaction | None,
    only_requester_appears: bool,
    unredacted_release: bool = False,
) -> list[str]:
    problems = window_problems(WINDOW_WORDS, school, cameras, start, end, now)
    if purpose not in Purpose.values:
        problems.append("9.5: choose what the copy is for")
    if category not in ReasonCategory.values:
        problems.append("9.4: choose the kind of reason")
    if not reason.strip():
        problems.append("9.5: say why the recording is being downloaded (Appendix I asks for the reason)")
    if redaction is not None and redaction.school_id != school.pk:
        problems.append("10.4.1: that redaction belongs to another school")
    problems += subject_access_redaction_problems(
        purpose, redaction, only_requester_appears, cameras, start, end, unredacted_release
    )
    return problems


@enforces("9.5")
def footage_problems(req: DownloadRequest) -> list[str]:
    """What stops the request's package being built for want of footage (erased by retention since it was
    asked for, say): checked again when it is authorised and re-issued, so none is accepted to fail."""
    return coverage.footage_problems("9.5", list(req.cameras.all()), req.start, req.end)


@enforces("13.2", "R14")
def keep_problems(purpose: str, until: date, asked_by: str, reason: str, today: date) -> list[str]:
    """13.2: only the police may ask for a copy to be kept longer than six months, and the copy records who
    asked, until when and why. Pure."""
    problems = []
    if purpose != Purpose.POLICE:
        problems.append("13.2: only the police may ask for a copy to be kept longer than six months")
    if until <= today:
        problems.append("13.2: the date the police ask the copy kept until must be in the future")
    if not asked_by.strip() or not reason.strip():
        problems.append("13.2: record who asked for the copy to be kept longer, and why")
    return problems


@enforces("9.5")
def still_problems(cameras: list[Camera], start: datetime, end: datetime, still_at: datetime) -> list[str]:
    problems = []
    if len(cameras) != 1:
        problems.append("9.5: a still is of one camera")
    if not start <= still_at < end:
        problems.append("9.5: the still's moment must lie inside the window asked for")
    return problems


@enforces("10.4.1", "R23")
def subject_access_redaction_problems(
    purpose: str,
    redaction: Redaction | None,
    only_requester_appears: bool,
    cameras: Iterable[Camera],
    start: datetime,
    end: datetime,
    unredacted_release: bool = False,
) -> list[str]:
    """10.4.1: a subject access copy leaves redacted (an approved redaction of exactly this footage: the
    package carries it instead of the master) unless only the requester appears in the footage, or the
    Headteacher released it unredacted (10.4.2, 10.4.3; subjectaccess.services.release)."""
    if purpose != Purpose.SUBJECT_ACCESS or only_requester_appears or unredacted_release:
        return []
    if redaction is None:
        return [
            "10.4.1: a subject access copy needs an approved redaction of the other people in it, unless "
            "only the requester appears in the footage"
        ]
    if redaction.status != RedactionStatus.APPROVED:
        return ["10.4.1: only an approved redaction can leave in a subject access copy"]
    return redaction_rules.coverage_problems(redaction, [c.pk for c in cameras], start, end)


@enforces("9.5")
def withdraw_download(actor: Actor, req: DownloadRequest) -> DownloadRequest:
    """The person who asked withdraws a request not yet decided."""
    if not is_person(actor) or req.requested_by_id != actor.pk:
        raise PermissionDenied("9.5: only the person who asked may withdraw the request")
    with transaction.atomic():
        lock_in_state(
            req, [RequestStatus.REQUESTED], "9.5: only a request awaiting authorisation can be withdrawn"
        )
        req.status = RequestStatus.WITHDRAWN
        req.save(update_fields=["status"])
        record(WITHDRAWN, actor=actor, school=req.school, obj=req, details={"request": req.pk})
    return req
