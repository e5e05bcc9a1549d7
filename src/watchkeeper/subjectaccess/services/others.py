"""Other people seen in a clip (10.4): each is obscured by an approved redaction (10.4.1), consented
(10.4.2), or the subject of a reasoned decision that disclosure is reasonable, weighing every DPA 2018
Sch 2 Part 3 para 16 factor (10.4.3)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from watchkeeper.core.actors import Actor
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import refuse_if
from watchkeeper.redaction import rules as redaction_rules
from watchkeeper.redaction.models import Redaction
from watchkeeper.subjectaccess.models import PARA_16_FACTORS, Clip, OtherPerson, OtherPersonBasis
from watchkeeper.subjectaccess.services.common import audit, failing, handler, lock_live


@enforces("10.4", "10.4.1", "10.4.2", "10.4.3", "R23")
def record_other_person(
    actor: Actor,
    clip: Clip,
    *,
    description: str,
    basis: str,
    redaction: Redaction | None = None,
    consent_by: str = "",
    consent_on: date | None = None,
    consent_how: str = "",
    is_child: bool = False,
    consent_capacity: str = "",
    consent_by_parent: bool = False,
    refused_consent: bool = False,
    factors: dict[str, str] | None = None,
    now: datetime,
) -> OtherPerson:
    """How one other person seen in the clip is dealt with. `is_child` and `refused_consent` are recorded
    whatever the basis: a child in the clip brings the DPO in before an unredacted copy, and an express
    refusal of consent blocks one (10.4.2, 10.4.3)."""
    case = clip.case
    person = handler(actor, case.school_id)
    consented, reasonable = basis == OtherPersonBasis.CONSENT, basis == OtherPersonBasis.REASONABLE
    weighed = {name: (factors or {}).get(name, "").strip() for name, _ in PARA_16_FACTORS}
    other = OtherPerson(
        clip=clip,
        description=description.strip(),
        basis=basis,
        redaction=redaction if basis == OtherPersonBasis.REDACTED else None,
        consent_by=consent_by.strip() if consented else "",
        consent_on=consent_on if consented else None,
        consent_how=consent_how.strip() if consented else "",
        is_child=is_child,
        consent_capacity=consent_capacity.strip() if consented and is_child else "",
        consent_by_parent=consent_by_parent if consented and is_child else False,
        refused_consent=refused_consent,
        decided_by=person,
        decided_at=now,
        **{name: text if reasonable else "" for name, text in weighed.items()},
    )
    with transaction.atomic():
        lock_live(case)
        refuse_if(other_person_problems(other, timezone.localdate(now)))
        other.save()
        details: dict[str, Any] = {
            "clip": clip.pk,
            "other_person": other.pk,
            "basis": basis,
            "child": is_child,
            "refused_consent": refused_consent,
        }
        if other.redaction_id:
            details["redaction"] = other.redaction_id
        audit("other_person_decided", person, case, reason=other.description, **details)
    return other


@enforces("10.3", "10.4", "10.4.1", "10.4.2", "10.4.3", "R23")
def other_person_problems(other: OtherPerson, today: date) -> list[str]:
    """What stops the (unsaved) decision on how another person is dealt with being recorded."""
    clip = other.clip
    problems = failing(
        (clip.only_requester, "10.3: this clip was recorded as showing only the requester"),
        (not other.description, "10.4: describe the other person (without naming them)"),
    )
    if other.basis == OtherPersonBasis.REDACTED:
        return problems + _redaction_problems(clip, other.redaction)
    if other.basis == OtherPersonBasis.CONSENT:
        return problems + _consent_problems(other, today)
    if other.basis == OtherPersonBasis.REASONABLE:
        return problems + [
            f"10.4.3 (DPA 2018 Sch 2 Part 3 para 16): weigh and record: {label.lower()}"
            for name, label in PARA_16_FACTORS
            if not getattr(other, name)
        ]
    return [*problems, "10.4: choose redaction, consent or a reasoned decision to disclose"]


def _redaction_problems(clip: Clip, redaction: Redaction | None) -> list[str]:
    if redaction is None:
        return ["10.4.1: choose the redaction that obscures this person"]
    if redaction.school_id != clip.case.school_id:
        return ["10.4.1: the redaction must be of this school's footage"]
    return redaction_rules.coverage_problems(redaction, [clip.camera_id], clip.start, clip.end)


def _consent_problems(other: OtherPerson, today: date) -> list[str]:
    return failing(
        (
            other.refused_consent,
            "10.4.2: this person expressly refused consent — record their refusal with redaction or a "
            "para 16 decision instead",
        ),
        (
            other.is_child and not other.consent_by_parent and not other.consent_capacity,
            "10.4.2: a child's own consent needs their capacity to give it recorded (why they understand "
            "what they agree to); otherwise record their parent's consent",
        ),
        (not other.consent_by, "10.4.2: record who gave consent"),
        (other.consent_on is None, "10.4.2: record when consent was given"),
        (
            other.consent_on is not None and other.consent_on > today,
            "10.4.2: consent cannot be dated in the future",
        ),
        (not other.consent_how, "10.4.2: record how consent was given (in writing, by e-mail…)"),
    )
