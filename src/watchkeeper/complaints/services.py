"""Complaints (17.1; DPA 2018 s164A): recorded however they arrived, acknowledged, looked into with the
complainant kept told, and answered. Every change here: the actor and the clock from the caller, one
transaction with its audit event (design/complaints.md)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from watchkeeper.complaints import clock
from watchkeeper.complaints.models import Complaint, Outcome, Status, Step, StepKind
from watchkeeper.core.actors import SYSTEM, Actor, Person, require_person
from watchkeeper.core.auditing import audit_about
from watchkeeper.core.clauses import enforces
from watchkeeper.core.dates import uk_date
from watchkeeper.core.errors import refuse_if
from watchkeeper.core.permissions import require, restrict
from watchkeeper.core.transitions import lock_in_state
from watchkeeper.estate.footage import WindowWords, window_problems, window_terms
from watchkeeper.estate.models import Camera, School
from watchkeeper.notices.services import notify
from watchkeeper.people.models import Role, RoleGrant
from watchkeeper.recording import services as recording
from watchkeeper.recording.models import Hold, HoldPurpose
from watchkeeper.subjectaccess.models import SubjectAccessRequest

VIEW, HANDLE, DECIDE = "complaints.view", "complaints.handle", "complaints.decide"
HOLD_REVIEW_DAYS = 30

WINDOW_WORDS = WindowWords(
    no_camera="17.1: name the cameras whose footage the complaint concerns",
    other_school="17.1: a complaint links cameras of its own school only",
    backwards="17.1: the footage window's end must be after its start",
)


def _person(actor: Actor, school_id: int, action: str) -> Person:
    person = require_person(actor, "17.1: only a signed-in member of staff may record or handle a complaint")
    require(person, action, school_id)
    return person


def _audit(action: str, actor: Actor, complaint: Complaint, reason: str = "", **details: Any) -> None:
    # The complainant's name and words stay in the complaint, not the tamper-evident log.
    audit_about(
        f"complaints.{action}", actor, complaint, reason=reason, complaint=complaint.reference, **details
    )


def _lock_open(complaint: Complaint) -> Complaint:
    return lock_in_state(
        complaint,
        [Status.OPEN],
        f"17.1: {complaint.reference} has its outcome already — nothing more can be recorded on it",
    )


# --- Recording a complaint ----------------------------------------------------------------------------------


@enforces("17.1", "R29")
def intake_problems(
    school: School,
    data: dict[str, Any],
    cameras: list[Camera],
    subject_access: SubjectAccessRequest | None,
    today: date,
) -> list[str]:
    """What stops a complaint being recorded: only what the register needs, never the way it arrived."""
    problems = [
        problem
        for failed, problem in (
            (data["received_on"] > today, "17.1: the day the complaint was received cannot be in the future"),
            (not data["complainant_name"].strip(), "17.1: give the complainant's name"),
            (not data["complainant_contact"].strip(), "17.1: give a contact for the replies"),
            (not data["summary"].strip(), "17.1: say what the complaint is about"),
        )
        if failed
    ]
    if subject_access is not None and subject_access.school_id != school.pk:
        problems.append("17.1: a complaint links to a subject access request of its own school")
    start, end = data.get("window_start"), data.get("window_end")
    if (start is None) != (end is None):
        problems.append("17.1: give both ends of the footage window, or neither")
    if start is not None and end is not None:
        problems += window_problems(WINDOW_WORDS, school, cameras, start, end)
    elif any(c.school_id != school.pk for c in cameras):
        problems.append(WINDOW_WORDS.other_school)
    if data.get("hold") and (start is None or end is None):
        problems.append("17.1: a hold needs the cameras and the window of footage to keep")
    return problems


@enforces("17.1", "R29")
def record_complaint(
    actor: Actor,
    *,
    school: School,
    received_on: date,
    channel: str,
    complainant: str,
    complainant_name: str,
    complainant_contact: str,
    subject: str,
    data_protection: bool,
    summary: str,
    route_reference: str = "",
    cameras: Iterable[Camera] = (),
    subject_access: SubjectAccessRequest | None = None,
    window_start: datetime | None = None,
    window_end: datetime | None = None,
    hold: bool = False,
    now: datetime,
) -> Complaint:
    """Record a complaint as it arrived; hold its footage at once when asked; tell the DPO (inbox, e-mail)."""
    person = _person(actor, school.pk, HANDLE)
    cameras = list(cameras)
    data = {
        "received_on": received_on,
        "complainant_name": complainant_name,
        "complainant_contact": complainant_contact,
        "summary": summary,
        "window_start": window_start,
        "window_end": window_end,
        "hold": hold,
    }
    refuse_if(intake_problems(school, data, cameras, subject_access, timezone.localdate(now)))
    with transaction.atomic():
        complaint = Complaint.objects.create(
            school=school,
            received_on=received_on,
            channel=channel,
            complainant=complainant,
            complainant_name=complainant_name.strip(),
            complainant_contact=complainant_contact.strip(),
            subject=subject,
            data_protection=data_protection,
            summary=summary.strip(),
            route_reference=route_reference.strip(),
            subject_access=subject_access,
            window_start=window_start,
            window_end=window_end,
            logged_by=person,
        )
        complaint.cameras.set(cameras)
        _audit(
            "recorded",
            person,
            complaint,
            received_on=received_on.isoformat(),
            channel=channel,
            route=complaint.route,
            data_protection=data_protection,
            acknowledge_by=_iso(complaint.acknowledgement_due()),
            subject_access=subject_access.reference if subject_access else None,
            cameras=sorted(c.pk for c in cameras),
        )
        if hold:
            _place_hold(complaint, cameras, now)
        _tell_dpo(complaint, now)
    return complaint


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _place_hold(complaint: Complaint, cameras: list[Camera], now: datetime) -> Hold:
    # SYSTEM places it, as for a request: whoever handles complaints holds no `recording.hold` (9.6), yet the
    # footage must be kept from retention (13.1) from the moment someone asks.
    assert complaint.window_start is not None and complaint.window_end is not None
    today = timezone.localdate(now)
    complaint.hold = recording.place_hold(
        SYSTEM,
        complaint.school,
        cameras,
        complaint.window_start,
        complaint.window_end,
        reason=f"{complaint.reference}: complaint received {uk_date(complaint.received_on)} (17.1) — "
        "footage kept until its outcome",
        review_on=today + timedelta(days=HOLD_REVIEW_DAYS),
        purpose=HoldPurpose.COMPLAINT,
        today=today,
    )
    complaint.save(update_fields=["hold"])
    return complaint.hold


def dpo_accounts() -> models.QuerySet[Any]:
    """The trust's DPOs: trust-wide grants in force, active accounts."""
    grants = RoleGrant.objects.current().filter(role=Role.DPO, school__isnull=True)
    return get_user_model().objects.filter(is_active=True, pk__in=grants.values("user_id"))


