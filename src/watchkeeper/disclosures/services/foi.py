"""FOI requests for CCTV images (11.7): logged, given their clock (clock.py), answered; a release is a
disclosure to the world and goes in the register."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from watchkeeper.core.actors import Actor
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import refuse_if
from watchkeeper.core.permissions import require
from watchkeeper.core.transitions import lock_in_state
from watchkeeper.disclosures import clock
from watchkeeper.disclosures.models import ClosurePeriod, FOIDecision, FOIRequest
from watchkeeper.disclosures.services.common import MANAGE, audit, staff
from watchkeeper.disclosures.services.register import record_disclosure
from watchkeeper.disclosures.services.requests import hold_footage, release_request_hold
from watchkeeper.estate.footage import WindowWords, window_problems, window_terms
from watchkeeper.estate.models import Camera, School
from watchkeeper.people.deciders import FOI, decider_problems
from watchkeeper.recording import coverage

# 11.7, ICO CCTV Code of Practice: what usually happens to an FOI request for CCTV images.
FOI_GUIDANCE = (
    "Images of identifiable people are their personal data: they are normally withheld under section "
    "40(2) of the Freedom of Information Act 2000, since releasing them to the world would breach the data "
    "protection principles. Release is possible when nobody can be identified (for example after "
    "redaction) or the images show no people."
)
ANSWERED = "11.7: this FOI request has been answered already"
FOI_FOOTAGE_WORDS = WindowWords(
    no_camera="11.7: name at least one camera whose images are asked for",
    other_school="11.7: every camera must be one of this school's",
    backwards="11.7: the window's end must be after its start",
    not_ended="11.7: the window must have ended already — only recorded images can be asked for",
)


@enforces("11.7", "R22", "R25")
def log_foi_request(
    actor: Actor,
    *,
    school: School,
    requester_name: str,
    contact: str,
    received_on: date,
    sought: str,
    cameras: Iterable[Camera],
    start: datetime,
    end: datetime,
    now: datetime,
) -> FOIRequest:
    """Log an FOI request for CCTV images: who asks, what, and the cameras and window it is about, whose
    footage is held (like a police or outside body's request) until the request is answered (9.6, 13.1)."""
    person = staff(actor)
    require(person, MANAGE, school.pk)
    cameras = list(cameras)
    problems = window_problems(FOI_FOOTAGE_WORDS, school, cameras, start, end, now)
    # No hold on a camera that cannot have footage (a proposed one): the images asked for are not held.
    problems += coverage.camera_problems("11.7", cameras)
    if not requester_name.strip() or not contact.strip():
        problems.append("11.7: record who asked and how to reply (FOIA s8: a name and an address)")
    if not sought.strip():
        problems.append("11.7: record what information is asked for")
    # localdate(now): the school's date at the caller's moment (no clock is read here).
    if received_on > timezone.localdate(now):
        problems.append("11.7: the date of receipt cannot be in the future")
    refuse_if(problems)
    with transaction.atomic():
        foi = FOIRequest.objects.create(
            school=school,
            requester_name=requester_name.strip(),
            contact=contact.strip(),
            received_on=received_on,
            sought=sought.strip(),
            start=start,
            end=end,
            logged_by=person,
            logged_at=now,
        )
        foi.cameras.set(cameras)
        due = foi_deadline(foi)
        audit(
            "foi_logged",
            person,
            foi,
            received_on=received_on.isoformat(),
            due=due.due.isoformat(),
            capped=due.capped,
            **window_terms(cameras, start, end),
        )
        foi.hold = hold_footage(
            school,
            cameras,
            start,
            end,
            reason=f"{foi}: footage kept while the FOI request is answered (11.7)",
            now=now,
        )
        foi.save(update_fields=["hold"])
    return foi


def closures_for(school_id: int) -> list[clock.Closure]:
    return [
        clock.Closure(c.first_day, c.last_day)
        for c in ClosurePeriod.objects.filter(school_id=school_id).only("first_day", "last_day")
    ]


def foi_deadline(foi: FOIRequest, closures: list[clock.Closure] | None = None) -> clock.FOIDeadline:
    return clock.foi_deadline(foi.received_on, closures_for(foi.school_id) if closures is None else closures)


@enforces("11.7", "R24", "R25")
def decide_foi(actor: Actor, foi: FOIRequest, *, decision: str, reason: str, now: datetime) -> FOIRequest:
    """Record the answer: the Headteacher, an alternate nominated for disclosures, or the DPO on an
    escalated request (people/deciders.py), whose nomination is recorded. A release (whole or part) is a
    disclosure to the world and goes in the register."""
    person = staff(actor)
    problems, standing = decider_problems(person, FOI, foi, now=now)
    if foi.decision:
        problems.append(ANSWERED)
    if decision not in FOIDecision.values:
        problems.append("11.7: choose the decision")
    if not reason.strip():
        problems.append("11.7: record the reason (what was released, or why it was withheld)")
    refuse_if(problems)
    with transaction.atomic():
        lock_in_state(foi, [""], ANSWERED, field="decision")
        foi.decision, foi.decision_reason, foi.decided_by, foi.decided_at = (
            decision,
            reason.strip(),
            person,
            now,
        )
        foi.nomination = standing.nomination
        foi.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at", "nomination"])
        due = foi_deadline(foi).due.isoformat()
        nomination = standing.nomination.pk if standing.nomination else None
        audit(
            "foi_decided",
            person,
            foi,
            foi.decision_reason,
            decision=decision,
            due=due,
            authority=standing.basis,
            nomination=nomination,
        )
        if decision == FOIDecision.WITHHELD and foi.hold is not None:
            # Nothing leaves: the footage need not outlive its retention for this request (13.1).
            release_request_hold(foi.hold, f"{foi} answered: withheld (FOIA s40(2))", now=now)
        if decision != FOIDecision.WITHHELD:
            record_disclosure(
                person,
                school=foi.school,
                recipient_name=foi.requester_name,
                recipient_organisation="FOI requester (release to the public)",
                what=f"{foi.get_decision_display()}: {foi.decision_reason}",
                legal_basis="FOIA 2000 s1 (release under the Act)",
                authorised_by=person,
                disclosed_at=now,
                reference=f"FOI-{foi.pk}",
                reason=f"Freedom of Information request (11.7): {foi.sought}",
                now=now,
            )
    return foi
