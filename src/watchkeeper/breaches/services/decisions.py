"""The DPO's decisions on a breach (15.1; UK GDPR Art 33, 34): the risk assessment, whether the ICO is
told (in phases, a late one with its reasons) or not (with reasons), whether and how the people affected
are told, and the other notifications made. Every breach stays documented whatever is decided (Art 33(5))."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from watchkeeper.breaches import clock
from watchkeeper.breaches.models import (
    Breach,
    ICODecision,
    ICONotification,
    IndividualsDecision,
    Likelihood,
    OtherNotification,
    Party,
    Recipients,
    Risk,
    Severity,
)
from watchkeeper.breaches.services.common import DECIDE, audit
from watchkeeper.core.actors import Actor, Person, require_person
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal, refuse_if
from watchkeeper.core.permissions import require
from watchkeeper.core.transitions import lock, lock_and_check, lock_in_state


def _dpo(actor: Actor, breach: Breach) -> Person:
    person = require_person(actor, "15.1: the DPO decides, signed in")
    require(person, DECIDE, breach.school_id)
    return person


def assess_risk(
    actor: Actor, breach: Breach, *, likelihood: str, severity: str, notes: str, now: datetime
) -> Breach:
    """The DPO's assessment of the risk to people's rights and freedoms; revised as facts come in."""
    person = _dpo(actor, breach)
    if likelihood not in Likelihood.values or severity not in Severity.values or not notes.strip():
        raise PolicyRefusal(
            "15.1 (UK GDPR Art 33(1)): give the likelihood, the severity and what they rest on"
        )
    with transaction.atomic():
        lock(breach)
        breach.likelihood, breach.severity = likelihood, severity
        breach.risk = clock.risk_level(likelihood, severity)
        breach.risk_notes, breach.assessed_by, breach.assessed_at = notes.strip(), person, now
        breach.draft = False
        breach.save()
        audit(
            "assessed",
            person,
            breach,
            notes.strip(),
            likelihood=likelihood,
            severity=severity,
            risk=breach.risk,
        )
    return breach


@enforces("15.1", "R26")
def ico_decision_problems(breach: Breach, decision: str, reasons: str) -> list[str]:
    """Whether this ICO decision may be recorded. Pure (the breach as read)."""
    if decision not in ICODecision.values:
        return ["15.1 (UK GDPR Art 33(1)): choose whether the ICO is told"]
    problems = []
    if decision != ICODecision.NOT_A_BREACH and not breach.risk:
        problems.append("15.1 (UK GDPR Art 33(1)): assess the risk to people's rights and freedoms first")
    if decision == ICODecision.NOT_NOTIFY and breach.risk and breach.risk != Risk.UNLIKELY:
        problems.append(
            "15.1 (UK GDPR Art 33(1)): the assessment found a risk to people's rights and freedoms, so the "
            "ICO must be told — or revise the assessment, with what it rests on"
        )
    if decision != ICODecision.NOTIFY and not reasons.strip():
        problems.append(
            "UK GDPR Art 33(5): record the reasons for not telling the ICO — every breach is documented"
        )
    return problems


def decide_ico(actor: Actor, breach: Breach, *, decision: str, reasons: str, now: datetime) -> Breach:
    """The DPO's recorded decision: tell the ICO, or not (with reasons). Not telling stops the clock."""
    person = _dpo(actor, breach)
    with transaction.atomic():
        lock_in_state(breach, [""], "15.1: the ICO decision is already recorded", field="ico_decision")
        refuse_if(ico_decision_problems(breach, decision, reasons))
        breach.ico_decision, breach.ico_reasons = decision, reasons.strip()
        breach.decided_by, breach.decided_at, breach.draft = person, now, False
        breach.save()
        late = decision != ICODecision.NOTIFY and clock.is_late(breach.aware_at, now)
        audit("ico_decided", person, breach, reasons.strip(), decision=decision, after_72_hours=late)
    return breach


@enforces("15.1", "R26")
def ico_phase_problems(
    breach: Breach, *, nature: str, dpo_contact: str, late_reasons: str, sent_at: datetime, now: datetime
) -> list[str]:
    """What a phase of the ICO notification must hold (Art 33(3), 33(4)). Pure."""
    problems = []
    if breach.ico_decision != ICODecision.NOTIFY:
        problems.append("15.1 (UK GDPR Art 33(1)): record the decision to tell the ICO first")
    if not nature.strip() or not dpo_contact.strip():
        problems.append(
            "UK GDPR Art 33(3): describe the breach (the categories and approximate numbers of people and "
            "records) and give the DPO's contact details"
        )
    if sent_at > now:
        problems.append("UK GDPR Art 33(4): record a phase once it has been sent")
    first = not breach.ico_phases.exists()
    if first and clock.is_late(breach.aware_at, sent_at) and not late_reasons.strip():
        problems.append(
            "UK GDPR Art 33(1): the ICO was told after 72 hours — record the reasons for the delay"
        )
    return problems


