"""Who decides a request to view or download footage, a deletion, and a police, outside-body or FOI request
(9.2, 11.3, 11.5, 11.7, Appendix I; design/roles.md "Who decides").

9.2: recorded footage is viewed only when authorised "by a Headteacher"; Appendix I: downloads and deletions
are authorised by "the Headteacher or nominated alternate". So the school's Headteacher decides; a
designated person decides only under a nomination in force (people.Nomination) for that kind of decision,
and the decision names the nomination it relied on. 11.3 and 11.5 refer police and outside-body requests
"to the Headteacher", and FOI requests for CCTV images (11.7) are decided the same way ("disclosures"
nominations). A decider involved in the footage or the incident recuses (people.Recusal) and is refused;
so is, without a recusal, one the system knows is involved: named by the asker as involved in the incident
or shown in the footage (`staff_involved`), or the data subject of the subject access request the footage
is for (`subject_account`). The asker never decides their own request (each service refuses that). When
no Headteacher-level decider is available — none may decide it, or none has for the working days the DPO
set (3 by default) — the request escalates to the DPO, who then decides it as they decide a request
re-routed by the two-person rule (people/reroutings.py). Every decision service calls `decider_problems`; the
pages call `standing`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from watchkeeper.compliance import trust
from watchkeeper.core.action_words import not_permitted
from watchkeeper.core.actors import Actor, is_person
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.permissions import can, require
from watchkeeper.core.workdays import working_days_between
from watchkeeper.people import two_person
from watchkeeper.people.models import Decision, Nomination, Recusal, Role, RoleGrant

# Recusal.request_kind: viewing.ViewingAuthorisation, evidence.DownloadRequest, disclosures.DisclosureRequest
# and disclosures.FOIRequest. A subject access case's unredacted release (10.4.2, 10.4.3) lets footage leave
# as a download does, so the same nominations (for downloads) decide it; a recusal from it covers the case.
VIEWING, DOWNLOAD, DISCLOSURE, FOI, SUBJECT_ACCESS = (
    "viewing",
    "download",
    "disclosure",
    "foi",
    "subject_access",
)
ACTION = {
    Decision.VIEWING: "viewing.decide",
    Decision.DOWNLOADS: "evidence.authorise",
    Decision.DELETIONS: "evidence.authorise",
    Decision.DISCLOSURES: "disclosures.decide",
}
DECISION_OF_KIND = {
    VIEWING: Decision.VIEWING,
    DOWNLOAD: Decision.DOWNLOADS,
    DISCLOSURE: Decision.DISCLOSURES,
    FOI: Decision.DISCLOSURES,
    SUBJECT_ACCESS: Decision.DOWNLOADS,
}
CLAUSE_OF_KIND = {VIEWING: "9.2", DOWNLOAD: "9.5", DISCLOSURE: "11.3", FOI: "11.7", SUBJECT_ACCESS: "10.4.3"}
# Where a kind's permission is not its decision's (the release is the subjectaccess app's own action).
ACTION_OF_KIND = {SUBJECT_ACCESS: "sar.release_unredacted"}


def action_of(kind: str) -> str:
    """The permission a decider of this kind of request holds at the school."""
    return ACTION_OF_KIND.get(kind) or ACTION[DECISION_OF_KIND[kind]]


@dataclass(frozen=True)
class Standing(two_person.Standing):
    """Where a person stands on one request; `nomination` is the one an alternate decides under."""

    nomination: Nomination | None = None
    basis: str = ""  # "headteacher", "nominated alternate" or "dpo", for the audit event


def _today(now: datetime) -> date:
    return timezone.localdate(now)


def is_headteacher(user: Actor, school_id: int) -> bool:
    return is_person(user) and (
        RoleGrant.objects.current().filter(user=user, school_id=school_id, role=Role.HEADTEACHER).exists()
    )


def nomination_for(user: Actor, school_id: int, decision: str, day: date) -> Nomination | None:
    """The nomination in force on `day` that lets `user` take `decision` at the school (the latest)."""
    if not is_person(user):
        return None
    found = Nomination.objects.in_force(day).filter(school_id=school_id, nominee=user, **{decision: True})
    return found.order_by("-starts_on", "-pk").first()


def parties(obj: Any) -> list[Any]:
    """Who asked: the staff member, and for a download the staff requestor. Nobody on the staff asks for a
    disclosure or FOI request (the police, an outside body or the public do): the one who logged it may
    still decide it."""
    asked = (getattr(obj, "requested_by", None), getattr(obj, "requestor_user", None))
    return [p for p in asked if p is not None]


def asked_at(obj: Any) -> datetime:
    """When the request was made: asked for by staff, or logged as received from outside."""
    return getattr(obj, "requested_at", None) or obj.logged_at


def _sar_subjects(kind: str, obj: Any) -> dict[int, str]:
    """{account id: "SAR-n"} for the staff data subjects of subject access requests this footage is for: the
    review of any of the case's windows, the download request of any of its clips, or the case itself (its
    unredacted releases)."""
    lookups = {
        VIEWING: Q(review=obj.pk) | Q(more_windows__review=obj.pk),
        DOWNLOAD: Q(clips__download_request=obj.pk),
        SUBJECT_ACCESS: Q(pk=obj.pk),
    }
    if kind not in lookups:
        return {}
    cases = apps.get_model("subjectaccess", "SubjectAccessRequest").objects.filter(
        lookups[kind], subject_account__isnull=False
    )
    return {case.subject_account_id: case.reference for case in cases.distinct()}


def involved(kind: str, obj: Any) -> dict[int, str]:
    """{person id: plain words} for those the system knows are involved in the request, and so never decide
    it: named as involved in the incident or shown in the footage, or the SAR's data subject."""
    found = {}
    if hasattr(obj, "staff_involved") and obj.pk is not None:
        for pk in obj.staff_involved.values_list("pk", flat=True):
            found[pk] = "you are named as involved in the incident or shown in the footage"
    for pk, reference in _sar_subjects(kind, obj).items():
        found[pk] = f"you are the data subject of the subject access request {reference}"
    return found


