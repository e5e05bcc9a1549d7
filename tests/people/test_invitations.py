"""Issue 14 §1: accounts nobody else knows the secrets of (people/invitations.py), leavers
(services.deactivate), lock-outs ending sessions (people/sessions.py), recent sign-ins, and the termly
confirmation of footage roles (people/terms.py)."""

from __future__ import annotations

import hashlib
import re
import socket
from base64 import b32decode
from datetime import timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import sign_in
from tests.factories import CameraFactory, GrantFactory, person
from tests.people.accounts import ask
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.actors import SYSTEM
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.people import invitations, services, sign_ins, terms, two_person
from watchkeeper.people.models import CredentialSetting, Invitation, Role, RoleGrant
from watchkeeper.viewing import services as viewing

pytestmark = pytest.mark.django_db
OWN = "a passphrase only I know"
LINK = "http://testserver/invitation/{token}/"


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def head(school):
    return person(Role.HEADTEACHER, school, first_name="Helen", last_name="Head")


def code(secret: str) -> str:
    return f"{TOTP(b32decode(secret)).token():06d}"


def create(head: Any, school: Any, username: str = "pnew", email: str = "") -> services.NewStaff:
    return services.create_staff(
        head,
        school.trust,
        school,
        username,
        first_name="Pat",
        last_name="New",
        email=email,
        link=LINK,
        now=timezone.now(),
    )


def secret_on(page: str) -> str:
    found = re.search(r'class="secret">([A-Z2-7]+=*)<', page)
    assert found, "the page shows no key"
    return found.group(1)


def accept_through_pages(token: str, password: str = OWN) -> Any:
    client = Client()
    url = reverse("people:invitation", args=[token])
    assert 'class="secret"' not in client.get(url).content.decode()  # GET changes and shows nothing
    secret = secret_on(client.post(url, {"step": "start"}).content.decode())
    return client.post(
        url, {"step": "accept", "password1": password, "password2": password, "code": code(secret)}
    ), secret


# --- invitations ----------------------------------------------------------------------------------------


@pytest.mark.clause("9.2", "9.5")
def test_a_new_account_has_no_secret_its_creator_knows(school, head) -> None:
    new = create(head, school)
    assert not new.user.has_usable_password() and not TOTPDevice.objects.filter(user=new.user).exists()
    assert not CredentialSetting.objects.filter(user=new.user).exists()
    invitation = Invitation.objects.get(user=new.user)
    assert invitation.token_hash == hashlib.sha256(new.invitation.token.encode()).hexdigest()
    assert new.invitation.token not in str(Invitation.objects.values())  # stored hashed only
    assert invitation.expires_at - invitation.created_at == timedelta(days=invitations.INVITATION_DAYS)


@pytest.mark.clause("9.2", "9.5")
def test_the_holder_sets_their_own_password_and_authenticator_once(school, head) -> None:
    new = create(head, school)
    response, secret = accept_through_pages(new.invitation.token)
    assert response.status_code == 302 and response["Location"] == reverse("people:login")
    user = get_user_model().objects.get(pk=new.user.pk)
    assert user.check_password(OWN)
    assert TOTPDevice.objects.get(user=user, confirmed=True).bin_key == b32decode(secret)
    assert two_person.is_own(user) and {r.set_by_id for r in CredentialSetting.objects.filter(user=user)} == {
        user.pk
    }
    assert (
        Client().post("/login/", {"username": "pnew", "password": OWN, "otp_token": code(secret)}).status_code
        == 302
    )
    # Single use: the link now refuses, without saying why.
    again = Client().get(reverse("people:invitation", args=[new.invitation.token]))
    assert again.status_code == 404 and "not valid" in again.content.decode()


def test_the_password_goes_through_the_validators_and_a_wrong_code_is_refused(school, head) -> None:
    new = create(head, school)
    client, url = Client(), reverse("people:invitation", args=[new.invitation.token])
    secret = secret_on(client.post(url, {"step": "start"}).content.decode())
    short = client.post(
        url, {"step": "accept", "password1": "short1", "password2": "short1", "code": code(secret)}
    )
    assert short.status_code == 400 and "at least 12 characters" in short.content.decode()
    wrong = "000000" if code(secret) != "000000" else "111111"
    bad = client.post(url, {"step": "accept", "password1": OWN, "password2": OWN, "code": wrong})
    assert bad.status_code == 400 and not get_user_model().objects.get(pk=new.user.pk).has_usable_password()


