"""A fresh authenticator code on every decision that authorises footage to be seen or to leave (9.2, 9.5,
11.3): one check for every app, so a wrong code is refused, audited and counted alike everywhere. A passkey
assertion with user verification, made on the decision page moments before, stands for the code (issue 14
§3; people/passkeys.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django.utils import timezone
from django_otp import match_token

from watchkeeper.audit.services import record
from watchkeeper.core.actors import Actor
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal, Refusal
from watchkeeper.core.passkey_codes import is_passkey_code, spend_decision_code


class SecondFactorRefused(PolicyRefusal):
    """The authenticator code on a decision was wrong or already used (counted as a failed log-in)."""


@dataclass(frozen=True)
class FreshCode:
    """A code `require_fresh_code` has just accepted from `person_id`. One decision that covers several
    steps (a disclosure and its package, a batch of routine decisions: issue 15 §4) asks for the code once
    and passes this to each step's service in place of the code, inside the same service call: the code is
    spent once, and every step still names the person who gave it. Made only by `require_fresh_code`."""

    person_id: int | None


@enforces("9.2", "9.5", "R15")
def require_fresh_code(
    actor: Actor,
    code: str | FreshCode,
    *,
    clause: str,
    audit_action: str,
    school: Any,
    obj: Any,
    details: dict[str, Any],
    now: datetime | None = None,
) -> FreshCode:
    """django-otp accepts each code once; a wrong or replayed one is audited as `audit_action` and raised
    as SecondFactorRefused, citing `clause`. A passkey code (people/passkeys.py) is spent instead
    (core/passkey_codes.py): accepted once, from the person it was made for, within two minutes of `now`.
    A `FreshCode` stands for a code this person gave for the same decision a moment before."""
    if isinstance(code, FreshCode):
        accepted = code.person_id is not None and code.person_id == actor.pk
    elif is_passkey_code(code):
        accepted = spend_decision_code(actor, code, now=now or timezone.now())
    else:
        accepted = match_token(actor, code.strip()) is not None
    if not accepted:
        record(audit_action, actor=actor, school=school, obj=obj, details=details)
        raise SecondFactorRefused(
            Refusal(
                clause,
                "that authenticator code is not right, or was used already",
                "enter the next code your authenticator app shows (or use your passkey again)",
            )
        )
    return FreshCode(actor.pk)


def count_failed_code(request: HttpRequest, refusal: PolicyRefusal) -> None:
    """In a view: a wrong code counts as a failed log-in (django-axes), so codes cannot be guessed."""
    if isinstance(refusal, SecondFactorRefused):
        credentials = {"username": request.user.get_username()}
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