def recusal(user: Actor, kind: str, obj: Any) -> Recusal | None:
    if not is_person(user):
        return None
    return Recusal.objects.filter(person=user, request_kind=kind, request_id=obj.pk).first()


def available_deciders(kind: str, obj: Any, day: date) -> set[int]:
    """Ids of the Headteachers, and alternates nominated for this decision on `day`, who may decide the
    request: not recused from it, not involved in it and not its asker."""
    return _candidates(kind, obj, day) - _excluded(kind, obj)


def _candidates(kind: str, obj: Any, day: date) -> set[int]:
    """Ids of the school's Headteachers and of its designated persons nominated for this decision."""
    decision = DECISION_OF_KIND[kind]
    grants = RoleGrant.objects.current().filter(school_id=obj.school_id)
    heads = set(grants.filter(role=Role.HEADTEACHER).values_list("user_id", flat=True))
    designated = set(grants.filter(role=Role.DESIGNATED_PERSON).values_list("user_id", flat=True))
    nominated = Nomination.objects.in_force(day).filter(school_id=obj.school_id, **{str(decision): True})
    return heads | (designated & set(nominated.values_list("nominee_id", flat=True)))


def _excluded(kind: str, obj: Any) -> set[int]:
    recused = Recusal.objects.filter(request_kind=kind, request_id=obj.pk).values_list("person_id", flat=True)
    return set(recused) | set(involved(kind, obj)) | {p.pk for p in parties(obj)}


@enforces("9.2", "11.3", "Appendix I", "R9")
def escalation(kind: str, obj: Any, now: datetime) -> str | None:
    """Why the request is escalated to the DPO (None: it is not): no Headteacher-level decider has decided
    it for the working days the DPO set (compliance.trust) since it was asked, or a Headteacher-level decider
    recused, is involved or asked for it, and no other Headteacher or nominated alternate of the school may
    decide it."""
    waited = working_days_between(_today(asked_at(obj)), _today(now))
    if waited >= trust.escalate_after_working_days(obj.school_id):
        return f"no Headteacher-level decider has decided it in {waited} working days"
    candidates, excluded = _candidates(kind, obj, _today(now)), _excluded(kind, obj)
    recused = Recusal.objects.filter(request_kind=kind, request_id=obj.pk).exists()
    if (recused or candidates & excluded) and not candidates - excluded:
        return (
            "the Headteacher-level deciders stood back, are involved or asked for it, and no other "
            "Headteacher or nominated alternate may decide it"
        )
    return None


