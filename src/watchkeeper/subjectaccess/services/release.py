"""An unredacted copy for the requester (10.4.2, 10.4.3; DPA 2018 Sch 2 Part 3 para 16): where every other
person in a clip consented or is the subject of a documented para 16 decision, and nobody expressly refused,
the Headteacher may decide, with a fresh authenticator code, that the clip leaves unredacted; where any of
them is a child the DPO signs off too. Who decides is settled as for downloads (people/deciders.py, design/
roles.md "Who decides"): the Headteacher, an alternate nominated for downloads (the release records the
nomination), never anyone who recused from the case, and the DPO when no Headteacher-level decider may.
The decision names nobody: the consents and para 16 reasoning stay in the school's records (OtherPerson
rows) and never travel in the requester's package."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Max

from watchkeeper.core.actors import Actor, Person, require_person
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import refuse_if
from watchkeeper.core.permissions import require
from watchkeeper.core.second_factor import require_fresh_code
from watchkeeper.people.deciders import SUBJECT_ACCESS, Standing, decider_problems
from watchkeeper.subjectaccess.models import Clip, OtherPersonBasis, Provision, UnredactedRelease
from watchkeeper.subjectaccess.services.common import audit, failing, lock_live
from watchkeeper.subjectaccess.services.public import safeguarding_problems

RELEASE, SIGN_OFF = "sar.release_unredacted", "sar.sign_off_release"  # RELEASE: see release_deciders


@enforces("10.4.1", "10.4.2", "10.4.3", "R23")
def release_problems(clip: Clip) -> list[str]:
    """What stops the clip leaving unredacted (empty: the Headteacher may decide it)."""
    others = list(clip.others.all())
    problems = failing(
        (clip.provision != Provision.COPY, "10.4: only a clip given as a copy can leave unredacted"),
        (clip.only_requester, "10.3: this clip shows only the requester — nobody else to consider"),
        (not others, "10.4: record how each other person in the clip is dealt with first"),
    ) + safeguarding_problems(clip.case)
    for other in others:
        if other.basis == OtherPersonBasis.REDACTED:
            problems.append(
                f"10.4.1: {other.description} is to be obscured by redaction — an unredacted copy needs "
                "every other person covered by consent (10.4.2) or a para 16 decision (10.4.3)"
            )
        if other.refused_consent:
            problems.append(
                f"10.4.2: {other.description} expressly refused consent — the copy leaves redacted"
            )
    return problems


@enforces("9.5", "10.4.2", "10.4.3", "R23")
def release_unredacted(
    actor: Actor, clip: Clip, *, code: str, reason: str, now: datetime
) -> UnredactedRelease:
    """The Headteacher decides that the clip leaves unredacted; a fresh code, as for every decision that
    lets footage leave (9.5)."""
    case = clip.case
    person = require_person(actor, "10.4: only a signed-in member of staff decides a release")
    deciders, standing = release_deciders(person, clip, now)
    refuse_if(
        deciders
        + release_problems(clip)
        + failing((not reason.strip(), "10.4.3: say why releasing the clip unredacted is right"))
    )
    _fresh_code(person, code, clip, "subjectaccess.release_code_refused")
    with transaction.atomic():
        lock_live(case)
        if UnredactedRelease.objects.filter(clip=clip).exists():
            refuse_if([f"10.4: clip {clip.pk}'s unredacted release is decided already"])
        refuse_if(release_problems(clip))  # the decisions it rests on, re-read under the case's lock
        needs_dpo = clip.others.filter(is_child=True).exists()
        release = UnredactedRelease.objects.create(
            clip=clip,
            reason=reason.strip(),
            decided_by=person,
            decided_at=now,
            nomination=standing.nomination,
            authority=standing.basis,
            needs_dpo=needs_dpo,
        )
        audit(
            "unredacted_release_decided",
            person,
            case,
            reason=release.reason,
            clip=clip.pk,
            release=release.pk,
            needs_dpo=needs_dpo,
            authority=standing.basis,
            nomination=standing.nomination.pk if standing.nomination else None,
        )
    return release


@dataclass(frozen=True)
class ReleaseQuestion:
    """The release as people/deciders.py sees a request. A recusal is from the whole case (its `pk`); the
    escalation clock runs from when the clip's last other person was decided (the question was ready for the
    Headteacher); nobody "asked" for it, so the two-person rule has no party to weigh."""

    pk: int
    school_id: int
    requested_at: datetime
    requested_by: None = None


@enforces("9.2", "10.4.3", "Appendix I")
def release_deciders(person: Person, clip: Clip, now: datetime) -> tuple[list[str], Standing]:
    """Who may decide the clip's release: PermissionDenied without the authority; else the refusals (recused,
    no nomination for downloads) and the standing whose nomination the release records."""
    case = clip.case
    ready = clip.others.aggregate(at=Max("decided_at"))["at"] or clip.decided_at
    return decider_problems(person, SUBJECT_ACCESS, ReleaseQuestion(case.pk, case.school_id, ready), now=now)


@enforces("10.4.2", "10.4.3")
def sign_off_release(
    actor: Actor, release: UnredactedRelease, *, code: str, note: str, now: datetime
) -> UnredactedRelease:
    """The DPO signs off an unredacted release where another person in the clip is a child."""
    clip = release.clip
    person = _decider(actor, SIGN_OFF, clip.case.school_id)
    refuse_if(
        failing(
            (not release.needs_dpo, "10.4.3: this release names no child — it needs no DPO sign-off"),
            (not note.strip(), "10.4.3: record the DPO's view of the children's interests"),
        )
    )
    _fresh_code(person, code, clip, "subjectaccess.signoff_code_refused")
    with transaction.atomic():
        # Re-read under the row's lock: two sign-offs at once make one.
        release = (
            UnredactedRelease.objects.select_for_update().select_related("clip__case").get(pk=release.pk)
        )
        if release.dpo_signed_at is not None:
            refuse_if(["10.4.3: the DPO has signed this release off already"])
        release.dpo_signed_by, release.dpo_signed_at, release.dpo_note = person, now, note.strip()
        release.save(update_fields=["dpo_signed_by", "dpo_signed_at", "dpo_note"])
        audit("unredacted_release_signed_off", person, clip.case, reason=release.dpo_note, clip=clip.pk)
    return release


def _decider(actor: Actor, action: str, school_id: int) -> Person:
    person = require_person(actor, "10.4: only a signed-in member of staff decides a release")
    require(person, action, school_id)
    return person


def _fresh_code(person: Person, code: str, clip: Clip, refused_action: str) -> None:
    # Outside the decision's transaction: a wrong code's audit event must stay when the refusal is raised.
    case = clip.case
    require_fresh_code(
        person,
        code,
        clause="10.4.3",
        audit_action=refused_action,
        school=case.school,
        obj=case,
        details={"case": case.reference, "clip": clip.pk},
    )
