"""Logging a request from the police (11.2, 11.3) or an outside body (11.5): what it must hold, and the
hold that keeps its footage while the Headteacher decides."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from watchkeeper.core.actors import SYSTEM, Actor, Person
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import refuse_if
from watchkeeper.core.permissions import require
from watchkeeper.disclosures.models import DisclosureRequest, Grounds, LegalBasis, RequesterKind
from watchkeeper.disclosures.services.common import MANAGE, audit, staff, terms
from watchkeeper.estate.footage import WindowWords, window_problems
from watchkeeper.estate.footing import cameras_not_for
from watchkeeper.estate.models import Camera, Purpose, School
from watchkeeper.notices import kinds
from watchkeeper.notices import services as notices
from watchkeeper.people import deciders
from watchkeeper.recording import coverage
from watchkeeper.recording import services as recording
from watchkeeper.recording.models import Hold, HoldPurpose

# 9.6, 13.1: a request's hold is reviewed by the CCTV administrator this many days after it is logged.
HOLD_REVIEW_DAYS = 14
OUTSIDE_BASES = frozenset({LegalBasis.LEGAL_PROCEEDINGS, LegalBasis.CONSENT})
FOOTAGE_WORDS = WindowWords(
    no_camera="11.1: name at least one camera whose footage is sought",
    other_school="11.1: every camera must be one of this school's",
    backwards="11.1: the window's end must be after its start",
    not_ended="11.1: the window must have ended already — only recorded footage can be disclosed",
)


def _footage_problems(
    cameras: list[Camera], school: School, start: datetime, end: datetime, now: datetime
) -> list[str]:
    # A proposed camera (or a decommissioned one whose footage is gone) has nothing to disclose or hold.
    problems = window_problems(FOOTAGE_WORDS, school, cameras, start, end, now)
    return problems + coverage.camera_problems("11.1", cameras)


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
            "cannot be actioned."
        )
    return problems


@enforces("4.1", "11.2", "R24")
def camera_purpose_problems(cameras: Iterable[Camera], purpose: str) -> list[str]:
    """11.2: footage goes to the police only in line with the purposes each camera asked for is there for
    (4.1), not merely one of the trust's. Pure."""
    if purpose not in Purpose.values:
        return []  # police_problems names this
    outside = cameras_not_for(cameras, purpose)
    if not outside:
        return []
    names = ", ".join(f"{c.name} (purposes {', '.join(c.purposes)})" for c in outside)
    return [
        f"11.2: {purpose} is not among the purposes of {names} — footage is disclosed to the police only in "
        "line with the purposes each camera is there for: leave that camera out, or refuse the request"
    ]


@enforces("11.1", "11.5")
def outside_problems(
    *, kind: str, requester_name: str, organisation: str, grounds: str, legal_basis: str, reason: str
) -> list[str]:
    """What an outside body's request must hold (11.5). Pure."""
    problems = []
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
    return problems


@enforces("11.1", "11.2", "11.3", "13.2", "R22", "R24")
def log_police_request(
    actor: Actor,
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
    now: datetime,
    contact: str = "",
    keep_longer: bool = False,
    keep_longer_reason: str = "",
    keep_until: date | None = None,
) -> DisclosureRequest:
    """Log a police request for the Headteacher to decide. Refused when it fits no purpose of 4.1, or not
    the purposes of every camera it asks for (11.2). A request to keep the copy longer (13.2) says until when
    and why: both go onto the copy itself."""
    cameras = list(cameras)
    problems = police_problems(
        officer_name=officer_name,
        collar_number=collar_number,
        force=force,
        crime_reference=crime_reference,
        purpose=purpose,
        reason=reason,
    )
    problems += camera_purpose_problems(cameras, purpose)
    if keep_longer and (not keep_longer_reason.strip() or keep_until is None):
        problems.append("13.2: say until when the police ask for the copy to be kept, and why")
    elif keep_longer and keep_until is not None and keep_until <= timezone.localdate(now):
        problems.append("13.2: the date the police ask the copy kept until must be in the future")
    return _log(
        actor,
        school,
        problems,
        _footage(cameras, start, end, sought, reason, contact, received_on),
        now=now,
        kind=RequesterKind.POLICE,
        requester_name=officer_name.strip(),
        requester_organisation=force.strip(),
        collar_number=collar_number.strip(),
        reference=crime_reference.strip(),
        purpose=purpose,
        legal_basis=LegalBasis.CRIME,
        keep_longer=keep_longer,
        keep_longer_reason=keep_longer_reason.strip() if keep_longer else "",
        keep_until=keep_until if keep_longer else None,
    )


