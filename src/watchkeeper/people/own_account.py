"""Making an account one's own (9.2, 9.5; design/roles.md "Accounts not yet their holder's own").

Who set each password and authenticator secret is recorded (CredentialSetting). The holder replaces both
themselves here: a new password (Django's validators), and a new authenticator whose secret only they are
shown, confirmed with a code from it before the old one is removed. Each step is audited; the step that
leaves nothing set by someone else is audited as `people.account_made_own` too, naming who had set what,
so the DPO can see it (people/reroutings.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from watchkeeper.audit.services import record
from watchkeeper.core.actors import Actor, Person, person_or_none
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.people.models import Credential, CredentialSetting, StaffProfile
from watchkeeper.people.two_person import set_by_others

NEW_DEVICE = "Authenticator app (being set up)"


def record_setting(user: Person, credential: str, actor: Actor, at: datetime) -> CredentialSetting:
    """Inside the caller's transaction: `actor` (SYSTEM: nobody) set `credential` of `user` at `at`."""
    set_by = person_or_none(actor)
    return CredentialSetting.objects.create(user=user, credential=credential, set_by=set_by, set_at=at)


def _school(user: Person) -> Any:
    profile = StaffProfile.objects.filter(user=user).select_related("school").first()
    return profile.school if profile else None


def _made_own(user: Person, before: list[CredentialSetting]) -> None:
    """Audit the moment nothing in force was set by someone else any more (after replacing the last)."""
    if before and not set_by_others(user):
        record(
            "people.account_made_own",
            actor=user,
            school=_school(user),
            obj=user,
            details={
                f"{row.credential}_set_by": row.set_by.get_username() if row.set_by else "" for row in before
            },
        )


def change_own_password(user: Person, new_password: str, *, now: datetime) -> None:
    """The holder's new password (the view's PasswordChangeForm checked the old one and the validators)."""
    before = set_by_others(user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        record_setting(user, Credential.PASSWORD, user, now)
        record("people.password_changed", actor=user, school=_school(user), obj=user)
        _made_own(user, before)


def start_enrolment(user: Person) -> TOTPDevice:
    """A new, unconfirmed authenticator for the holder alone: it signs nobody in until confirmed. An earlier
    unfinished one is replaced."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=NEW_DEVICE, confirmed=False)


def pending_enrolment(user: Person) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


@enforces("9.2", "R15")
def confirm_enrolment(user: Person, code: str, *, now: datetime) -> TOTPDevice:
    """A code from the new authenticator confirms it; the old one is then removed."""
    device = pending_enrolment(user)
    if device is None:
        raise PolicyRefusal("9.2: start again — there is no new authenticator waiting to be confirmed")
    if not device.verify_is_allowed()[0]:  # django-otp waits 1 s after a wrong code, doubling each time
        raise PolicyRefusal("9.2: after a wrong code, wait a few seconds, then enter the code the app shows")
    if not device.verify_token(code.strip()):
        raise PolicyRefusal(
            "9.2: that code is not right — enter the code the new authenticator app shows now"
        )
    before = set_by_others(user)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed, device.name = True, "Authenticator app"
        device.save(update_fields=["confirmed", "name"])
        record_setting(user, Credential.SECOND_FACTOR, user, now)
        record("people.second_factor_enrolled", actor=user, school=_school(user), obj=user)
        _made_own(user, before)
    return device
