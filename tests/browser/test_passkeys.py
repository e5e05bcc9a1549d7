"""Passkeys in a real browser (issue 14 §3; 9.2, R15): Chromium's virtual authenticator (CTAP2, built in,
with user verification) stands for a phone or laptop's passkey. The Headteacher adds a passkey on their
account page, signs out, signs in with password + passkey, approves a viewing request with the passkey in
place of an authenticator code, and removes the passkey.

WebAuthn needs a secure context: http://localhost is one (127.0.0.1 may not be), so the Headteacher uses
the app at localhost; the relying party is the request's host (no WATCHKEEPER_PUBLIC_URL in the tests)."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.navigation import follow
from tests.browser.test_viewing import seed_footage

pytestmark = pytest.mark.browser
UK = ZoneInfo("Europe/London")


def add_virtual_authenticator(page) -> str:  # type: ignore[no-untyped-def]
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
    }
    return str(cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})["authenticatorId"])


def ask_to_view(page, reason: str, footage: dict) -> None:  # type: ignore[no-untyped-def]
    """Over seeded footage: a request over a window with nothing recorded is refused (issue 15 §2)."""
    start = datetime.fromisoformat(footage["start"]).astimezone(UK) - timedelta(seconds=2)
    until = datetime.fromisoformat(footage["end"]).astimezone(UK) + timedelta(seconds=2)
    follow(page, "Footage")
    page.get_by_role("link", name="Ask to view footage").click()
    page.get_by_label("Main gate — Oakfield Primary School").check()
    page.get_by_label("From").fill(start.strftime("%Y-%m-%dT%H:%M:%S"))
    page.get_by_label("Until").fill(until.strftime("%Y-%m-%dT%H:%M:%S"))
    page.get_by_label("Kind of reason").select_option(label="Safeguarding (9.4)")
    page.get_by_label("Reason", exact=True).fill(reason)
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".badge", has_text="Awaiting a decision")).to_be_visible()


def test_headteacher_adds_a_passkey_signs_in_and_approves_with_it(live_app, new_page):
    local = dataclasses.replace(live_app, url=live_app.url.replace("127.0.0.1", "localhost"))
    head = new_page()
    add_virtual_authenticator(head)

    # Add a passkey (signed in with the authenticator app, as anyone is before they have a passkey).
    sign_in(head, local, "head-oak")
    head.goto(local.url + "account/passkeys/")
    expect(head.get_by_text("You have no passkey yet.")).to_be_visible()
    head.get_by_role("button", name="Add a passkey").click()
    expect(head.get_by_role("button", name="Remove")).to_have_count(1)

    # Sign out; sign in with password + passkey, no code.
    head.get_by_role("button", name="Sign out").click()
    head.get_by_label("Username").fill("head-oak")
    head.get_by_label("Password").fill(live_app.users["head-oak"].password)
    head.get_by_role("button", name="Use a passkey instead").click()
    head.wait_for_url(re.compile(r"/login/passkey/"))
    head.get_by_role("button", name="Use your passkey").click()
    head.wait_for_url(lambda url: "/login/" not in url)
    expect(head.get_by_role("button", name="Sign out")).to_be_visible()

    # A reviewer asks to view; the Headteacher approves with the passkey instead of a code.
    reviewer = new_page()
    sign_in(reviewer, live_app, "reviewer-oak")
    reason = "Passkey test: a bag left by the main gate"
    footage = seed_footage(live_app, "Main gate")
    ask_to_view(reviewer, reason, footage)
    request_path = reviewer.url.replace(live_app.url, "")
    head.goto(local.url + request_path)
    expect(head.get_by_text(reason)).to_be_visible()
    head.get_by_role("button", name="Use your passkey").click()
    expect(head.get_by_label("Authenticator code")).to_have_value(re.compile(r"^passkey:"))
    used_code = head.get_by_label("Authenticator code").input_value()
    head.get_by_role("button", name="Approve").click()
    expect(head.get_by_text("Approved until")).to_be_visible()

    # The spent passkey code does not approve a second request (put in as a script could): each decision
    # asserts afresh.
    ask_to_view(reviewer, reason + " (again)", footage)
    head.goto(local.url + reviewer.url.replace(live_app.url, ""))
    head.get_by_label("Authenticator code").evaluate("(field, code) => { field.value = code; }", used_code)
    head.get_by_role("button", name="Approve").click()
    expect(head.locator(".refusal")).to_contain_text(
        "That authenticator code is not right, or was used already"
    )

    # Remove the passkey: this session was verified with it, so it ends too; the authenticator app remains.
    head.goto(local.url + "account/passkeys/")
    head.get_by_role("button", name="Remove").click()
    expect(head.get_by_text("Your roles need a second factor")).to_be_visible()
    sign_in(head, local, "head-oak")
    head.goto(local.url + "account/passkeys/")
    expect(head.get_by_text("You have no passkey yet.")).to_be_visible()
