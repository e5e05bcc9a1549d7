"""Helpers for the second-account tests (issue 11 #3; design/roles.md "Accounts not yet their holder's own"):
a Headteacher makes an account through the real staff pages and signs in as it with the real log-in form, as
the attack in the issue did. Since issue 14 nobody can set another's password or see their authenticator
key (invitations), so `legacy_secrets` puts such an account in the state one made before then is in: its
password chosen and its key seen by its creator (what migration people/0003 recorded)."""

from __future__ import annotations

from base64 import b32decode
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD
from tests.viewing.conftest import RECORDED, code_for
from watchkeeper.core.actors import SYSTEM
from watchkeeper.evidence import services as evidence
from watchkeeper.evidence.models import DownloadRequest
from watchkeeper.people import services
from watchkeeper.people.models import Credential, Invitation
from watchkeeper.people.own_account import record_setting
from watchkeeper.viewing import services as viewing

START, END = RECORDED, RECORDED + timedelta(minutes=10)

PUPPET_PASSWORD = "a password the head chose"


def code_from_secret(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app holding `secret` shows now (or `steps_ahead` steps on)."""
    calculator = TOTP(b32decode(secret))
    calculator.time = calculator.time + steps_ahead * 30
    return f"{calculator.token():06d}"


def form_sign_in(username: str, password: str, code: str) -> Client:
    """Signed in through the real log-in form (password and authenticator code)."""
    client = Client()
    response = client.post(
        reverse("people:login"), {"username": username, "password": password, "otp_token": code}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def head_client(head: Any) -> Client:
    return form_sign_in(head.username, PASSWORD, code_for(head))


def legacy_secrets(actor: Any, user: Any, password: str = PUPPET_PASSWORD) -> str:
    """An account made before issue 14: `actor` chose its password and was shown its authenticator key
    (returned); its invitation, which did not exist then, is void."""
    now = timezone.now()
    user.set_password(password)
    user.save(update_fields=["password"])
    Invitation.objects.filter(user=user).update(voided_at=now)
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    record_setting(user, Credential.PASSWORD, actor, now)
    record_setting(user, Credential.SECOND_FACTOR, actor, now)
    return services.totp_secret(device)


def make_account(client: Client, school: Any, username: str, role: str) -> tuple[Any, str]:
    """As the signed-in Headteacher (or DPO): create an account through the staff page, give it the
    credentials a creator chose before issue 14 (`legacy_secrets`), record its training and grant it
    `role`."""
    response = client.post(
        reverse("people:staff_create"),
        {
            "school": school.pk,
            "username": username,
            "first_name": "Second",
            "last_name": username.title(),
            "email": "",
            "job_title": "",
        },
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    user = get_user_model().objects.get(username=username)
    creator = get_user_model().objects.get(pk=client.session["_auth_user_id"])
    secret = legacy_secrets(creator, user)
    today = timezone.localdate()
    response = client.post(
        reverse("people:record_training", args=[user.staff.pk]),
        {
            "school": school.pk,
            "completed_on": today.isoformat(),
            "expires_on": today + timedelta(days=365),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(
        reverse("people:grant_role", args=[user.staff.pk]), {"role": role, "school": school.pk}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return user, secret


def local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M:%S")


def ask_to_view(client: Client, cameras: list[Any], start: datetime, end: datetime) -> Any:
    from watchkeeper.viewing.models import ViewingAuthorisation

    response = client.post(
        reverse("viewing:authorisation_request"),
        {
            "cameras": [c.pk for c in cameras],
            "start": local(start),
            "end": local(end),
            "reason_category": "safeguarding",
            "reason": "Pupil reported being pushed at the gate",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ViewingAuthorisation.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def ask_for_download(client: Client, cameras: list[Any], start: datetime, end: datetime) -> Any:
    from watchkeeper.evidence.models import DownloadRequest

    response = client.post(
        reverse("evidence:request_new"),
        {
            "cameras": [c.pk for c in cameras],
            "start": local(start),
            "end": local(end),
            "purpose": "internal",
            "reason_category": "safeguarding",
            "reason": "Pupil reported being pushed at the gate",
            "requestor": "me",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return DownloadRequest.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


# --- the same through the services (tests/people/test_two_person.py) ---------------------------------------


class Made:
    def __init__(self, user: Any, secret: str):
        self.user, self.secret, self.steps = user, secret, 0

    def code(self) -> str:
        """The next code of the account's authenticator (each code is accepted once)."""
        self.steps += 1
        return code_from_secret(self.secret, self.steps - 1)


def made_by(actor: Any, school: Any, username: str, role: str) -> Made:
    """An account created by `actor` (who chose its password and saw its secret, as before issue 14:
    `legacy_secrets`), trained and granted."""
    new = services.create_staff(
        actor,
        school.trust,
        school,
        username,
        first_name="Second",
        last_name=username.title(),
        link="/invitation/{token}/",
        now=timezone.now(),
    )
    secret = legacy_secrets(actor, new.user, "x" * 16)
    services.record_training(
        SYSTEM,
        new.user,
        school,
        RECORDED.date() - timedelta(days=1),
        RECORDED.date() + timedelta(days=365),
        today=timezone.localdate(),
    )
    services.grant_role(SYSTEM, new.user, role, school, now=timezone.now())
    return Made(new.user, secret)


def ask(user: Any, gate: Any) -> Any:
    """A request to view the gate's footage; footage is stored there first if the test made none (a request
    over a window with nothing recorded is refused, issue 15 §2)."""
    from tests.factories import recorded
    from watchkeeper.recording.models import Segment

    if not Segment.objects.filter(camera=gate, start__gte=START, end__lte=END).exists():
        recorded(gate, START)
    return viewing.request_authorisation(
        user, [gate], START, END, "safeguarding", "Pushed at the gate", now=timezone.now()
    )


def approve(decider: Any, auth: Any, code: str | None = None) -> Any:
    return viewing.decide(decider, auth, approve=True, code=code or code_for(decider), now=timezone.now())


def ask_download(user: Any, gate: Any) -> DownloadRequest:
    return evidence.request_download(
        user,
        school=gate.school,
        cameras=[gate],
        start=START,
        end=END,
        purpose="internal",
        reason_category="safeguarding",
        reason="Pushed at the gate",
        requestor_user=user,
        now=timezone.now(),
    )
