"""Intake (10.1): the case is logged and its footage held in one transaction; identity, when it comes
later, starts the clock; the hold's review date follows the statutory deadline (13.1)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from watchkeeper.core.actors import SYSTEM, Actor, Person
from watchkeeper.core.clauses import enforces
from watchkeeper.core.dates import uk_date
from watchkeeper.core.errors import refuse_if
from watchkeeper.estate.footage import WindowWords, window_problems
from watchkeeper.estate.models import Camera, School
from watchkeeper.notices import kinds
from watchkeeper.notices import services as notices
from watchkeeper.notices.deadlines import start_of
from watchkeeper.people.involvement import involvement_problems
from watchkeeper.recording import services as recording
from watchkeeper.recording.models import Hold, HoldPurpose
from watchkeeper.subjectaccess import clock
from watchkeeper.subjectaccess.models import (
    IdentityBasis,
    Relationship,
    RequestKind,
    SearchWindow,
    SubjectAccessRequest,
)
from watchkeeper.subjectaccess.services.common import HANDLE, audit, failing, handler, iso, lock_live


@enforces("10.1", "10.2", "R21", "R22")
def log_case(
    actor: Actor,
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
    subject_account: Person | None = None,
    kind: str = RequestKind.ACCESS,
    relationship: str = Relationship.SELF,
    today: date,
) -> SubjectAccessRequest:
    """Log a request and, in the same transaction, hold the footage it describes. `subject_account`: the
    requester's account when they are a member of staff, so that they never decide a request to view or
    download the footage for their own case (people/deciders.py)."""
    person = handler(actor, school.pk)
    cameras = list(cameras)
    if identity_basis == IdentityBasis.KNOWN_TO_STAFF and identity_confirmed_on is None:
        identity_confirmed_on = received_on
    problems = _intake_problems(school, cameras, received_on, window_start, window_end, today)
    problems += failing(
        (kind not in RequestKind.values, "10.1: choose what the requester asks for"),
        (
            relationship not in Relationship.values,
            "10.1: say who the requester is to the person in the footage",
        ),
        (not requester_name.strip(), "10.1: give the requester's name"),
        (not requester_contact.strip(), "10.1: give a contact for the reply"),
        (
            not description.strip(),
            "10.2: describe the person (clothing, appearance) so reviewers can find them",
        ),
    )
    if subject_account is not None:
        problems += involvement_problems("10.1", school.pk, [subject_account])
    if identity_basis:
        problems += identity_problems(identity_basis, identity_note, identity_confirmed_on, today)
    elif identity_confirmed_on is not None:
        problems.append("10.2: say how identity was verified, or that the requester is known to staff")
    refuse_if(problems)
    with transaction.atomic():
        case = SubjectAccessRequest.objects.create(
            school=school,
            kind=kind,
            relationship=relationship,
            received_on=received_on,
            requester_name=requester_name.strip(),
            requester_contact=requester_contact.strip(),
            identity_basis=identity_basis,
            identity_note=identity_note.strip(),
            identity_confirmed_on=identity_confirmed_on if identity_basis else None,
            description=description.strip(),
            window_start=window_start,
            window_end=window_end,
            logged_by=person,
            subject_account=subject_account,
        )
        case.cameras.set(cameras)
        audit(
            "logged",
            person,
            case,
            received_on=received_on.isoformat(),
            cameras=sorted(c.pk for c in cameras),
            start=window_start.isoformat(),
            end=window_end.isoformat(),
            deadline=iso(case.deadline(today)),
            subject_account=subject_account.get_username() if subject_account else None,
            kind=kind,
            relationship=relationship,
        )
        case.hold = _hold(case, cameras, today)
        case.save(update_fields=["hold"])
        # Issue 15 §3: the school's SAR handlers and Headteacher hear of it once it is saved (10.1); the
        # month runs from today, so its deadline notices are statutory (notices/deadlines.py).
        notices.notify(
            notices.holders(HANDLE, school.pk, excluding=[person]),
            kind=kinds.SAR,
            reference=case.reference,
            url=reverse("subjectaccess:case_detail", args=[case.pk]),
            now=start_of(today),
        )
    return case


# A case's window is not refused for being unfinished: intake never checked that (10.2).
WINDOW_WORDS = WindowWords(
    no_camera="10.2: name at least one camera the requester may appear on",
    other_school="10.2: a case covers cameras of its own school only",
    backwards="10.2: the window's end must be after its start",
)


@enforces("10.2", "R22")
def add_window(
    actor: Actor, case: SubjectAccessRequest, *, start: datetime, end: datetime, reason: str, now: datetime
) -> SearchWindow:
    """A further window the request covers (the requester remembers another day, or clarifies): held at
    once like the first, for the case's cameras, and reviewed under its own authorisation (10.2)."""
    person = handler(actor, case.school_id)
    today = timezone.localdate(now)
    with transaction.atomic():
        lock_live(case)
        cameras = list(case.cameras.all())
        problems = window_problems(WINDOW_WORDS, case.school, cameras, start, end)
        problems += failing(
            (not reason.strip(), "10.2: say why the request covers this window too"),
            (
                any(w.start < end and start < w.end for w in case.windows()),
                "10.2: this window overlaps one the case covers already — widen neither, add a separate one",
            ),
        )
        refuse_if(problems)
        window = SearchWindow.objects.create(
            case=case, start=start, end=end, reason=reason.strip(), added_by=person, added_at=now
        )
        audit(
            "window_added", person, case, reason=reason.strip(), start=start.isoformat(), end=end.isoformat()
        )
        window.hold = _hold(case, cameras, today, start, end)
        window.save(update_fields=["hold"])
    return window