def _tell_dpo(complaint: Complaint, now: datetime) -> None:
    path = reverse("complaints:detail", args=[complaint.pk])
    notify(
        dpo_accounts(),
        kind="complaints.recorded",
        reference=complaint.reference,
        url=path,  # made absolute by notify
        now=now,
        statutory=complaint.data_protection,
    )


# --- Handling it --------------------------------------------------------------------------------------------


@enforces("17.1", "R29")
def acknowledge(
    actor: Actor, complaint: Complaint, *, acknowledged_on: date | None, now: datetime
) -> Complaint:
    """Receipt acknowledged to the complainant (s164A(3): within 30 days); a late one is recorded as late."""
    person = _person(actor, complaint.school_id, HANDLE)
    today = timezone.localdate(now)
    with transaction.atomic():
        _lock_open(complaint)
        problems = clock.contact_problems(complaint.received_on, acknowledged_on, today, "acknowledgement")
        if complaint.acknowledged_on is not None:
            problems.append("17.1: receipt has been acknowledged already")
        refuse_if(problems)
        assert acknowledged_on is not None
        complaint.acknowledged_on = acknowledged_on
        complaint.save(update_fields=["acknowledged_on"])
        _audit(
            "acknowledged",
            person,
            complaint,
            acknowledged_on=acknowledged_on.isoformat(),
            late_by_days=clock.acknowledged_late_by(complaint.received_on, acknowledged_on),
        )
    return complaint


