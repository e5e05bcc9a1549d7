"""Signing in (people/auth_views.py, people/middleware.py, settings): a TOTP code for roles that can see
footage or authorise, lock-out after repeated failures, short sessions and argon2 password hashes."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, TrainingFactory, UserFactory, person
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.actors import SYSTEM
from watchkeeper.people import services
from watchkeeper.people.auth_views import BAD_LOGIN
from watchkeeper.people.models import Role

# The product's hashers, read before any test: the suite hashes with MD5 for speed (tests/conftest.py).
PRODUCT_HASHERS = list(settings.PASSWORD_HASHERS)

pytestmark = pytest.mark.django_db

LOGIN = "/login/"


def code_for(user, offset: int = 0) -> str:
    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code_for(user) -> str:
    """A code that is not valid now, nor in the tolerated steps either side."""
    valid = {code_for(user, offset) for offset in (-2, -1, 0, 1, 2)}
    return next(c for c in ("000000", "111111", "222222", "333333", "444444", "555555") if c not in valid)


def sign_in_form(client: Client, user, code: str = ""):
    return client.post(LOGIN, {"username": user.username, "password": PASSWORD, "otp_token": code})


def signed_in_user(client: Client):
    return client.get(reverse("site:dashboard")).wsgi_request.user


@pytest.fixture
def head(school):
    return person(Role.HEADTEACHER, school)


@pytest.fixture
def board():
    return person(Role.BOARD_MEMBER, None)


@pytest.mark.clause("R15")
def test_headteacher_without_a_code_is_refused(client, head) -> None:
    response = sign_in_form(client, head)
    assert response.status_code == 400
    assert response.content.decode().count(BAD_LOGIN) == 1  # said once, not twice
    assert "_auth_user_id" not in client.session
    assert not signed_in_user(client).is_authenticated


def test_headteacher_with_a_valid_code_is_signed_in_and_verified(client, head) -> None:
    response = sign_in_form(client, head, code_for(head))
    assert response.status_code == 302 and response["Location"] == "/"
    user = signed_in_user(client)
    assert user.is_authenticated and user.pk == head.pk
    assert user.is_verified()
    assert AuditEvent.objects.filter(action="people.signed_in", actor=head).count() == 1


def test_a_wrong_password_is_refused_even_with_a_valid_code(client, head) -> None:
    response = client.post(
        LOGIN, {"username": head.username, "password": "not the password", "otp_token": code_for(head)}
    )
    assert response.status_code == 400
    assert not signed_in_user(client).is_authenticated


@pytest.mark.clause("R15")
@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.IG_GROUP, Role.SAR_HANDLER])
def test_every_role_signs_in_with_a_second_factor(client, school, role) -> None:
    """Issue 14 §1: the board, the IG group and the SAR handler (who sees requesters' identities and
    receives packages) too."""
    user = person(role, None if role in (Role.BOARD_MEMBER, Role.IG_GROUP) else school)
    assert sign_in_form(client, user).status_code == 400
    assert not signed_in_user(client).is_authenticated
    assert sign_in_form(client, user, code_for(user)).status_code == 302
    assert signed_in_user(client).is_verified()


def test_next_is_followed_only_on_this_site(client, board) -> None:
    response = client.post(
        f"{LOGIN}?next=/staff/",
        {"username": board.username, "password": PASSWORD, "otp_token": code_for(board)},
    )
    assert response["Location"] == "/staff/"
    client.post(reverse("people:logout"))
    response = client.post(
        f"{LOGIN}?next=https://evil.example/",
        {"username": board.username, "password": PASSWORD, "otp_token": code_for(board, 1)},
    )
    assert response["Location"] == "/"


def test_five_wrong_codes_lock_the_account(client, head) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in_form(client, head, wrong_code_for(head))
        assert "_auth_user_id" not in client.session
    assert (
        AccessAttempt.objects.get(username=head.username).failures_since_start == settings.AXES_FAILURE_LIMIT
    )
    # The device's own throttle is cleared, so only the lock-out can refuse the right code now.
    TOTPDevice.objects.get(user=head).throttle_reset()
    response = sign_in_form(client, head, code_for(head))
    assert response.status_code == settings.AXES_HTTP_RESPONSE_CODE
    assert "Too many failed sign-ins" in response.content.decode()
    assert not signed_in_user(client).is_authenticated


def test_four_wrong_codes_do_not_lock_the_account(client, head) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in_form(client, head, wrong_code_for(head))
    TOTPDevice.objects.get(user=head).throttle_reset()
    assert sign_in_form(client, head, code_for(head)).status_code == 302
    assert signed_in_user(client).is_verified()


def test_wrong_passwords_lock_the_account_too(client, board) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": board.username, "password": "guess"})
    response = sign_in_form(client, board, code_for(board))
    assert response.status_code == settings.AXES_HTTP_RESPONSE_CODE
    assert not signed_in_user(client).is_authenticated


@pytest.mark.clause("R15")
def test_a_2fa_role_granted_after_sign_in_signs_the_session_out(client, school) -> None:
    board = UserFactory(profile=None)  # no role yet: nothing to see, so no code asked for
    assert sign_in_form(client, board).status_code == 302
    assert signed_in_user(client).is_authenticated
    TrainingFactory(user=board, school=school)
    dpo = person(Role.DPO, None)
    services.grant_role(dpo, board, Role.LIVE_VIEWER, school, now=timezone.now())
    response = client.get(reverse("site:dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse("people:login")
    assert "_auth_user_id" not in client.session
    page = client.get(LOGIN).content.decode()
    assert "sign in again with your authenticator code" in page
    # Signing in again with a code works.
    assert sign_in_form(client, board, code_for(board)).status_code == 302
    assert signed_in_user(client).is_verified()


def test_sessions_are_short_and_end_with_the_browser(client, head) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    response = sign_in_form(client, head, code_for(head))
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie
    assert cookie["httponly"] is True
    assert client.session.get_expire_at_browser_close() is True
    assert client.session.get_expiry_age() == 30 * 60


def test_passwords_are_hashed_with_argon2(school, settings) -> None:  # noqa: F811 (pytest-django's fixture)
    settings.PASSWORD_HASHERS = PRODUCT_HASHERS
    head = person(Role.HEADTEACHER, school)
    new = services.create_staff(
        head,
        school.trust,
        school,
        "dfletcher",
        first_name="Dana",
        last_name="Fletcher",
        link="/invitation/{token}/",
        now=timezone.now(),
    )
    services.set_demo_credentials(SYSTEM, new.user, "a long enough passphrase", now=timezone.now())
    stored = get_user_model().objects.get(pk=new.user.pk).password
    assert stored.startswith("argon2$argon2id$")
    assert "a long enough passphrase" not in stored
    assert new.user.check_password("a long enough passphrase")


def test_logout_is_post_only_and_ends_the_session(client, board) -> None:
    sign_in_form(client, board, code_for(board))
    assert client.get(reverse("people:logout")).status_code == 405
    assert client.post(reverse("people:logout")).status_code == 302
    assert not signed_in_user(client).is_authenticated
