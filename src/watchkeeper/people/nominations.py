"""The Headteacher's nominated alternates and decisions a decider stands back from (9.2, Appendix I;
design/roles.md "Who decides"). The DPO sees every nomination (the Nominations page). Every change is
audited in the same transaction."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from watchkeeper.core.actors import Actor, Person, is_system, person_or_none, require_person
from watchkeeper.core.auditing import audit_about
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal, refuse_if
from watchkeeper.core.permissions import can, require
from watchkeeper.estate.models import School
from watchkeeper.people import deciders
from watchkeeper.people.models import Decision, Nomination, Recusal, Role, RoleGrant

NOMINATE = "people.nominate"
MAX_DAYS = 366  # a nomination is for a period: at most a year, then renewed


def _name(user: Person) -> str:
    return str(user.get_full_name() or user.get_username())


@enforces("9.2", "Appendix I")
def nomination_problems(
    school: School, nominee: Person, decisions: set[str], starts_on: date, ends_on: date, today: date
) -> list[str]:
    problems = []
    holds_designated = RoleGrant.objects.current().filter(
        user=nominee, school=school, role=Role.DESIGNATED_PERSON
    )
    if not holds_designated.exists():
        problems.append(
            f"Appendix I: {_name(nominee)} is not a designated person at {school.name} — "
            "grant that role first"
        )
    if not decisions or not decisions <= set(Decision.values):
        problems.append("Appendix I: choose which decisions the alternate may take")
    if ends_on < starts_on:
        problems.append("Appendix I: the nomination must end on or after the day it starts")
    elif (ends_on - starts_on).days > MAX_DAYS:
        problems.append(f"Appendix I: a nomination lasts at most {MAX_DAYS} days — nominate again after it")
    if ends_on < today:
        problems.append("Appendix I: the nomination would already have ended")
    return problems


@enforces("9.2", "Appendix I")
def nominate(
    actor: Actor,
    school: School,
    nominee: Person,
    decisions: set[str],
    starts_on: date,
    ends_on: date,
    *,
    reason: str = "",
    now: datetime,
) -> Nomination:
    """The Headteacher (or SYSTEM, for the demo) names an alternate for some decisions, for a period."""
    require(actor, NOMINATE, school.pk)
    refuse_if(nomination_problems(school, nominee, decisions, starts_on, ends_on, timezone.localdate(now)))
    with transaction.atomic():
        nomination = Nomination.objects.create(
            school=school,
            nominee=nominee,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason.strip(),
            nominated_by=person_or_none(actor),
            nominated_at=now,
            **{decision: decision in decisions for decision in Decision.values},
        )
        audit_about(
            "people.alternate_nominated",
            actor,
            nomination,
            reason=nomination.reason,
            nominee=nominee.get_username(),
            decisions=sorted(decisions),
            starts_on=starts_on.isoformat(),
            ends_on=ends_on.isoformat(),
        )
    return nomination


@enforces("Appendix I")
def end_nomination(actor: Actor, nomination: Nomination, *, reason: str, now: datetime) -> Nomination:
    """The Headteacher ends a nomination early (the DPO too); it stays on record."""
    dpo = can(actor, "people.decide_rerouted", None)
    if not (is_system(actor) or dpo or can(actor, NOMINATE, nomination.school_id)):
        raise PermissionDenied("Appendix I: only the school's Headteacher or the DPO ends a nomination")
    if nomination.ended_at is not None:
        raise PolicyRefusal("Appendix I: this nomination has ended already")
    if not reason.strip():
        raise PolicyRefusal("Appendix I: say why the nomination ends early")
    with transaction.atomic():
        nomination.ended_by, nomination.ended_at = person_or_none(actor), now
        nomination.save(update_fields=["ended_by", "ended_at"])
        audit_about("people.nomination_ended", actor, nomination, reason=reason.strip())
    return nomination


KIND_OF_MODEL = {
    "viewing.ViewingAuthorisation": deciders.VIEWING,
    "evidence.DownloadRequest": deciders.DOWNLOAD,
    "disclosures.DisclosureRequest": deciders.DISCLOSURE,
    "disclosures.FOIRequest": deciders.FOI,
    "subjectaccess.SubjectAccessRequest": deciders.SUBJECT_ACCESS,
}


def request_kind(obj: Any) -> str:
    """The Recusal.request_kind of a request: "viewing", "download", "disclosure", "foi" or "subject_access"
    (a subject access case: its unredacted releases)."""
    return KIND_OF_MODEL[obj._meta.label]


@enforces("9.2", "9.5", "11.3")
def recuse(actor: Actor, obj: Any, person: Person, reason: str, *, now: datetime) -> Recusal:
    """`person` stands back from deciding the request `obj` (a viewing authorisation, download request,
    disclosure or FOI request) because they are involved in the footage or the incident. Recorded by the
    person themselves (who must be able to decide it) or by the DPO for them; the request goes to another
    decider, or to the DPO (deciders.escalation)."""
    recorder = require_person(actor, "9.2: only a member of staff records a recusal")
    kind = request_kind(obj)
    action = deciders.action_of(kind)
    as_self = recorder.pk == person.pk and can(recorder, action, obj.school_id)
    if not (as_self or can(recorder, "people.decide_rerouted", None)):
        require(recorder, "people.decide_rerouted", None)
    if not reason.strip():
        raise PolicyRefusal("9.2: say how the person is involved in the footage or the incident")
    if deciders.recusal(person, kind, obj) is not None:
        raise PolicyRefusal(f"9.2: {_name(person)} has recused themselves from this request already")
    with transaction.atomic():
        recusal = Recusal.objects.create(
            school_id=obj.school_id,
            person=person,
            request_kind=kind,
            request_id=obj.pk,
            reason=reason.strip(),
            recorded_by=recorder,
            recorded_at=now,
        )
        audit_about(
            "people.recused",
            actor,
            recusal,
            reason=recusal.reason,
            person=person.get_username(),
            request_kind=kind,
            request=obj.pk,
        )
    return recusal
