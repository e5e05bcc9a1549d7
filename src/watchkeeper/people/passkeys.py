"""Passkeys (WebAuthn, django-otp-webauthn) as a second factor beside the authenticator app (issue 14 §3;
9.2, 9.5, R15; design/roles.md "Second factor").

A person adds passkeys on their own account page and removes them there, each audited. A passkey signs a
person in after their password, in place of an authenticator code (people/passkey_views.py). On a decision
page a passkey assertion with user verification (PIN or biometric on the device) stands for the fresh code
a decision needs: the server keeps a single-use token bound to that person, good for two minutes, which the
page puts in the code field; core/second_factor.py spends it (core/passkey_codes.py) instead of matching a
TOTP code.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.db import transaction
from django_otp_webauthn.models import WebAuthnCredential

from watchkeeper.audit.services import record
from watchkeeper.core.actors import Actor, Person, is_person
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.passkey_codes import PASSKEY_CODE_PREFIX, token_hash
from watchkeeper.people.models import StaffProfile
from watchkeeper.people.passkey_models import PasskeyAssertion


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


def remove_all_passkeys(user: Person) -> int:
    """A reset or a leaver (issue 14 §1, §3): every passkey of `user` stops working with their password and
    authenticator; the caller audits it in its own transaction. Returns how many were removed."""
    removed, _ = WebAuthnCredential.objects.filter(user=user).delete()
    PasskeyAssertion.objects.filter(user=user).delete()
    return removed


def issue_decision_code(user: Person, credential: WebAuthnCredential, *, now: datetime) -> str:
    """After a verified assertion (user verification required) by `user`'s own `credential`: the code
    that the decision form sends in place of an authenticator code."""
    if credential.user_id != user.pk:  # the view checked this too; the binding is the point
        raise PolicyRefusal("9.2: that passkey is not yours")
    token = secrets.token_urlsafe(24)
    PasskeyAssertion.objects.create(
        user=user, credential=credential, token_hash=token_hash(token), verified_at=now
    )
    return PASSKEY_CODE_PREFIX + token
