"""What every part of the disclosures services shares: the actions, the notes shown beside a decision,
the one check that a person is acting, and the terms of a request as the audit log records them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from watchkeeper.core.actors import Actor, Person, require_person
from watchkeeper.core.auditing import audit_about
from watchkeeper.core.release_terms import no_social_media
from watchkeeper.disclosures.models import ClosurePeriod, Disclosure, DisclosureRequest, FOIRequest
from watchkeeper.estate.footage import window_terms
from watchkeeper.estate.models import Camera

# What an audit event of this app is about: each belongs to one school.
Audited = DisclosureRequest | FOIRequest | ClosurePeriod | Disclosure

VIEW, MANAGE, DECIDE, ADVISE, RECORD, REGISTER, REVIEW = (
    "disclosures.view",
    "disclosures.manage",
    "disclosures.decide",
    "disclosures.advise",
    "disclosures.record",
    "disclosures.register",
    "disclosures.review",
)

# Shown to the Headteacher and the DPO wherever the police basis is chosen or shown (11.3).
S29_NOTE = (
    "11.3 of the policy says police requests can only be actioned under section 29 of the Data Protection "
    "Act 1998. That Act was repealed on 25 May 2018: the basis today is the Data Protection Act 2018, "
    "Schedule 2 Part 1 paragraph 2 (crime: the prevention or detection of crime, the apprehension or "
    "prosecution of offenders). Watchkeeper records that basis."
)
# 11.3, 11.4: release conditions, printed in the package letter (evidence/package/manifest.py), shown on
# approval; the social-media prohibition in the words every release carries (core/release_terms.py).
RELEASE_CONDITIONS = (
    "The recording remains the property of the school and is to be treated in accordance with the CCTV "
    "policy; the school may refuse permission for it, or anything in it, to be passed to anyone else (11.3). "
    + no_social_media("The recording, and any image taken from it,")
)


def staff(actor: object) -> Person:
    """The actor as the member of staff handling the request: disclosures are never handled by SYSTEM."""
    return require_person(actor, "11: only a signed-in member of staff may handle a disclosure request")


def audit(event: str, actor: Actor, obj: Audited, reason: str = "", **details: Any) -> None:
    """The audit event `disclosures.<event>` about `obj`, filed under its school, in the caller's
    transaction."""
    audit_about(f"disclosures.{event}", actor, obj, reason=reason, **details)


def terms(req: DisclosureRequest, cameras: Iterable[Camera]) -> dict[str, Any]:
    """What was asked for, as each audit event about the request records it."""
    return {
        "request": req.pk,
        "kind": req.kind,
        "requester": req.requester_name,
        "organisation": req.requester_organisation,
        "reference": req.reference,
        **window_terms(cameras, req.start, req.end),
        "legal_basis": req.legal_basis,
    }
