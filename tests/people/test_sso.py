"""Single sign-on against a real OpenID provider in its own process (issue 14 §2; tests/oidc/provider.py):
real HTTP, discovery, a JWKS and RS256-signed ID tokens. Linking by the signed-in holder, sign-in by issuer
and subject only, the tenant pin, and Watchkeeper's own second factor for footage roles."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import sign_in
from tests.factories import UserFactory, person
from tests.oidc.running import CLIENT_ID, CLIENT_SECRET, as_identity, round_trip, running_provider
from tests.people.test_invitations import LINK, accept_through_pages
from tests.people.test_login import code_for, wrong_code_for
from watchkeeper.audit.models import AuditEvent
from watchkeeper.people import services, sso
from watchkeeper.people.models import IdentityLink, Role

pytestmark = pytest.mark.django_db

TENANT, OTHER_TENANT = "11111111-aaaa-4aaa-8aaa-111111111111", "22222222-bbbb-4bbb-8bbb-222222222222"
OID = "0f0f0f0f-1234-4abc-9def-000000000001"


@pytest.fixture(scope="session")
def issuer() -> Iterator[str]:
    with running_provider() as url:
        yield url


@pytest.fixture
def entra(settings, issuer):
    """SSO configured for the test provider, pinned to TENANT; endpoints from its discovery document."""
    settings.WATCHKEEPER_OIDC_ISSUER = issuer
    settings.WATCHKEEPER_OIDC_CLIENT_ID = CLIENT_ID
    settings.WATCHKEEPER_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.WATCHKEEPER_OIDC_TENANT_ID = TENANT
    settings.WATCHKEEPER_OIDC_GOOGLE_DOMAIN = ""
    settings.WATCHKEEPER_OIDC_TRUSTED_AMR = []
    sso._discovery.cache_clear()
    return issuer


def entra_person(
    issuer: str,
    *,
    oid: str = OID,
    tid: str = TENANT,
    email: str = "a.teacher@school.example",
    amr: str = "pwd",
) -> None:
    # Entra's `sub` is per application; `oid` names the person across the tenant.
    as_identity(issuer, sub=f"pairwise-{oid}", oid=oid, tid=tid, email=email, amr=amr)


def link(client: Client) -> object:
    return round_trip(client, client.post(reverse("people:sso_link")))


def sso_sign_in(client: Client) -> object:
    return round_trip(client, client.get(reverse("people:sso_start")))


def signed_in_as(client: Client):
    return client.get(reverse("site:dashboard")).wsgi_request.user


def said(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_sso_is_off_when_not_configured(client) -> None:
    assert "sso-sign-in" not in client.get(reverse("people:login")).content.decode()
    assert client.get(reverse("people:sso_start")).status_code == 404


@pytest.mark.clause("9.2")
def test_link_then_sign_in(entra, school) -> None:
    user = UserFactory(profile=school)
    holder = sign_in(Client(), user)
    assert "sso-link" in holder.get(reverse("people:account")).content.decode()
    entra_person(entra)
    response = link(holder)
    assert response.status_code == 302 and response["Location"] == reverse("people:account")
    stored = IdentityLink.objects.get(user=user)
    assert (stored.issuer, stored.subject, stored.tenant) == (entra, OID, TENANT)
    assert AuditEvent.objects.filter(action="people.sso_linked").exists()

    fresh = Client()
    assert "sso-sign-in" in fresh.get(reverse("people:login")).content.decode()
    response = sso_sign_in(fresh)
    assert response.status_code == 302
    assert signed_in_as(fresh) == user
    assert AuditEvent.objects.filter(action="people.signed_in").exists()


@pytest.mark.clause("9.2")
def test_a_token_from_another_tenant_is_refused(entra, school) -> None:
    user = UserFactory(profile=school)
    entra_person(entra)
    link(sign_in(Client(), user))
    # The same object id, but issued to another organisation's tenant: not this trust's account.
    entra_person(entra, tid=OTHER_TENANT)
    fresh = Client()
    response = sso_sign_in(fresh)
    assert response["Location"] == reverse("people:login")
    assert "another organisation" in said(response)
    assert not signed_in_as(fresh).is_authenticated
    # Nor can an account be linked to an identity of another tenant.
    other = UserFactory(profile=school)
    entra_person(entra, oid="another-oid", tid=OTHER_TENANT)
    link(sign_in(Client(), other))
    assert not IdentityLink.objects.filter(user=other).exists()


@pytest.mark.clause("9.2")
def test_a_changed_email_still_signs_in_the_linked_account(entra, school) -> None:
    user = UserFactory(profile=school, email="a.teacher@school.example")
    entra_person(entra, email="a.teacher@school.example")
    link(sign_in(Client(), user))
    entra_person(entra, email="a.married-name@school.example")
    fresh = Client()
    sso_sign_in(fresh)
    assert signed_in_as(fresh) == user


@pytest.mark.clause("9.2")
def test_an_unlinked_identity_with_a_matching_email_is_refused(entra, school) -> None:
    UserFactory(profile=school, email="a.teacher@school.example")
    entra_person(entra, oid="never-linked", email="a.teacher@school.example")
    fresh = Client()
    response = sso_sign_in(fresh)
    assert "not linked" in said(response)
    assert not signed_in_as(fresh).is_authenticated
    assert AuditEvent.objects.filter(action="people.sign_in_failed").exists()


@pytest.mark.clause("9.2")
def test_an_identity_links_to_one_account_only(entra, school) -> None:
    first, second = UserFactory(profile=school), UserFactory(profile=school)
    entra_person(entra)
    link(sign_in(Client(), first))
    response = link(sign_in(Client(), second))
    assert "already linked to another" in said(response)
    assert not IdentityLink.objects.filter(user=second).exists()


def test_sso_never_creates_accounts(entra) -> None:
    from django.contrib.auth import get_user_model

    before = get_user_model().objects.count()
    entra_person(entra, oid="a-stranger")
    sso_sign_in(Client())
    assert get_user_model().objects.count() == before


@pytest.mark.clause("R15")
def test_footage_roles_still_need_watchkeepers_second_factor(entra, school) -> None:
    head = person(Role.HEADTEACHER, school)
    entra_person(entra, amr="pwd,mfa")
    link(sign_in(Client(), head))
    fresh = Client()
    response = sso_sign_in(fresh)
    assert response["Location"] == reverse("people:sso_second_factor")
    assert not signed_in_as(fresh).is_authenticated  # the provider's sign-in alone is not enough
    page = reverse("people:sso_second_factor")
    assert fresh.post(page, {"otp_token": wrong_code_for(head)}).status_code == 400
    assert not signed_in_as(fresh).is_authenticated
    # django-otp makes the device wait a second after a wrong code; the test does not wait.
    TOTPDevice.objects.filter(user=head).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    assert fresh.post(page, {"otp_token": code_for(head)}).status_code == 302
    user = signed_in_as(fresh)
    assert user == head and user.is_verified()


@pytest.mark.clause("R15")
def test_the_trust_may_accept_named_amr_values_only(entra, school, settings) -> None:
    settings.WATCHKEEPER_OIDC_TRUSTED_AMR = ["mfa"]
    head = person(Role.HEADTEACHER, school)
    entra_person(entra, amr="pwd")
    link(sign_in(Client(), head))
    fresh = Client()
    assert sso_sign_in(fresh)["Location"] == reverse("people:sso_second_factor")
    entra_person(entra, amr="pwd,mfa")
    trusted = Client()
    sso_sign_in(trusted)
    assert signed_in_as(trusted) == head  # the middleware does not sign this session out


def test_unlinking_removes_the_link_and_sso_then_refuses(entra, school) -> None:
    user = UserFactory(profile=school)
    holder = sign_in(Client(), user)
    entra_person(entra)
    link(holder)
    holder.post(reverse("people:sso_unlink"))
    assert not IdentityLink.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="people.sso_unlinked").exists()
    fresh = Client()
    sso_sign_in(fresh)
    assert not signed_in_as(fresh).is_authenticated


def test_opening_the_link_addresses_leads_to_the_account_page_not_a_bare_405(entra, school) -> None:
    """Issue 15 §5: no dead end for a typed or bookmarked address; nothing is linked or unlinked by a GET."""
    user = UserFactory(profile=school)
    holder = sign_in(Client(), user)
    for name in ("people:sso_link", "people:sso_unlink"):
        answer = holder.get(reverse(name), follow=True)
        assert answer.redirect_chain[0] == (reverse("people:account") + "#sso", 302)
        assert "use the button" in answer.content.decode()
    assert not IdentityLink.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(action__startswith="people.sso_").exists()


def test_unlink_identities_for_deactivation(entra, school) -> None:
    user, dpo = UserFactory(profile=school), UserFactory(profile=school)
    entra_person(entra)
    link(sign_in(Client(), user))
    assert sso.unlink_identities(user, actor=dpo, now=timezone.now(), reason="left the school") == 1
    assert sso.unlink_identities(user, actor=dpo, now=timezone.now()) == 0


def test_a_linking_callback_needs_the_same_signed_in_person(entra, school) -> None:
    holder = sign_in(Client(), UserFactory(profile=school))
    entra_person(entra)
    start = holder.post(reverse("people:sso_link"))
    holder.post(reverse("people:logout"))
    response = round_trip(holder, start)
    assert response["Location"] == reverse("people:login")
    assert not IdentityLink.objects.exists()


# The claim checks themselves, without the provider.
CONFIG = sso.Provider("https://idp.example", "app", "s", "a", "t", "j", TENANT, "", frozenset({"mfa"}))
GOOD = {"iss": "https://idp.example", "aud": "app", "sub": "x", "tid": TENANT, "oid": "o"}


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"iss": "https://evil.example"}, "another identity provider"),
        ({"aud": "another-app"}, "another application"),
        ({"tid": OTHER_TENANT}, "another organisation"),
        ({"sub": ""}, "did not say who"),
    ],
)
def test_claims_are_checked(change, words) -> None:
    with pytest.raises(sso.SignInRefused, match=words):
        sso.check_claims({**GOOD, **change}, CONFIG)


def test_google_domain_pin() -> None:
    google = sso.Provider("https://idp.example", "app", "s", "a", "t", "j", "", "school.example", frozenset())
    sso.check_claims({**GOOD, "hd": "school.example"}, google)
    with pytest.raises(sso.SignInRefused, match="not one of this trust"):
        sso.check_claims({**GOOD, "hd": "gmail.com"}, google)
    with pytest.raises(sso.SignInRefused):
        sso.check_claims({k: v for k, v in GOOD.items() if k != "hd"}, google)


def test_entra_identity_is_tenant_and_object_id_and_amr_needs_a_named_value() -> None:
    assert sso.identity(GOOD) == ("https://idp.example", "o", TENANT)
    assert sso.identity({"iss": "i", "sub": "s", "hd": "d"}) == ("i", "s", "d")
    assert sso.amr_trusted({"amr": ["pwd", "mfa"]}, CONFIG)
    assert not sso.amr_trusted({"amr": ["pwd"]}, CONFIG)
    off = sso.Provider("i", "c", "s", "a", "t", "j", TENANT, "", frozenset())
    assert not sso.amr_trusted({"amr": ["mfa"]}, off)


def test_an_issuer_without_a_tenant_or_domain_pin_does_not_load(tmp_path) -> None:
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "WATCHKEEPER_DATA_DIR": str(tmp_path),
        "WATCHKEEPER_OIDC_ISSUER": "https://idp.example",
    }
    env.pop("WATCHKEEPER_OIDC_TENANT_ID", None)
    env.pop("WATCHKEEPER_OIDC_GOOGLE_DOMAIN", None)
    result = subprocess.run(
        [sys.executable, "-c", "import watchkeeper.settings"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "pins the trust" in result.stderr


# --- Linking with an invitation (before the person has a password) -------------------------------------


def invited(school) -> tuple[object, str]:
    """A new account made by the Headteacher, and its invitation's token (shown once, to hand over)."""
    head = person(Role.HEADTEACHER, school)
    made = services.create_staff(
        head,
        school.trust,
        school,
        "pnew",
        first_name="Pat",
        last_name="New",
        email="",
        link=LINK,
        now=timezone.now(),
    )
    return made.user, made.invitation.token


