"""The holder's own account pages and the DPO's re-routed decisions page (9.2, 9.5): permissions, what
they show, and the pages of viewing and evidence for a request the signed-in decider may not decide."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import sign_in
from tests.factories import CameraFactory, UserFactory, person, recorded
from tests.people.accounts import Made, ask, ask_download, code_from_secret, made_by
from tests.permission_case import ViewCase, run_view_case
from tests.refusals import shows_refusal
from tests.viewing.conftest import RECORDED, code_for
from watchkeeper.audit.models import AuditEvent
from watchkeeper.people import two_person
from watchkeeper.people.models import Role
from watchkeeper.viewing.models import Status

pytestmark = pytest.mark.django_db
ACCOUNT_PAGES = ["people:account", "people:password_change", "people:authenticator"]
NEW_PASSWORD = "the holder's own passphrase"


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def gate(school):
    return recorded(CameraFactory(school=school, name="Main gate"), RECORDED, minutes=10)


@pytest.fixture
def head(school):
    return person(Role.HEADTEACHER, school, first_name="Helen", last_name="Head")


@pytest.fixture
def puppet(school, head) -> Made:
    return made_by(head, school, "rnew", Role.FOOTAGE_REVIEWER)


def as_puppet(puppet: Made) -> Client:
    return sign_in(Client(), puppet.user)


# --- permissions -------------------------------------------------------------------------------------------


def rerouted_request(ctx: dict[str, Any]) -> None:
    head = person(Role.HEADTEACHER, ctx["school"], first_name="Helen", last_name="Head")
    ctx["puppet"] = made_by(head, ctx["school"], "rnew", Role.FOOTAGE_REVIEWER)
    ctx["auth"] = ask(ctx["puppet"].user, recorded(CameraFactory(school=ctx["school"]), RECORDED))


def lists_the_rerouting(ctx: dict[str, Any], response: Any) -> None:
    page = response.content.decode()
    assert reverse("viewing:authorisation_detail", args=[ctx["auth"].pk]) in page
    assert "Second Rnew" in page and "Helen Head" in page


CASES = [
    ViewCase(
        "reroutings",
        lambda ctx: reverse("people:reroutings"),
        "dpo",
        "headteacher",
        trust_wide=True,
        setup=rerouted_request,
        check=lists_the_rerouting,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_view_permissions(case: ViewCase, school, other_school) -> None:
    run_view_case(case, {"school": school, "other_school": other_school})


@pytest.mark.parametrize("name", ACCOUNT_PAGES)
def test_account_pages_need_sign_in_and_serve_anyone_signed_in(name: str, school) -> None:
    """Every signed-in person has an account of their own (no role needed), and nobody else's: the pages
    take no id, they act on the signed-in person."""
    response = Client().get(reverse(name))
    assert response.status_code == 302 and "/login/" in response["Location"]
    for user in (UserFactory(profile=school), person(Role.DPO, None)):
        assert sign_in(Client(), user).get(reverse(name)).status_code == 200


# --- the notice and the account page ----------------------------------------------------------------------


def test_the_holder_is_told_until_the_account_is_their_own(school, head, puppet) -> None:
    client = as_puppet(puppet)
    dashboard = client.get(reverse("site:dashboard")).content.decode()
    assert 'id="not-own"' in dashboard and "Someone else set your password and authenticator" in dashboard
    assert reverse("people:password_change") in dashboard and reverse("people:authenticator") in dashboard
    account = client.get(reverse("people:account")).content.decode()
    assert "Not yet your own" in account and "Your password was set by Helen Head" in account
    # The recent sign-ins are shown once, in the page, and the page's title is its name alone.
    assert account.count('id="sign-ins"') == 1 and "<title>Your account · Watchkeeper</title>" in account

    own = sign_in(Client(), person(Role.FOOTAGE_REVIEWER, school)).get(reverse("site:dashboard"))
    assert 'id="not-own"' not in own.content.decode()
    assert reverse("people:account") in own.content.decode()  # the account menu, for everyone


def test_the_creator_is_told_nobody_else_sees_the_password_or_authenticator(school, head) -> None:
    response = sign_in(Client(), head).post(
        reverse("people:staff_create"),
        {"school": school.pk, "username": "cnew", "first_name": "Carol", "last_name": "New"},
    )
    page = response.content.decode()
    assert "nobody else, you included, ever sees either" in page and 'class="secret"' in page
    assert "No e-mail is set up" in page


# --- changing the password ----------------------------------------------------------------------------------


def test_a_wrong_current_password_changes_nothing_and_counts_as_a_failed_log_in(puppet) -> None:
    client = as_puppet(puppet)
    response = client.post(
        reverse("people:password_change"),
        {"old_password": "not it at all", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 400
    assert "Your old password was entered incorrectly" in response.content.decode()
    puppet.user.refresh_from_db()
    assert not puppet.user.check_password(NEW_PASSWORD)
    assert AccessAttempt.objects.get(username="rnew").failures_since_start == 1
    assert not AuditEvent.objects.filter(action="people.password_changed").exists()


def test_a_weak_or_mismatched_new_password_is_refused(puppet) -> None:
    client = as_puppet(puppet)
    for new1, new2 in [("short", "short"), (NEW_PASSWORD, NEW_PASSWORD + "!")]:
        response = client.post(
            reverse("people:password_change"),
            {"old_password": "x" * 16, "new_password1": new1, "new_password2": new2},
        )
        assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="people.password_changed").exists()


def test_the_password_change_keeps_this_session_and_ends_others(head, puppet) -> None:
    client, other = as_puppet(puppet), as_puppet(puppet)
    response = client.post(
        reverse("people:password_change"),
        {"old_password": "x" * 16, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == reverse("people:account")
    puppet.user.refresh_from_db()
    assert puppet.user.check_password(NEW_PASSWORD)
    assert client.get(reverse("people:account")).status_code == 200
    assert other.get(reverse("people:account")).status_code == 302  # the other session is signed out
    assert two_person.setters(puppet.user.pk) == {head.pk: {"second_factor"}}


# --- a new authenticator -----------------------------------------------------------------------------------


def secret_on(page: str) -> str:
    return page.split('class="secret">')[1].split("<")[0]


@pytest.mark.clause("9.2", "R15")
def test_a_new_authenticator_is_shown_to_the_holder_and_confirmed_with_its_code(head, puppet) -> None:
    client = as_puppet(puppet)
    assert 'class="secret"' not in client.get(reverse("people:authenticator")).content.decode()
    old = TOTPDevice.objects.get(user=puppet.user)

    started = client.post(reverse("people:authenticator"), {"step": "start"})
    assert started.status_code == 200 and "no-store" in started["Cache-Control"]
    secret = secret_on(started.content.decode())
    assert "<svg" in started.content.decode()
    assert secret != puppet.secret

    wrong = client.post(reverse("people:authenticator"), {"step": "confirm", "code": puppet.code()})
    assert wrong.status_code == 400 and shows_refusal(wrong, "9.2: that code is not right")
    assert TOTPDevice.objects.filter(pk=old.pk, confirmed=True).exists()

    secret = secret_on(client.post(reverse("people:authenticator"), {"step": "start"}).content.decode())
    done = client.post(reverse("people:authenticator"), {"step": "confirm", "code": code_from_secret(secret)})
    assert done.status_code == 302 and done["Location"] == reverse("people:account")
    [device] = TOTPDevice.objects.filter(user=puppet.user)
    assert device.confirmed and device.pk != old.pk
    # Still signed in and verified by the new authenticator (the old one is gone).
    assert client.get(reverse("people:account")).status_code == 200
    assert AuditEvent.objects.filter(action="people.second_factor_enrolled", actor=puppet.user).count() == 1
    assert two_person.setters(puppet.user.pk) == {head.pk: {"password"}}


def test_confirming_someone_elses_new_authenticator_is_not_possible(school, puppet) -> None:
    started = as_puppet(puppet).post(reverse("people:authenticator"), {"step": "start"})
    secret = secret_on(started.content.decode())
    other = person(Role.FOOTAGE_REVIEWER, school)
    response = sign_in(Client(), other).post(
        reverse("people:authenticator"), {"step": "confirm", "code": code_from_secret(secret)}
    )
    assert response.status_code == 302 and response["Location"] == reverse("people:authenticator")
    assert TOTPDevice.objects.filter(user=puppet.user, confirmed=False).count() == 1


# --- the decision pages -------------------------------------------------------------------------------------


def test_the_blocked_head_sees_awaiting_another_decider_and_no_decision(school, gate, head, puppet) -> None:
    auth = ask(puppet.user, gate)
    client = sign_in(Client(), head)
    listing = client.get(reverse("viewing:authorisation_list")).content.decode()
    assert "Awaiting another decider" in listing
    detail = client.get(reverse("viewing:authorisation_detail", args=[auth.pk])).content.decode()
    assert 'id="awaiting-another"' in detail and "you set the password and authenticator" in detail
    assert reverse("viewing:authorisation_decide", args=[auth.pk]) not in detail

    req = ask_download(puppet.user, gate)
    listing = client.get(reverse("evidence:request_list")).content.decode()
    assert "Awaiting another decider" in listing
    detail = client.get(reverse("evidence:request_detail", args=[req.pk])).content.decode()
    assert 'id="awaiting-another"' in detail and 'id="decide"' not in detail


def test_the_dpo_finds_the_rerouted_request_and_decides_it_on_its_page(school, gate, puppet) -> None:
    dpo = person(Role.DPO, None)
    auth = ask(puppet.user, gate)
    client = sign_in(Client(), dpo)
    dashboard = client.get(reverse("site:dashboard")).content.decode()
    assert 'id="rerouted"' in dashboard and reverse("people:reroutings") in dashboard
    detail = client.get(reverse("viewing:authorisation_detail", args=[auth.pk])).content.decode()
    assert reverse("viewing:authorisation_decide", args=[auth.pk]) in detail
    response = client.post(
        reverse("viewing:authorisation_decide", args=[auth.pk]),
        {"decision": "approve", "code": code_for(dpo)},
    )
    assert response.status_code == 302
    auth.refresh_from_db()
    assert auth.status == Status.APPROVED and auth.decided_by == dpo


def test_the_dpo_cannot_reach_a_request_that_was_not_rerouted(school, gate) -> None:
    dpo = person(Role.DPO, None)
    auth = ask(person(Role.FOOTAGE_REVIEWER, school), gate)
    client = sign_in(Client(), dpo)
    assert client.get(reverse("viewing:authorisation_detail", args=[auth.pk])).status_code == 404
    response = client.post(
        reverse("viewing:authorisation_decide", args=[auth.pk]),
        {"decision": "approve", "code": code_for(dpo)},
    )
    assert response.status_code == 404


def test_the_dpo_page_lists_accounts_made_own_recently(school, head, puppet) -> None:
    from watchkeeper.people import own_account, services

    own_account.change_own_password(puppet.user, NEW_PASSWORD, now=timezone.now())
    device = own_account.start_enrolment(puppet.user)
    own_account.confirm_enrolment(
        puppet.user, code_from_secret(services.totp_secret(device)), now=timezone.now()
    )
    page = sign_in(Client(), person(Role.DPO, None)).get(reverse("people:reroutings")).content.decode()
    made_own = page.split('id="made-own"')[1]
    assert "rnew" in made_own and f"authenticator: {head.username}" in made_own
    assert "Second Rnew" not in page.split('id="accounts-not-own"')[1].split("</table>")[0]
