"""Spending a passkey code on a decision (issue 14 §3; 9.2, 9.5, R15): the kernel's half of
people/passkeys.py, which makes the codes. A code is `passkey:` and a random token; only its hash is kept
(people.models.PasskeyAssertion)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.db import transaction

from watchkeeper.core.actors import Actor, is_person
from watchkeeper.core.clauses import enforces
from watchkeeper.people.models import PasskeyAssertion

# The "code" a decision form carries after a passkey assertion: this prefix, then the token.
PASSKEY_CODE_PREFIX = "passkey:"
# How long a verified assertion may wait for its decision: long enough to read the page and press
# Approve, short enough that it is still the person at the keyboard (the TOTP code lives 30-60 s).
# Could move to the DPO's trust settings.
PASSKEY_ASSERTION_MAX_AGE = timedelta(minutes=2)


def is_passkey_code(code: str) -> bool:
    return code.strip().startswith(PASSKEY_CODE_PREFIX)


def assertion_usable(
    verified_at: datetime,
    used_at: datetime | None,
    now: datetime,
    max_age: timedelta = PASSKEY_ASSERTION_MAX_AGE,
) -> bool:
    """Not spent, and verified no longer than `max_age` before `now` (nor after it: a clock gone back)."""
    return used_at is None and verified_at <= now <= verified_at + max_age


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@enforces("9.2", "9.5", "R15")
def spend_decision_code(actor: Actor, code: str, *, now: datetime) -> bool:
    """True once for a code from issue_decision_code: same person, within the time, not spent before."""
    if not is_person(actor) or not is_passkey_code(code):
        return False
    token = code.strip()[len(PASSKEY_CODE_PREFIX) :]
    with transaction.atomic():
        row = (
            PasskeyAssertion.objects.select_for_update()
            .filter(user=actor, token_hash=token_hash(token))
            .first()
        )
        if row is None or not assertion_usable(row.verified_at, row.used_at, now):
            return False
        row.used_at = now
        row.save(update_fields=["used_at"])
    return True