def test_an_expired_or_replaced_invitation_is_refused(school, head) -> None:
    new = create(head, school)
    with pytest.raises(PolicyRefusal, match="not valid"):
        invitations.find(new.invitation.token, timezone.now() + timedelta(days=8))
    issued = services.reset_sign_in(head, new.user, link=LINK, now=timezone.now())
    with pytest.raises(PolicyRefusal, match="not valid"):
        invitations.find(new.invitation.token, timezone.now())
    assert invitations.find(issued.token, timezone.now()).user == new.user


@pytest.mark.clause("9.2", "9.5")
def test_an_account_that_has_not_used_its_invitation_decides_nothing(school, head) -> None:
    gate = CameraFactory(school=school)
    reviewer = person(Role.FOOTAGE_REVIEWER, school)
    auth = ask(reviewer, gate)
    services.reset_sign_in(SYSTEM, head, link=LINK, now=timezone.now())  # the head's lost phone
    with pytest.raises(PolicyRefusal, match="not yet used your invitation"):
        viewing.decide(head, auth, approve=True, code="123456", now=timezone.now())


def test_without_e_mail_the_link_is_shown_once_to_the_creator(client, school, head) -> None:
    page = (
        sign_in(client, head)
        .post(
            reverse("people:staff_create"),
            {
                "school": school.pk,
                "username": "pnew",
                "first_name": "Pat",
                "last_name": "New",
                "email": "p@x.org",
            },
        )
        .content.decode()
    )
    assert "No e-mail is set up" in page
    link = re.search(r'id="invitation-link">([^<]+)<', page).group(1)  # type: ignore[union-attr]
    assert link.startswith("http://testserver/invitation/")
    detail = client.get(
        reverse("people:staff_detail", args=[get_user_model().objects.get(username="pnew").staff.pk])
    )
    assert link not in detail.content.decode()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[Any] = []

    def handle_message(self, message: Any) -> None:
        self.messages.append(message)


def test_with_e_mail_the_link_goes_to_the_person_through_a_real_smtp_server(
    client, school, head, settings, django_capture_on_commit_callbacks
) -> None:
    inbox = Inbox()
    port = _free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.WATCHKEEPER_SMTP_HOST = settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT, settings.EMAIL_USE_TLS = port, False
        with django_capture_on_commit_callbacks(execute=True):  # the e-mail leaves once the account is saved
            page = (
                sign_in(client, head)
                .post(
                    reverse("people:staff_create"),
                    {
                        "school": school.pk,
                        "username": "pmail",
                        "first_name": "Pat",
                        "last_name": "Mail",
                        "email": "pat@school.example",
                    },
                )
                .content.decode()
            )
    finally:
        server.stop()
    assert "An invitation was e-mailed to <strong>pat@school.example</strong>" in page
    assert 'id="invitation-link"' not in page  # the creator does not see the link
    [message] = inbox.messages
    assert message["To"] == "pat@school.example"
    body = message.get_payload(decode=True).decode()
    token = re.search(r"http://testserver/invitation/([^/\s]+)/", body).group(1)  # type: ignore[union-attr]
    assert token not in page
    response, _ = accept_through_pages(token)
    assert response.status_code == 302


def test_settings_read_the_smtp_variables() -> None:
    assert django_settings.WATCHKEEPER_SMTP_HOST == ""  # none configured by default
    assert django_settings.EMAIL_USE_TLS is True


# --- leavers, lock-outs, sessions --------------------------------------------------------------------------


def _signed_in_twice(user: Any) -> tuple[Client, Client]:
    return sign_in(Client(), user), sign_in(Client(), user)


def _is_signed_in(client: Client) -> bool:
    return client.get(reverse("site:dashboard")).wsgi_request.user.is_authenticated


@pytest.mark.clause("3.2")
def test_deactivating_a_leaver_ends_their_sessions_roles_and_invitations(school, head) -> None:
    leaver = person(Role.FOOTAGE_REVIEWER, school)
    other = person(Role.FOOTAGE_REVIEWER, school)
    first, second = _signed_in_twice(leaver)
    others = sign_in(Client(), other)
    issued = invitations.issue(head, leaver, link=LINK, now=timezone.now())
    services.deactivate(head, leaver, "left at Easter", now=timezone.now())
    assert not _is_signed_in(first) and not _is_signed_in(second) and _is_signed_in(others)
    assert not RoleGrant.objects.current().filter(user=leaver).exists()
    with pytest.raises(PolicyRefusal):
        invitations.find(issued.token, timezone.now())
    assert AuditEvent.objects.get(action="people.account_deactivated").details["sessions_ended"] == 2


