"""Issue 11 #3 in a real browser (9.2, 9.5): the Headteacher makes an account and so may not decide its
request (it awaits another decider, the DPO sees it re-routed); the holder is told their account is not yet
their own, changes the password (a wrong current one refused) and sets up a new authenticator (a wrong code
refused), and the notice goes. Set WATCHKEEPER_SCREENSHOTS to a folder to keep a picture of each page."""

from __future__ import annotations

import os
import secrets
from base64 import b32decode
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser
UK = ZoneInfo("Europe/London")
FIRST_PASSWORD = "chosen by the head 2024"
OWN_PASSWORD = "only Pat knows this one"


def code(secret: str, steps_ahead: int = 0) -> str:
    calculator = TOTP(b32decode(secret))
    calculator.time = calculator.time + steps_ahead * 30
    return f"{calculator.token():06d}"


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    folder = os.environ.get("WATCHKEEPER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_an_account_the_head_made_is_not_theirs_to_decide_until_its_holder_owns_it(live_app, new_page):
    username = f"pat-{secrets.token_hex(3)}"

    # The Headteacher creates the account (choosing its password, seeing its key), trains and grants it.
    head = new_page()
    sign_in(head, live_app, "head-oak")
    head.get_by_role("link", name="Staff").click()
    head.get_by_role("link", name="Add a member of staff").click()
    head.get_by_label("School").select_option(label="Oakfield Primary School")
    head.get_by_label("User name").fill(username)
    head.get_by_label("First name").fill("Pat")
    head.get_by_label("Last name").fill("Newcomer")
    head.get_by_label("Initial password").fill(FIRST_PASSWORD)
    head.get_by_role("button", name="Create account").click()
    secret = head.locator(".secret").inner_text().strip()
    expect(head.locator("#not-own-note")).to_contain_text("you may not decide their requests")
    shot(head, "01-account-created")
    head.get_by_role("link", name="Continue to their roles and training").click()
    training = head.locator("form[action$='/training/']")
    today = datetime.now(UK).date()
    training.get_by_label("Completed on").fill(today.isoformat())
    training.get_by_label("Expires on").fill((today + timedelta(days=365)).isoformat())
    training.get_by_role("button", name="Record training").click()
    grant = head.locator("form[action$='/grant/']")
    grant.get_by_label("Role").select_option(label="Footage reviewer")
    grant.get_by_label("School").select_option(label="Oakfield Primary School")
    grant.get_by_role("button", name="Grant").click()
    expect(head.locator("#not-own-yet")).to_contain_text("Not yet their own")
    shot(head, "01b-staff-detail-not-own")

    # The holder signs in: told the account is not yet theirs; asks to view footage.
    pat = new_page()
    pat.goto(live_app.url + "login/")
    pat.get_by_label("Username").fill(username)
    pat.get_by_label("Password").fill(FIRST_PASSWORD)
    pat.get_by_label("Authenticator code").fill(code(secret))
    pat.get_by_role("button", name="Sign in").click()
    expect(pat.locator("#not-own")).to_contain_text("Your account is not yet your own")
    shot(pat, "02-holder-notice")
    pat.get_by_role("link", name="Footage", exact=True).click()
    pat.get_by_role("link", name="Ask to view footage").click()
    pat.get_by_label("Main gate — Oakfield Primary School").check()
    start = datetime.now(UK) - timedelta(hours=3)
    pat.get_by_label("From").fill(start.strftime("%Y-%m-%dT%H:%M:%S"))
    pat.get_by_label("Until").fill((start + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S"))
    pat.get_by_label("Kind of reason").select_option(label="Safeguarding (9.4)")
    pat.get_by_label("Reason", exact=True).fill("Pat's request: pupil reported pushed at the gate")
    pat.get_by_role("button", name="Send request").click()
    request_url = pat.url

    # The Headteacher may not decide it: it awaits another decider, with the reason and no buttons.
    head.get_by_role("link", name="Footage requests").click()
    row = head.locator("tr", has_text="Pat Newcomer").first
    expect(row).to_contain_text("Awaiting another decider")
    head.goto(request_url)
    expect(head.locator("#awaiting-another")).to_contain_text("you set the password and authenticator of Pat")
    expect(head.get_by_role("button", name="Approve")).to_have_count(0)
    shot(head, "03-head-awaiting-another-decider")

    # The DPO sees it re-routed, with the account and who set what.
    dpo = new_page()
    sign_in(dpo, live_app, "dpo")
    expect(dpo.locator("#rerouted")).to_contain_text("re-routed decisions")
    shot(dpo, "04a-dpo-dashboard")
    dpo.get_by_role("link", name="Re-routed decisions", exact=True).click()
    expect(dpo.locator("#rerouted-requests")).to_contain_text("Pat Newcomer")
    expect(dpo.locator("#accounts-not-own")).to_contain_text("Helen")
    shot(dpo, "04-dpo-reroutings")
    dpo.locator("#rerouted-requests").get_by_role("link", name="Decide").first.click()
    expect(dpo.get_by_role("button", name="Approve")).to_be_visible()

    # The holder changes the password: a wrong current one is refused, then the change is made.
    pat.locator(".account-menu summary").click()
    shot(pat, "05a-account-menu")
    pat.locator(".account-menu").get_by_role("link", name="Change your password").click()
    pat.get_by_label("Old password").fill("not the password")
    pat.get_by_label("New password", exact=True).fill(OWN_PASSWORD)
    pat.get_by_label("New password confirmation").fill(OWN_PASSWORD)
    pat.get_by_role("button", name="Change password").click()
    expect(pat.get_by_text("Your old password was entered incorrectly")).to_be_visible()
    shot(pat, "05-wrong-old-password")
    pat.get_by_label("Old password").fill(FIRST_PASSWORD)
    pat.get_by_label("New password", exact=True).fill(OWN_PASSWORD)
    pat.get_by_label("New password confirmation").fill(OWN_PASSWORD)
    pat.get_by_role("button", name="Change password").click()
    expect(pat.get_by_text("Your password is changed.")).to_be_visible()
    expect(pat.locator("#not-own")).to_contain_text("Someone else set your authenticator")

    # ... and sets up a new authenticator: a wrong code is refused, the right one confirms it.
    pat.locator("#not-own").get_by_role("link", name="set up a new authenticator").click()
    pat.get_by_role("button", name="Show me a new key").click()
    new_secret = pat.locator(".secret").inner_text().strip()
    assert new_secret != secret
    shot(pat, "06-new-key")
    pat.get_by_label("Code from the new authenticator").fill(code(secret, 1))  # the old app's code
    pat.get_by_role("button", name="Confirm the new authenticator").click()
    expect(pat.get_by_text("that code is not right")).to_be_visible()
    pat.wait_for_timeout(2000)  # django-otp refuses every code for a second after a wrong one
    pat.get_by_label("Code from the new authenticator").fill(code(new_secret))
    pat.get_by_role("button", name="Confirm the new authenticator").click()
    expect(pat.get_by_text("Your new authenticator is set up")).to_be_visible()
    expect(pat.locator("#not-own")).to_have_count(0)
    expect(pat.locator("#ownership")).to_contain_text("Your own")
    shot(pat, "07-account-own")

    # The holder signs in again with their own password and authenticator.
    again = new_page()
    again.goto(live_app.url + "login/")
    again.get_by_label("Username").fill(username)
    again.get_by_label("Password").fill(OWN_PASSWORD)
    again.get_by_label("Authenticator code").fill(code(new_secret, 1))
    again.get_by_role("button", name="Sign in").click()
    again.wait_for_url(lambda url: "/login/" not in url)