def notify_ico(
    actor: Actor,
    breach: Breach,
    *,
    sent_at: datetime,
    nature: str,
    dpo_contact: str,
    consequences: str = "",
    measures: str = "",
    late_reasons: str = "",
    ico_reference: str = "",
    now: datetime,
) -> ICONotification:
    """One phase of the notification to the ICO (Art 33(4): facts may follow in later phases). The first
    phase stops the 72-hour clock."""
    person = _dpo(actor, breach)
    with transaction.atomic():
        lock_and_check(
            breach,
            lambda locked: ico_phase_problems(
                locked,
                nature=nature,
                dpo_contact=dpo_contact,
                late_reasons=late_reasons,
                sent_at=sent_at,
                now=now,
            ),
        )
        phase = ICONotification.objects.create(
            breach=breach,
            phase=breach.ico_phases.count() + 1,
            sent_at=sent_at,
            nature=nature.strip(),
            dpo_contact=dpo_contact.strip(),
            consequences=consequences.strip(),
            measures=measures.strip(),
            late_reasons=late_reasons.strip(),
            ico_reference=ico_reference.strip(),
            made_by=person,
        )
        audit(
            "ico_notified",
            person,
            breach,
            late_reasons.strip(),
            phase=phase.phase,
            sent_at=sent_at.isoformat(),
        )
    return phase


def missing_from_ico(phases: list[ICONotification]) -> list[str]:
    """Art 33(3) content no phase has given yet (Art 33(4): it follows in a later phase)."""
    missing = []
    if not any(p.consequences for p in phases):
        missing.append("the likely consequences (Art 33(3)(c))")
    if not any(p.measures for p in phases):
        missing.append("the measures taken or proposed (Art 33(3)(d))")
    return missing


@enforces("15.1", "R26")
def individuals_problems(
    breach: Breach, *, decision: str, recipients: str, notice: str, reasons: str, safeguarding_checked: bool
) -> list[str]:
    """Whether the people affected are told (Art 34), or which Art 34(3) exception applies. Pure."""
    if decision not in IndividualsDecision.values:
        return ["UK GDPR Art 34(1): choose whether the people affected are told, or which exception applies"]
    if decision != IndividualsDecision.NOTIFY:
        if not reasons.strip():
            return [
                "UK GDPR Art 34(3): say why the exception applies (e.g. the lost package is encrypted and "
                "its password safe)"
            ]
        return []
    problems = []
    if recipients not in Recipients.values:
        problems.append("UK GDPR Art 34(1): say who is told")
    if not notice.strip():
        problems.append(
            "UK GDPR Art 34(2): write what they are told, in plain language: what happened, who to contact "
            "(the DPO), the likely consequences and what is being done"
        )
    if (breach.children_images or recipients != Recipients.PEOPLE) and not safeguarding_checked:
        problems.append(
            "15.1: images of children are involved — the parents or carers are told only after a "
            "safeguarding check (the designated safeguarding lead): confirm it was done"
        )
    return problems


def decide_individuals(
    actor: Actor,
    breach: Breach,
    *,
    decision: str,
    now: datetime,
    recipients: str = "",
    notice: str = "",
    reasons: str = "",
    safeguarding_checked: bool = False,
) -> Breach:
    """15.1, Art 34: the people affected are told without undue delay when the risk is high."""
    person = _dpo(actor, breach)
    with transaction.atomic():
        lock_and_check(
            breach,
            lambda locked: individuals_problems(
                locked,
                decision=decision,
                recipients=recipients,
                notice=notice,
                reasons=reasons,
                safeguarding_checked=safeguarding_checked,
            ),
        )
        breach.individuals_decision = decision
        breach.individuals_recipients = recipients if decision == IndividualsDecision.NOTIFY else ""
        breach.individuals_notice = notice.strip() if decision == IndividualsDecision.NOTIFY else ""
        breach.individuals_reasons = reasons.strip()
        breach.safeguarding_checked_by = person if safeguarding_checked else None
        breach.individuals_decided_by, breach.individuals_at = person, now
        breach.save()
        audit(
            "individuals_decided", person, breach, reasons.strip(), decision=decision, recipients=recipients
        )
    return breach


def record_other(
    actor: Actor,
    breach: Breach,
    *,
    party: str,
    notified_at: datetime,
    reference: str,
    notes: str,
    now: datetime,
) -> OtherNotification:
    """Another notification made: the police, the trust's insurer, the board."""
    person = _dpo(actor, breach)
    if party not in Party.values or notified_at > now:
        raise PolicyRefusal("15.1: say who was told, and when (not in the future)")
    with transaction.atomic():
        made = OtherNotification.objects.create(
            breach=breach,
            party=party,
            notified_at=notified_at,
            reference=reference.strip(),
            notes=notes.strip(),
            made_by=person,
        )
        audit("other_notified", person, breach, party=party, notified_at=notified_at.isoformat())
    return made
