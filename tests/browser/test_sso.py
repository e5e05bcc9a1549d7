"""Single sign-on in Chromium (issue 14 §2): a second `watchkeeper serve` on the live app's data and database,
configured for the test OpenID provider (tests/oidc/provider.py, its own process). The Headteacher links
their school account from Your account, then signs in with it and still gives their authenticator code."""

from __future__ import annotations

import secrets
import subprocess
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import WATCHKEEPER, LiveApp, _free_port, _wait_until_up, sign_in
from tests.oidc.running import CLIENT_ID, CLIENT_SECRET, as_identity, running_provider

pytestmark = pytest.mark.browser

TENANT = "11111111-aaaa-4aaa-8aaa-111111111111"


@pytest.fixture(scope="module")
def sso_app(live_app: LiveApp, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveApp, str]]:
    with running_provider() as issuer:
        env = {
            **live_app.env,
            "WATCHKEEPER_OIDC_ISSUER": issuer,
            "WATCHKEEPER_OIDC_CLIENT_ID": CLIENT_ID,
            "WATCHKEEPER_OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "WATCHKEEPER_OIDC_TENANT_ID": TENANT,
        }
        port = _free_port()
        log = (tmp_path_factory.mktemp("sso") / "serve.log").open("wb")
        process = subprocess.Popen(
            [WATCHKEEPER, "serve", "--port", str(port)], env=env, stdout=log, stderr=log
        )
        url = f"http://127.0.0.1:{port}/"
        try:
            _wait_until_up(url, process)
            yield LiveApp(url, env, live_app.users), issuer
        finally:
            process.terminate()
            process.wait(timeout=10)
            log.close()


def test_headteacher_links_then_signs_in_with_sso_and_their_code(sso_app, new_page):
    app, issuer = sso_app
    as_identity(issuer, sub="pairwise-1", oid="oid-head-oak", tid=TENANT, email="head@oak.example", amr="pwd")
    page = new_page()
    sign_in(page, app, "head-oak")
    page.goto(app.url + "account/")
    page.get_by_role("button", name="Link your school Microsoft account").click()
    page.wait_for_url(app.url + "account/")
    assert "Linked" in page.locator("#sso").inner_text()

    # Later, a changed address at the provider: the link is by tenant and object id, so it still signs in.
    as_identity(issuer, sub="pairwise-1", oid="oid-head-oak", tid=TENANT, email="new@oak.example", amr="pwd")
    fresh = new_page()
    fresh.goto(app.url + "login/")
    fresh.get_by_role("link", name="Sign in with your school Microsoft account").click()
    fresh.wait_for_url(app.url + "sso/second-factor/")
    fresh.get_by_label("Authenticator code").fill(app.users["head-oak"].code())
    fresh.get_by_role("button", name="Sign in").click()
    fresh.wait_for_url(lambda url: "/sso/" not in url and "/login/" not in url)
    assert "Oakfield Primary School" in fresh.content()

    # Another tenant's token for the same object id is refused.
    as_identity(issuer, sub="pairwise-1", oid="oid-head-oak", tid="another-tenant", email="x@y", amr="pwd")
    other = new_page()
    other.goto(app.url + "login/")
    other.get_by_role("link", name="Sign in with your school Microsoft account").click()
    other.wait_for_url(app.url + "login/")
    assert "another organisation" in other.content()


def test_a_new_member_of_staff_links_their_school_account_with_their_invitation(
    sso_app, new_page, csp_violations
):
    """Issue 14 §2, "or through their invitation": before they have a password, from the invitation page."""
    app, issuer = sso_app
    head = new_page()
    sign_in(head, app, "head-oak")
    head.goto(app.url + "staff/new/")
    head.get_by_label("School").select_option(label="Oakfield Primary School")
    head.get_by_label("User name").fill(f"sam-{secrets.token_hex(3)}")
    head.get_by_label("First name").fill("Sam")
    head.get_by_label("Last name").fill("Linked")
    head.get_by_role("button", name="Create account").click()
    path = urlsplit(head.locator("#invitation-link").inner_text().strip()).path

    as_identity(issuer, sub="pairwise-sam", oid="oid-sam", tid=TENANT, email="sam@oak.example", amr="pwd")
    invited = new_page()
    invited.goto(app.url.rstrip("/") + path)
    invited.get_by_role("button", name="Link your school account").click()
    invited.wait_for_url(app.url.rstrip("/") + path)
    assert "sam@oak.example" in invited.locator("#sso-linked").inner_text()
    assert "finish setting up your account" in invited.content()
    assert csp_violations == []  # the form's redirect to the provider is allowed (form-action)
