"""Issue 11 #3, end to end through the real pages: the two-person rule (9.2, 9.5) cannot be defeated with a
second account whose password and authenticator secret the decider set. A Headteacher creates an account,
reads its secret off the page, signs in as it with the real log-in form, asks as it, and tries to decide as
themselves (design/roles.md "Accounts not yet their holder's own")."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import CameraFactory, person, recorded
from tests.people.accounts import (
    PUPPET_PASSWORD,
    ask_for_download,
    ask_to_view,
    code_from_secret,
    form_sign_in,
    head_client,
    make_account,
)
from tests.viewing.conftest import RECORDED, code_for
from watchkeeper.evidence.models import RequestStatus
from watchkeeper.people.models import Role
from watchkeeper.viewing.models import Status

pytestmark = pytest.mark.django_db
START, END = RECORDED, RECORDED + timedelta(minutes=10)


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def gate(school):
    return recorded(CameraFactory(school=school, name="Main gate"), RECORDED, minutes=10)


@pytest.fixture
def head(school):
    return person(Role.HEADTEACHER, school, first_name="Helen", last_name="Head")


def decide_viewing(client: Client, auth: Any, code: str) -> Any:
    return client.post(
        reverse("viewing:authorisation_decide", args=[auth.pk]), {"decision": "approve", "code": code}
    )


def decide_download(client: Client, req: Any, code: str) -> Any:
    return client.post(
        reverse("evidence:request_decide", args=[req.pk]), {"decision": "approve", "code": code}
    )


def test_a_head_cannot_approve_footage_asked_for_by_an_account_they_made(school, gate, head) -> None:
    as_head = head_client(head)
    puppet, secret = make_account(as_head, school, "rnew", Role.FOOTAGE_REVIEWER)
    as_puppet = form_sign_in("rnew", PUPPET_PASSWORD, code_from_secret(secret))
    auth = ask_to_view(as_puppet, [gate], START, END)

    response = decide_viewing(as_head, auth, code_for(head, 1))

    page = response.content.decode()
    assert response.status_code == 400, "the Headteacher approved footage for an account they made"
    assert "you set the password and authenticator of Second Rnew" in page
    assert "another Headteacher-level person of the school or the DPO must decide" in page
    auth.refresh_from_db()
    assert auth.status == Status.PENDING


def test_a_head_cannot_authorise_a_download_asked_for_by_an_account_they_made(school, gate, head) -> None:
    as_head = head_client(head)
    puppet, secret = make_account(as_head, school, "rnew", Role.FOOTAGE_REVIEWER)
    as_puppet = form_sign_in("rnew", PUPPET_PASSWORD, code_from_secret(secret))
    req = ask_for_download(as_puppet, [gate], START, END)

    response = decide_download(as_head, req, code_for(head, 1))

    assert response.status_code == 400, "the Headteacher authorised a download for an account they made"
    assert "package-password" not in response.content.decode()
    assert "you set the password and authenticator of Second Rnew" in response.content.decode()
    req.refresh_from_db()
    assert req.status == RequestStatus.REQUESTED


def test_an_account_a_head_made_cannot_authorise_the_heads_own_download(school, gate, head) -> None:
    """The attack the other way round: the Headteacher asks, and their designated person account decides."""
    as_head = head_client(head)
    deputy, secret = make_account(as_head, school, "dnew", Role.DESIGNATED_PERSON)
    req = ask_for_download(as_head, [gate], START, END)
    as_deputy = form_sign_in("dnew", PUPPET_PASSWORD, code_from_secret(secret))

    response = decide_download(as_deputy, req, code_from_secret(secret, 1))

    assert response.status_code == 400, (
        "an account the Headteacher made authorised the Headteacher's download"
    )
    assert "Helen Head set your password and authenticator" in response.content.decode()
    req.refresh_from_db()
    assert req.status == RequestStatus.REQUESTED


def test_two_accounts_made_by_the_same_head_cannot_decide_for_each_other(school, gate, head) -> None:
    as_head = head_client(head)
    _, reviewer_secret = make_account(as_head, school, "rnew", Role.FOOTAGE_REVIEWER)
    _, deputy_secret = make_account(as_head, school, "dnew", Role.DESIGNATED_PERSON)
    as_reviewer = form_sign_in("rnew", PUPPET_PASSWORD, code_from_secret(reviewer_secret))
    auth = ask_to_view(as_reviewer, [gate], START, END)
    as_deputy = form_sign_in("dnew", PUPPET_PASSWORD, code_from_secret(deputy_secret))

    response = decide_viewing(as_deputy, auth, code_from_secret(deputy_secret, 1))

    assert response.status_code == 400, "two accounts of one Headteacher decided for each other"
    assert (
        "Helen Head set the password and authenticator of both you and Second Rnew"
        in response.content.decode()
    )
    auth.refresh_from_db()
    assert auth.status == Status.PENDING
