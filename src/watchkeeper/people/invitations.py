"""Invitations (issue 14 §1; 9.2, 9.5, UK GDPR Art 32; design/roles.md "Invitations"): nobody but the holder
knows an account's password or authenticator secret.

A new account has no usable password and no authenticator. Its holder gets an invitation: a single-use link,
valid for INVITATION_DAYS, whose token is stored only as a SHA-256 hash. With it they choose their own
password (Django's validators) and enrol their own authenticator, confirmed with a code from it; both are
recorded as set by the holder (CredentialSetting), so the two-person rule across accounts sees nobody else.
A reset (lost phone, forgotten password) is a new invitation: the old password and authenticator stop
working at once, open sessions end and earlier invitations are void.

Where e-mail is configured (WATCHKEEPER_SMTP_HOST) the link goes to the person's address; otherwise it is
shown once to whoever made the invitation, to hand over in person.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from watchkeeper.audit.services import record
from watchkeeper.core.actors import Actor, Person, person_or_none
from watchkeeper.core.clauses import enforces
from watchkeeper.core.dates import uk_datetime
from watchkeeper.core.errors import PolicyRefusal, Refusal
from watchkeeper.estate.models import School
from watchkeeper.people import passkeys
from watchkeeper.people.models import Credential, Invitation, StaffProfile
from watchkeeper.people.own_account import NEW_DEVICE, record_setting
from watchkeeper.people.sessions import end_sessions

INVITATION_DAYS = 7  # could move to the DPO's trust settings
NOT_VALID = Refusal(
    "UK GDPR Art 32",
    "this invitation link is not valid: it was used already, replaced by a newer one, or has expired",
    "ask your Headteacher or the DPO for a new invitation",
)


@dataclass(frozen=True)
class Issued:
    invitation: Invitation
    token: str  # the secret part of the link: never stored, shown or sent once
    emailed: bool


def email_configured() -> bool:
    return bool(settings.WATCHKEEPER_SMTP_HOST)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _school(user: Person) -> School | None:
    profile = StaffProfile.objects.filter(user=user).select_related("school").first()
    return profile.school if profile else None


def void_open(user: Person, now: datetime) -> int:
    """Inside the caller's transaction: every invitation of `user` not yet used stops working."""
    return Invitation.objects.open().filter(user=user).update(voided_at=now)


@enforces("9.2", "9.5")
def issue(actor: Actor, user: Person, *, link: str, now: datetime) -> Issued:
    """Inside the caller's transaction (create_staff, reset_sign_in): a new invitation for `user`, earlier
    ones void. `link` is the invitation page's address with "{token}" where the token goes. E-mailed when
    e-mail is configured and the person has an address; the e-mail leaves only once the change is saved."""
    void_open(user, now)
    token = secrets.token_urlsafe(32)
    to = user.email if email_configured() and user.email else ""
    invitation = Invitation.objects.create(
        user=user,
        token_hash=_hash(token),
        created_by=person_or_none(actor),
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
        emailed_to=to,
    )
    record(
        "people.invitation_issued",
        actor=actor,
        school=_school(user),
        obj=user,
        details={"emailed_to": to, "expires_at": invitation.expires_at.isoformat()},
    )
    if to:
        url = link.replace("{token}", token)
        transaction.on_commit(lambda: _send(user, to, url, invitation.expires_at))
    return Issued(invitation, token, bool(to))


def _send(user: Person, to: str, url: str, expires_at: datetime) -> None:
    name = user.get_full_name() or user.get_username()
    send_mail(
        "Your Watchkeeper account: set your password and authenticator",
        f"Hello {name},\n\nYour Watchkeeper account (user name {user.get_username()}) is ready. Open this "
        f"link to choose your own password and set up your authenticator app:\n\n{url}\n\nThe link works "
        f"once, until {uk_datetime(expires_at)} (UK time). Nobody else knows your password or your "
        "authenticator: do not share them.\n",
        settings.DEFAULT_FROM_EMAIL,
        [to],
    )


def find(token: str, now: datetime) -> Invitation:
    """The usable invitation whose token this is, or a refusal that does not say which check failed."""
    invitation = Invitation.objects.select_related("user").filter(token_hash=_hash(token)).first()
    if invitation is None or not invitation.usable(now) or not invitation.user.is_active:
        raise PolicyRefusal(NOT_VALID)
    return invitation


def start(token: str, *, now: datetime) -> TOTPDevice:
    """The holder's new, unconfirmed authenticator (an earlier unfinished one replaced): its secret is
    shown to whoever holds the link, and it signs nobody in until accepted."""
    invitation = find(token, now)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=invitation.user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=invitation.user, name=NEW_DEVICE, confirmed=False)


def pending_device(token: str, now: datetime) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=find(token, now).user, confirmed=False).first()


@enforces("9.2", "9.5", "R15")
def accept(token: str, password: str, code: str, *, now: datetime) -> Person:
    """The holder's own password and authenticator, in one step: the password through Django's validators,
    the authenticator confirmed by a code from it. The invitation is then used up."""
    invitation = find(token, now)
    user = invitation.user
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise PolicyRefusal([Refusal("UK GDPR Art 32", message) for message in error.messages]) from None
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        raise PolicyRefusal("9.2: start again — there is no new authenticator waiting to be confirmed")
    if not device.verify_is_allowed()[0] or not device.verify_token(code.strip()):
        raise PolicyRefusal(
            "9.2: that code is not right — wait a few seconds, then enter the code the new authenticator "
            "app shows now"
        )
    with transaction.atomic():
        updated = Invitation.objects.open().filter(pk=invitation.pk).update(used_at=now)
        if updated != 1:  # two tabs: the link works once
            raise PolicyRefusal(NOT_VALID)
        user.set_password(password)
        user.save(update_fields=["password"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed, device.name = True, "Authenticator app"
        device.save(update_fields=["confirmed", "name"])
        record_setting(user, Credential.PASSWORD, user, now)
        record_setting(user, Credential.SECOND_FACTOR, user, now)
        record("people.invitation_accepted", actor=user, school=_school(user), obj=user)
    return user


@enforces("9.2", "9.5")
def reset_sign_in(actor: Actor, user: Person, *, link: str, now: datetime) -> Issued:
    """A lost phone or a forgotten password: the password, authenticator and passkeys stop working at once,
    the person's sessions end, and a new invitation lets them set both again. Needs people.manage at the
    person's home school (the caller checks: services.reset_sign_in)."""
    with transaction.atomic():
        user.set_unusable_password()
        user.save(update_fields=["password"])
        TOTPDevice.objects.filter(user=user).delete()
        passkeys_removed = passkeys.remove_all_passkeys(user)
        end_sessions(user, now=now)
        record(
            "people.sign_in_reset",
            actor=actor,
            school=_school(user),
            obj=user,
            details={"passkeys_removed": passkeys_removed},
        )
        return issue(actor, user, link=link, now=now)