def test_deactivating_a_leaver_removes_their_single_sign_on_links(school, head) -> None:
    """Issue 14 §1: a leaver's school Microsoft/Google identity no longer opens their account."""
    from watchkeeper.people.models import IdentityLink

    leaver = person(Role.FOOTAGE_REVIEWER, school)
    IdentityLink.objects.create(
        user=leaver, issuer="https://login.example", subject="s-1", linked_at=timezone.now()
    )
    services.deactivate(head, leaver, "left at Easter", now=timezone.now())
    assert not IdentityLink.objects.filter(user=leaver).exists()
    assert AuditEvent.objects.get(action="people.account_deactivated").details["sso_links_removed"] == 1


def test_a_leavers_account_gets_no_new_invitation_or_role(client, school, head) -> None:
    """Found walking it: a deactivated account was offered a reset whose invitation then never worked."""
    leaver = person(Role.FOOTAGE_REVIEWER, school)
    services.deactivate(head, leaver, "left at Easter", now=timezone.now())
    leaver.refresh_from_db()
    with pytest.raises(PolicyRefusal, match="deactivated"):
        services.reset_sign_in(head, leaver, link=LINK, now=timezone.now())
    with pytest.raises(PolicyRefusal, match="deactivated"):
        services.grant_role(head, leaver, Role.LIVE_VIEWER, school, now=timezone.now())
    sign_in(client, head)
    page = client.get(reverse("people:staff_detail", args=[leaver.staff.pk])).content.decode()
    assert "This account is deactivated" in page
    assert "Reset sign-in" not in page and "Grant a role" not in page


def test_only_the_dpo_deactivates_a_headteacher(school, head) -> None:
    other_head = person(Role.HEADTEACHER, school)
    with pytest.raises(Exception, match="Only the DPO"):
        services.deactivate(head, other_head, "left", now=timezone.now())
    assert get_user_model().objects.get(pk=other_head.pk).is_active


def test_a_lock_out_ends_the_persons_open_sessions(school, head, settings) -> None:
    open_session = sign_in(Client(), head)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post("/login/", {"username": head.username, "password": "a guess", "otp_token": ""})
    assert not _is_signed_in(open_session)


def test_wrong_decision_codes_lock_out_and_end_sessions(school, head, settings) -> None:
    gate = CameraFactory(school=school)
    auth = ask(person(Role.FOOTAGE_REVIEWER, school), gate)
    client, other = _signed_in_twice(head)
    url = reverse("viewing:authorisation_decide", args=[auth.pk])
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"decision": "approve", "code": "000000"})
    assert not _is_signed_in(other)


def test_everyone_sees_their_recent_sign_ins(school, head) -> None:
    Client().post("/login/", {"username": head.username, "password": "wrong", "otp_token": ""})
    sign_ins.record_sign_in(head, "192.0.2.7")
    page = sign_in(Client(), head).get(reverse("people:account")).content.decode()
    assert "192.0.2.7" in page and "Failed sign-in" in page


# --- footage roles confirmed each term ------------------------------------------------------------------


@pytest.mark.clause("3.2", "8.1")
def test_footage_roles_not_confirmed_for_a_term_lapse(school, head) -> None:
    now = timezone.now()
    old = GrantFactory(role=Role.LIVE_VIEWER, school=school, granted_at=now - timedelta(days=130))
    kept = GrantFactory(role=Role.FOOTAGE_REVIEWER, school=school, granted_at=now - timedelta(days=130))
    soon = GrantFactory(role=Role.CCTV_ADMIN, school=school, granted_at=now - timedelta(days=110))
    terms.confirm(head, school, [kept], now=now - timedelta(days=1))
    assert terms.lapse_unconfirmed(now) == (1, 1)
    assert RoleGrant.objects.get(pk=old.pk).revoked_at == now
    assert RoleGrant.objects.get(pk=kept.pk).revoked_at is None
    assert RoleGrant.objects.get(pk=soon.pk).revoked_at is None
    assert AuditEvent.objects.filter(action="people.role_lapsed").count() == 1
    assert RoleGrant.objects.get(pk=head.role_grants.get().pk).revoked_at is None  # not a footage role


def test_the_confirm_page_warns_before_a_grant_lapses(client, school, head) -> None:
    grant = GrantFactory(role=Role.CCTV_ADMIN, school=school, granted_at=timezone.now() - timedelta(days=110))
    page = sign_in(client, head).get(reverse("people:confirm_roles"), {"school": school.pk}).content.decode()
    assert f'id="grant-{grant.pk}"' in page and "soon: confirm or revoke" in page