def _hold(
    case: SubjectAccessRequest,
    cameras: list[Camera],
    today: date,
    start: datetime | None = None,
    end: datetime | None = None,
) -> Hold:
    # SYSTEM places it: a SAR handler holds no `recording.hold`, yet the footage is held at once.
    return recording.place_hold(
        SYSTEM,
        case.school,
        cameras,
        start or case.window_start,
        end or case.window_end,
        reason=f"{case.reference}: subject access request received {uk_date(case.received_on)} (10.1) — "
        "footage kept while the request is open",
        review_on=hold_review_on(case, today),
        purpose=HoldPurpose.SUBJECT_ACCESS,
        today=today,
    )


def _intake_problems(
    school: School, cameras: list[Camera], received_on: date, start: datetime, end: datetime, today: date
) -> list[str]:
    future = failing((received_on > today, "10.1: the day the request was received cannot be in the future"))
    return future + window_problems(WINDOW_WORDS, school, cameras, start, end)


def identity_problems(basis: str, note: str, confirmed_on: date | None, today: date) -> list[str]:
    return failing(
        (basis not in IdentityBasis.values, "10.2: choose how identity was established"),
        (
            not note.strip(),
            "10.2: record how identity was verified, or why the requester is known to staff"
            if basis == IdentityBasis.VERIFIED
            else "10.2: record why the requester is known to staff (who knows them, how)",
        ),
        (confirmed_on is None, "10.2: give the day identity was confirmed — the clock starts then"),
        (
            confirmed_on is not None and confirmed_on > today,
            "10.2: the day identity was confirmed cannot be in the future",
        ),
    )


def hold_review_on(case: SubjectAccessRequest, today: date) -> date:
    """The hold is reviewed on the deadline (or, before the clock starts, a month from receipt): never
    today or earlier, which recording.place_hold refuses (13.1)."""
    due = case.deadline(today) or clock.add_months(case.received_on, 1)
    return max(due, today + timedelta(days=1))


def follow_deadline(case: SubjectAccessRequest, today: date) -> None:
    """Keep every window's hold's review date no earlier than the (moved) deadline."""
    due = hold_review_on(case, today)
    for window in case.windows():
        hold = window.hold
        if hold is not None and hold.released_at is None and due > hold.review_on:
            recording.review_hold(
                SYSTEM,
                hold,
                f"{case.reference}: the statutory deadline moved to {uk_date(due)}",
                due,
                today=today,
            )


@enforces("10.2", "R21")
def confirm_identity(
    actor: Actor,
    case: SubjectAccessRequest,
    *,
    basis: str,
    note: str,
    confirmed_on: date | None,
    today: date,
) -> SubjectAccessRequest:
    """Identity established after the request arrived: the clock starts from that day."""
    person = handler(actor, case.school_id)
    if basis == IdentityBasis.KNOWN_TO_STAFF and confirmed_on is None:
        confirmed_on = today
    with transaction.atomic():
        lock_live(case)
        problems = identity_problems(basis, note, confirmed_on, today)
        if case.identity_basis:
            problems.append("10.2: identity is recorded already")
        refuse_if(problems)
        case.identity_basis, case.identity_note, case.identity_confirmed_on = (
            basis,
            note.strip(),
            confirmed_on,
        )
        case.save(update_fields=["identity_basis", "identity_note", "identity_confirmed_on"])
        audit(
            "identity_confirmed",
            person,
            case,
            basis=basis,
            confirmed_on=iso(confirmed_on),
            deadline=iso(case.deadline(today)),
        )
        follow_deadline(case, today)
    return case