@enforces("11.1", "11.5", "R22", "R24")
def log_outside_request(
    actor: Actor,
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
    now: datetime,
    contact: str = "",
) -> DisclosureRequest:
    """Log an application from a solicitor, court, insurer or other outside body, referred to the
    Headteacher (11.5)."""
    problems = outside_problems(
        kind=kind,
        requester_name=requester_name,
        organisation=organisation,
        grounds=grounds,
        legal_basis=legal_basis,
        reason=reason,
    )
    return _log(
        actor,
        school,
        problems,
        _footage(cameras, start, end, sought, reason, contact, received_on),
        now=now,
        kind=kind,
        requester_name=requester_name.strip(),
        requester_organisation=organisation.strip(),
        reference=reference.strip(),
        grounds=grounds,
        legal_basis=legal_basis,
    )


def _footage(
    cameras: Iterable[Camera],
    start: datetime,
    end: datetime,
    sought: str,
    reason: str,
    contact: str,
    received: date,
) -> dict[str, Any]:
    """What every request holds, whoever asks: the footage sought, why, and how to reach the requester."""
    return {
        "cameras": list(cameras),
        "start": start,
        "end": end,
        "sought": sought.strip(),
        "reason": reason.strip(),
        "contact": contact.strip(),
        "received_on": received,
    }


def _log(
    actor: Actor,
    school: School,
    problems: list[str],
    footage: dict[str, Any],
    *,
    now: datetime,
    **fields: Any,
) -> DisclosureRequest:
    """Both kinds of request: the same person, permission and footage checks, then one transaction."""
    person = staff(actor)
    require(person, MANAGE, school.pk)
    cameras = footage.pop("cameras")
    problems = problems + _footage_problems(cameras, school, footage["start"], footage["end"], now)
    refuse_if(problems)
    return _create(person, school, cameras, now=now, **footage, **fields)


def _create(
    person: Person, school: School, cameras: list[Camera], *, now: datetime, **fields: Any
) -> DisclosureRequest:
    with transaction.atomic():
        req = DisclosureRequest.objects.create(school=school, logged_by=person, logged_at=now, **fields)
        req.cameras.set(cameras)
        details = terms(req, cameras)
        if req.is_police:
            details.update(
                collar_number=req.collar_number,
                purpose=req.purpose,
                keep_longer=req.keep_longer,
                keep_until=req.keep_until.isoformat() if req.keep_until else None,
            )
        else:
            details["grounds"] = req.grounds
        audit("request_logged", person, req, req.reason, **details)
        # Issue 15 §3: the Headteacher (or nominated alternate) hears of it once it is saved (11.3, 11.5).
        notices.decision_waiting(
            deciders.DISCLOSURE,
            req,
            notice=kinds.DISCLOSURE,
            reference=f"Disclosure request {req.pk}",
            url=reverse("disclosures:request_detail", args=[req.pk]),
            now=now,
        )
        req.hold = hold_footage(
            school,
            cameras,
            req.start,
            req.end,
            reason=f"{req}: footage kept while the Headteacher decides the disclosure (11.3, 11.5)",
            now=now,
        )
        req.save(update_fields=["hold"])
    return req


def hold_footage(
    school: School, cameras: list[Camera], start: datetime, end: datetime, *, reason: str, now: datetime
) -> Hold:
    """The hold every request places on its footage when it is logged (police, outside bodies, FOI), by
    SYSTEM in the caller's transaction: retention (13.1) cannot erase it while the request is decided."""
    return recording.place_hold(
        SYSTEM,
        school,
        cameras,
        start,
        end,
        reason=reason,
        # localdate(now) turns the caller's moment into the school's date: it reads no clock.
        review_on=timezone.localdate(now) + timedelta(days=HOLD_REVIEW_DAYS),
        purpose=HoldPurpose.DISCLOSURE,
        today=timezone.localdate(now),
    )


def release_request_hold(hold: Hold | None, why: str, *, now: datetime) -> None:
    """Release a request's hold when nothing will leave (a refusal, an FOI answer that withholds)."""
    if hold is not None and hold.released_at is None:
        recording.release_hold(SYSTEM, hold, why, now=now)
