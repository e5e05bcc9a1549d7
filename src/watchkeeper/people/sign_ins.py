"""Signing in and out in the audit log (16, R10). The events are written here, not in the sign-in page, so
that every way in records alike; Django's signals bring every sign-in and sign-out here (connected in
people/apps.py), and the sign-in page reports the failures it sees."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import user_logged_in, user_logged_out
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from watchkeeper.audit.services import record
from watchkeeper.core.actors import Actor, Person, is_person
from watchkeeper.core.client_address import client_address


def record_sign_in(user: Person, ip: str) -> None:
    record("people.signed_in", actor=user, details={"ip": ip})


def record_sign_out(user: Person, ip: str) -> None:
    record("people.signed_out", actor=user, details={"ip": ip})


def record_failed_sign_in(username: str, ip: str) -> None:
    """A wrong user name, password or authenticator code: nobody is signed in, so the event is by
    "anonymous" (not "system", which is the installation itself) and names the user name that was tried."""
    record("people.sign_in_failed", actor=AnonymousUser(), details={"username": username, "ip": ip})


RECENT = 10


def recent(user: Person) -> list[Any]:
    """The person's last sign-ins, and failed sign-ins with their user name, newest first (issue 14 §1): so
    they can see a sign-in that was not theirs. Read from the audit log, which is where they are recorded."""
    from watchkeeper.audit.models import AuditEvent

    mine = AuditEvent.objects.filter(action="people.signed_in", actor=user)
    tried = AuditEvent.objects.filter(action="people.sign_in_failed", details__username=user.get_username())
    return list((mine | tried).order_by("-seq")[:RECENT])


def ip_of(request: HttpRequest | None) -> str:
    # The person's address, not a proxy's (issue 14 §4): the one helper every address reader uses.
    return client_address(request)


def _signed_in(sender: object, request: HttpRequest | None, user: Actor, **kwargs: Any) -> None:
    if is_person(user):
        record_sign_in(user, ip_of(request))


def _signed_out(sender: object, request: HttpRequest | None, user: Actor | None, **kwargs: Any) -> None:
    if is_person(user):  # signing out when not signed in records nothing
        record_sign_out(user, ip_of(request))


def connect() -> None:
    user_logged_in.connect(_signed_in, dispatch_uid="watchkeeper-audit-login")
    user_logged_out.connect(_signed_out, dispatch_uid="watchkeeper-audit-logout")