def _no_nomination(clause: str, decision: str) -> str:
    label = Decision(decision).label.split(" (")[0].lower()
    return (
        f"{clause}: only the Headteacher, or an alternate the Headteacher nominated for {label}, decides "
        "this, and you have no nomination for it in force today — ask the Headteacher to nominate you "
        "(Nominated alternates), or leave it to them"
    )


def standing(actor: Actor, kind: str, obj: Any, *, now: datetime) -> Standing:
    """Authority to decide the request (at the school, or the DPO on a re-routed or escalated one), then in
    order: a recusal, the two-person rule across accounts, the nomination an alternate needs."""
    decision, clause = DECISION_OF_KIND[kind], CLAUSE_OF_KIND[kind]
    action, school_id = action_of(kind), obj.school_id
    escalated = (
        not can(actor, action, school_id)
        and can(actor, two_person.REROUTED, None)
        and escalation(kind, obj, now) is not None
    )
    base = two_person.standing(
        actor, action, school_id, parties(obj), asked_at(obj), clause=clause, escalated=escalated
    )
    if not base.authority:
        return Standing(False)
    recused = recusal(actor, kind, obj)
    if recused is not None:
        return Standing(
            True,
            f"{clause}: you recused yourself from this request ({recused.reason}) — a nominated alternate or "
            "the DPO decides it",
        )
    why = involved(kind, obj).get(actor.pk) if is_person(actor) else None
    if why is not None:
        return Standing(
            True, f"{clause}: {why}, so you do not decide it — a nominated alternate or the DPO decides it"
        )
    if not can(actor, action, school_id):
        return Standing(True, base.refusal, basis="dpo")
    if is_headteacher(actor, school_id):
        return Standing(True, base.refusal, basis="headteacher")
    nomination = nomination_for(actor, school_id, decision, _today(now))
    if nomination is None:
        return Standing(True, base.refusal or _no_nomination(clause, decision))
    return Standing(True, base.refusal, nomination=nomination, basis="nominated alternate")


@enforces("9.2", "9.5", "11.3", "11.5", "11.7", "Appendix I", "R9")
def decider_problems(actor: Actor, kind: str, obj: Any, *, now: datetime) -> tuple[list[str], Standing]:
    """For a decision service, in place of require(): PermissionDenied without authority; otherwise the
    refusals (recused, no nomination, two-person rule) and the standing (its nomination is recorded)."""
    found = standing(actor, kind, obj, now=now)
    if not found.authority:
        raise PermissionDenied(not_permitted(action_of(kind)))
    return ([found.refusal] if found.refusal else []), found


def may_authorise_downloads(actor: Actor, school_id: int, *, now: datetime) -> bool:
    """The Headteacher, or an alternate nominated for downloads today (Appendix I): who may authorise a
    download of the school's footage at all, before a request's own checks (recusal, two-person rule)."""
    if not can(actor, ACTION[Decision.DOWNLOADS], school_id):
        return False
    return is_headteacher(actor, school_id) or (
        nomination_for(actor, school_id, Decision.DOWNLOADS, _today(now)) is not None
    )


@enforces("Appendix I")
def deletion_authority(actor: Actor, school_id: int, *, now: datetime) -> Nomination | None:
    """Deleting a downloaded copy (Appendix I): the Headteacher, or an alternate nominated for deletions.
    Returns the nomination relied on (None for the Headteacher); PermissionDenied without the action."""
    require(actor, ACTION[Decision.DELETIONS], school_id)
    if not is_person(actor) or is_headteacher(actor, school_id):
        return None
    nomination = nomination_for(actor, school_id, Decision.DELETIONS, _today(now))
    if nomination is None:
        raise PolicyRefusal(_no_nomination("Appendix I", Decision.DELETIONS))
    return nomination
