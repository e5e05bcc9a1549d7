"""Passkeys as a second factor (issue 14 §3; people/passkeys.py, people/passkey_views.py): the single-use,
recent, person-bound passkey code that stands for a decision's fresh authenticator code, removal, the
relying party, and the sign-in step's window. The WebAuthn ceremonies themselves run in Chromium with its
virtual authenticator (tests/browser/test_passkeys.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp_webauthn.models import WebAuthnCredential

from tests.conftest import sign_in
from tests.factories import PASSWORD, passkey, person
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.forms import authenticator_code
from watchkeeper.core.passkey_codes import assertion_usable
from watchkeeper.core.second_factor import SecondFactorRefused, require_fresh_code
from watchkeeper.people import passkeys
from watchkeeper.people.models import PasskeyAssertion, Role
from watchkeeper.people.passkey_helper import relying_party
from watchkeeper.people.passkey_views import SIGN_IN_KEY, pending_user

T0 = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)


# --- Pure parts -------------------------------------------------------------------------------------------


@pytest.mark.clause("9.2")
@pytest.mark.parametrize(
    ("verified_at", "used_at", "now", "usable"),
    [
        (T0, None, T0, True),
        (T0, None, T0 + dt.timedelta(minutes=2), True),
        (T0, None, T0 + dt.timedelta(minutes=2, seconds=1), False),  # stale: not the person now
        (T0, T0, T0 + dt.timedelta(seconds=5), False),  # spent
        (T0, None, T0 - dt.timedelta(seconds=1), False),  # the clock went back
    ],
)
def test_an_assertion_is_usable_once_and_while_fresh(verified_at, used_at, now, usable) -> None:
    assert assertion_usable(verified_at, used_at, now) is usable


def test_the_relying_party_is_the_public_url_or_else_the_request_host() -> None:
    assert relying_party("https://cctv.trust.example", "http://localhost:8000") == (
        "cctv.trust.example",
        "https://cctv.trust.example",
    )
    assert relying_party("", "http://localhost:8000") == ("localhost", "http://localhost:8000")


def test_the_passkey_sign_in_step_stays_open_five_minutes_for_a_right_password_only() -> None:
    started = {"user": 7, "username": "head", "at": T0.isoformat()}
    assert pending_user(started, T0 + dt.timedelta(minutes=5)) == 7
    assert pending_user(started, T0 + dt.timedelta(minutes=5, seconds=1)) is None
    assert pending_user({**started, "user": None}, T0) is None  # the password was wrong
    assert pending_user(None, T0) is None


def test_the_code_field_takes_a_passkey_code_but_nothing_else_new() -> None:
    field = authenticator_code()
    assert field.clean(" passkey:" + "a" * 32 + " ")
    assert field.clean("123456")
    for bad in ("passkey:", "passkey:short", "12345", "passkey:" + "a" * 32 + "!"):
        with pytest.raises(Exception, match="6-digit"):
            field.clean(bad)


# --- Against the database -----------------------------------------------------------------------------------


credential_of = passkey


@pytest.fixture
def head(school):
    return person(Role.HEADTEACHER, school)


def fresh(actor, code: str, now: dt.datetime) -> None:
    require_fresh_code(
        actor, code, clause="9.2", audit_action="test.refused", school=None, obj=None, details={}, now=now
    )


@pytest.mark.django_db
@pytest.mark.clause("9.2")
def test_a_passkey_code_stands_for_one_decision_of_its_own_person(head, school) -> None:
    other = person(Role.HEADTEACHER, school)
    code = passkeys.issue_decision_code(head, credential_of(head), now=T0)
    with pytest.raises(SecondFactorRefused):
        fresh(other, code, T0)  # bound to the person it was made for
    fresh(head, code, T0 + dt.timedelta(seconds=30))
    with pytest.raises(SecondFactorRefused):
        fresh(head, code, T0 + dt.timedelta(seconds=31))  # spent
    assert AuditEvent.objects.filter(action="test.refused").count() == 2
    assert PasskeyAssertion.objects.get().used_at == T0 + dt.timedelta(seconds=30)


@pytest.mark.django_db
@pytest.mark.clause("9.2")
def test_a_stale_or_made_up_passkey_code_is_refused(head) -> None:
    code = passkeys.issue_decision_code(head, credential_of(head), now=T0)
    with pytest.raises(SecondFactorRefused):
        fresh(head, code, T0 + dt.timedelta(minutes=3))
    with pytest.raises(SecondFactorRefused):
        fresh(head, "passkey:" + "x" * 32, T0)


@pytest.mark.django_db
@pytest.mark.clause("9.2")
def test_a_passkey_code_cannot_be_made_with_another_persons_passkey(head, school) -> None:
    other = person(Role.HEADTEACHER, school)
    with pytest.raises(Exception, match="not yours"):
        passkeys.issue_decision_code(head, credential_of(other), now=T0)


@pytest.mark.django_db
@pytest.mark.clause("9.2")
def test_removing_a_passkey_is_audited_and_voids_what_it_asserted(head, school) -> None:
    credential = credential_of(head)
    code = passkeys.issue_decision_code(head, credential, now=T0)
    client = sign_in(Client(), head)
    response = client.post(reverse("people:passkey_remove", args=[credential.pk]))
    assert response.status_code == 302
    assert not WebAuthnCredential.objects.filter(pk=credential.pk).exists()
    event = AuditEvent.objects.get(action="people.passkey_removed")
    assert event.actor == head and event.details["passkey"] == credential.pk
    with pytest.raises(SecondFactorRefused):
        fresh(head, code, T0)


@pytest.mark.django_db
def test_nobody_removes_another_persons_passkey(head, school) -> None:
    other = person(Role.HEADTEACHER, school)
    credential = credential_of(other)
    client = sign_in(Client(), head)
    response = client.post(reverse("people:passkey_remove", args=[credential.pk]))
    assert response.status_code == 400
    assert WebAuthnCredential.objects.filter(pk=credential.pk).exists()
    assert not AuditEvent.objects.filter(action="people.passkey_removed").exists()


@pytest.mark.django_db
@pytest.mark.clause("R15")
def test_choosing_a_passkey_signs_nobody_in_and_does_not_say_whether_the_password_was_right(head) -> None:
    right, wrong = Client(), Client()
    answers = [
        c.post(reverse("people:login"), {"username": head.username, "password": p, "use_passkey": "1"})
        for c, p in ((right, PASSWORD), (wrong, "not the password"))
    ]
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"] == reverse("people:passkey_sign_in")
    assert right.session[SIGN_IN_KEY]["user"] == head.pk and wrong.session[SIGN_IN_KEY]["user"] is None
    for c in (right, wrong):
        assert "_auth_user_id" not in c.session
    assert AuditEvent.objects.filter(action="people.sign_in_failed").count() == 1


@pytest.mark.django_db
@pytest.mark.clause("R15")
def test_the_passkey_step_without_a_right_password_fails_and_counts(head) -> None:
    client = Client()
    client.post(reverse("people:login"), {"username": head.username, "password": "wrong", "use_passkey": "1"})
    response = client.post(
        reverse("people:passkey_sign_in_complete"), data="{}", content_type="application/json"
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="people.sign_in_failed").count() == 2


@pytest.mark.django_db
def test_the_passkeys_page_lists_ones_own_and_loads_the_scripts_from_files(head, school) -> None:
    credential_of(head)
    credential_of(person(Role.HEADTEACHER, school), 2)
    page = sign_in(Client(), head).get(reverse("people:passkeys")).content.decode()
    assert "Passkey 1" in page and "Passkey 2" not in page
    assert "otp_webauthn_register.js" in page and "people/passkeys.js" in page
    assert "<script>" not in page  # no inline script (Content-Security-Policy)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "passkey_register_begin",
        "passkey_register_complete",
        "passkey_decision_begin",
        "passkey_decision_complete",
    ],
)
def test_nobody_signed_out_adds_a_passkey_or_gets_a_decision_code(name) -> None:
    response = Client().post(reverse(f"people:{name}"), data="{}", content_type="application/json")
    assert response.status_code in (401, 403)
    assert not PasskeyAssertion.objects.exists()


@pytest.mark.django_db
def test_the_passkey_pages_send_anyone_signed_out_to_sign_in() -> None:
    for name in ("passkeys", "passkey_sign_in"):
        response = Client().get(reverse(f"people:{name}"))
        assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.clause("9.2")
def test_a_reset_or_a_leaver_takes_every_passkey_with_it(school, head) -> None:
    """Issue 14 §1, §3: a reset of someone's sign-in, or deactivating a leaver, leaves no passkey working."""
    from watchkeeper.people import services

    reviewer = person(Role.FOOTAGE_REVIEWER, school)
    credential_of(reviewer, 1)
    credential_of(reviewer, 2)
    services.reset_sign_in(head, reviewer, link="http://testserver/invitation/{token}/", now=timezone.now())
    assert not WebAuthnCredential.objects.filter(user=reviewer).exists()
    assert AuditEvent.objects.filter(action="people.sign_in_reset").last().details["passkeys_removed"] == 2
    credential_of(reviewer, 3)
    services.deactivate(head, reviewer, "left at Easter", now=timezone.now())
    assert not WebAuthnCredential.objects.filter(user=reviewer).exists()
    assert AuditEvent.objects.get(action="people.account_deactivated").details["passkeys_removed"] == 1