@enforces("17.1", "R29")
def add_step(
    actor: Actor, complaint: Complaint, *, kind: str, on: date | None, note: str, now: datetime
) -> Step:
    """An enquiry made, or the complainant told of progress (s164A(5))."""
    person = _person(actor, complaint.school_id, HANDLE)
    today = timezone.localdate(now)
    what = "update" if kind == StepKind.PROGRESS else "enquiry"
    with transaction.atomic():
        _lock_open(complaint)
        problems = clock.contact_problems(complaint.received_on, on, today, what)
        if kind not in StepKind.values:
            problems.append("17.1: choose an enquiry or a progress update")
        if not note.strip():
            problems.append(f"17.1: say what the {what} was")
        refuse_if(problems)
        assert on is not None
        step = Step.objects.create(complaint=complaint, kind=kind, on=on, note=note.strip(), by=person)
        _audit(f"{kind}_recorded", person, complaint, on=on.isoformat())
    return step


def set_route_reference(actor: Actor, complaint: Complaint, *, reference: str, now: datetime) -> Complaint:
    """The complaint's reference under the Complaints Policy or the Grievance Procedure (17.1)."""
    person = _person(actor, complaint.school_id, HANDLE)
    with transaction.atomic():
        _lock_open(complaint)
        refuse_if([] if reference.strip() else [f"17.1: give the reference under {complaint.route}"])
        complaint.route_reference = reference.strip()
        complaint.save(update_fields=["route_reference"])
        _audit("route_reference_set", person, complaint, route=complaint.route, reference=reference.strip())
    return complaint


@enforces("17.1", "9.6", "13.1")
def hold_footage(
    actor: Actor,
    complaint: Complaint,
    *,
    cameras: Iterable[Camera],
    window_start: datetime,
    window_end: datetime,
    now: datetime,
) -> Hold:
    """Asked to keep footage the complaint concerns: held at once, until the outcome."""
    person = _person(actor, complaint.school_id, HANDLE)
    cameras = list(cameras)
    with transaction.atomic():
        _lock_open(complaint)
        problems = window_problems(WINDOW_WORDS, complaint.school, cameras, window_start, window_end)
        if complaint.hold is not None:
            problems.append("17.1: the complaint's footage is held already")
        refuse_if(problems)
        complaint.window_start, complaint.window_end = window_start, window_end
        complaint.save(update_fields=["window_start", "window_end"])
        complaint.cameras.add(*cameras)
        _audit("hold_asked", person, complaint, **window_terms(cameras, window_start, window_end))
        return _place_hold(complaint, cameras, now)


@enforces("17.1", "R29")
def record_outcome(
    actor: Actor, complaint: Complaint, *, outcome: str, note: str, told_on: date | None, now: datetime
) -> Complaint:
    """The outcome, as told to the complainant (s164A(4)(b)); the outcome letter names the ICO. A complaint
    not yet acknowledged is acknowledged by the outcome itself. The complaint's hold is released."""
    person = _person(actor, complaint.school_id, DECIDE)
    today = timezone.localdate(now)
    with transaction.atomic():
        _lock_open(complaint)
        problems = clock.contact_problems(complaint.received_on, told_on, today, "outcome")
        if outcome not in Outcome.values:
            problems.append("17.1: choose the outcome")
        if not note.strip():
            problems.append("17.1 (DPA 2018 s164A): say what was found and what will be done")
        refuse_if(problems)
        assert told_on is not None
        complaint.acknowledged_on = complaint.acknowledged_on or told_on
        complaint.status, complaint.outcome, complaint.outcome_note = Status.CLOSED, outcome, note.strip()
        complaint.outcome_on, complaint.outcome_by = told_on, person
        complaint.save()
        _audit("outcome_recorded", person, complaint, outcome=outcome, told_on=told_on.isoformat())
        if complaint.hold is not None and complaint.hold.released_at is None:
            recording.release_hold(SYSTEM, complaint.hold, f"{complaint.reference}: outcome given", now=now)
    return complaint


# --- Reading ------------------------------------------------------------------------------------------------


def visible(user: Actor, action: str = VIEW) -> models.QuerySet[Complaint]:
    return restrict(
        Complaint.objects.select_related("school", "subject_access", "hold"), user, action
    ).prefetch_related("steps")


def open_rows(user: Actor, today: date, action: str = VIEW) -> list[tuple[Complaint, clock.NextStep, str]]:
    """Open complaints with their next step and its state, nearest deadline first (the register)."""
    rows = [(c, c.next_step()) for c in visible(user, action).filter(status=Status.OPEN)]
    rows.sort(key=lambda row: (row[1].due is None, row[1].due or today))
    return [(c, step, clock.state(step.due, today)) for c, step in rows]