def link_with_invitation(client: Client, token: str) -> object:
    return round_trip(client, client.post(reverse("people:invitation_sso_link", args=[token])))


@pytest.mark.clause("9.2")
def test_an_invitation_links_the_school_account_which_then_signs_in(entra, school) -> None:
    user, token = invited(school)
    page_url = reverse("people:invitation", args=[token])
    client = Client()
    assert 'id="sso-link-invitation"' in client.get(page_url).content.decode()
    entra_person(entra, email="pat.new@school.example")
    response = link_with_invitation(client, token)
    assert response.status_code == 302 and response["Location"] == page_url
    stored = IdentityLink.objects.get(user=user)
    assert (stored.issuer, stored.subject, stored.tenant) == (entra, OID, TENANT)
    event = AuditEvent.objects.get(action="people.sso_linked")
    assert event.actor == user and event.details["through"] == "invitation"
    page = client.get(page_url).content.decode()
    assert 'id="sso-linked"' in page and "pat.new@school.example" in page
    assert 'id="sso-link-invitation"' not in page  # linked once
    early = Client()
    response = sso_sign_in(early)  # nobody enters an account whose invitation is not yet used
    assert "not set up yet" in said(response) and not signed_in_as(early).is_authenticated
    accepted, _ = accept_through_pages(token)  # the invitation is still to be used: password, authenticator
    assert accepted["Location"] == reverse("people:login")
    fresh = Client()
    entra_person(entra, email="p.new-married@school.example")  # matched by tenant and object id, not e-mail
    sso_sign_in(fresh)
    assert signed_in_as(fresh) == user


@pytest.mark.clause("9.2")
def test_an_invitation_links_no_identity_of_another_tenant_nor_after_it_is_used(entra, school) -> None:
    user, token = invited(school)
    page_url = reverse("people:invitation", args=[token])
    client = Client()
    entra_person(entra, tid=OTHER_TENANT)
    response = link_with_invitation(client, token)
    assert response["Location"] == page_url and "another organisation" in said(response)
    # A round trip started with the invitation ends after it was used: nothing is linked.
    entra_person(entra)
    start = client.post(reverse("people:invitation_sso_link", args=[token]))
    accept_through_pages(token)
    response = round_trip(client, start)
    assert response["Location"] == page_url and "no longer valid" in said(response)
    assert not IdentityLink.objects.filter(user=user).exists()
    assert client.post(reverse("people:invitation_sso_link", args=[token])).status_code == 404


def test_an_invitation_offers_no_link_when_sso_is_off(school) -> None:
    _, token = invited(school)
    page = Client().get(reverse("people:invitation", args=[token])).content.decode()
    assert "sso-link-invitation" not in page
    assert Client().post(reverse("people:invitation_sso_link", args=[token])).status_code == 404
