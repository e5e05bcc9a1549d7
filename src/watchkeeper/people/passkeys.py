"""Passkeys (WebAuthn, django-otp-webauthn) as a second factor beside the authenticator app (issue 14 §3;
9.2, 9.5, R15; design/roles.md "Second factor").

A person adds passkeys on their own account page and removes them there, each audited. A passkey signs a
person in after their password, in place of an authenticator code (people/passkey_views.py). On a decision
page a passkey assertion with user verification (PIN or biometric on the device) stands for the fresh code
a decision needs: the server keeps a single-use token bound to that person, good for two minutes, which the
page puts in the code field; core/second_factor.py spends it instead of matching a TOTP code.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django_otp_webauthn.models import WebAuthnCredential

from watchkeeper.audit.services import record
from watchkeeper.core.actors import Actor, Person, is_person
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.people.models import StaffProfile
from watchkeeper.people.passkey_models import PasskeyAssertion

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


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def school_of_user(user: Person) -> Any:
    profile = StaffProfile.objects.filter(user=user).select_related("school").first()
    return profile.school if profile else None


def passkeys_of(user: Person) -> list[WebAuthnCredential]:
    return list(WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at"))


def has_passkey(user: Actor) -> bool:
    return is_person(user) and WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def record_registered(user: Person, credential: WebAuthnCredential) -> None:
    """Inside the registering transaction: who added which passkey (the package made the row)."""
    record(
        "people.passkey_added",
        actor=user,
        school=school_of_user(user),
        obj=user,
        details={"passkey": credential.pk, "name": credential.name},
    )


@enforces("9.2")
def remove_passkey(user: Person, credential_pk: int, *, now: datetime) -> None:
    """The holder removes one of their own passkeys; what it asserted and not yet spent goes with it."""
    with transaction.atomic():
        credential = (
            WebAuthnCredential.objects.select_for_update().filter(user=user, pk=credential_pk).first()
        )
        if credential is None:
            raise PolicyRefusal("9.2: that passkey is not one of yours, or was removed already")
        details = {"passkey": credential.pk, "name": credential.name, "removed_at": now.isoformat()}
        credential.delete()
        record("people.passkey_removed", actor=user, school=school_of_user(user), obj=user, details=details)


def issue_decision_code(user: Person, credential: WebAuthnCredential, *, now: datetime) -> str:
    """After a verified assertion (user verification required) by `user`'s own `credential`: the code
    that the decision form sends in place of an authenticator code."""
    if credential.user_id != user.pk:  # the view checked this too; the binding is the point
        raise PolicyRefusal("9.2: that passkey is not yours")
    token = secrets.token_urlsafe(24)
    PasskeyAssertion.objects.create(
        user=user, credential=credential, token_hash=_hash(token), verified_at=now
    )
    return PASSKEY_CODE_PREFIX + token


@enforces("9.2", "9.5", "R15")
def spend_decision_code(actor: Actor, code: str, *, now: datetime) -> bool:
    """True once for a code from issue_decision_code: same person, within the time, not spent before."""
    if not is_person(actor) or not is_passkey_code(code):
        return False
    token = code.strip()[len(PASSKEY_CODE_PREFIX) :]
    with transaction.atomic():
        row = PasskeyAssertion.objects.select_for_update().filter(user=actor, token_hash=_hash(token)).first()
        if row is None or not assertion_usable(row.verified_at, row.used_at, now):
            return False
        row.used_at = now
        row.save(update_fields=["used_at"])
    return True
