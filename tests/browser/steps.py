"""Browser steps that the walk-through tests and the subject-access test share (issue 15 §1): signing in,
deciding with a fresh authenticator code, asking for and approving a review, redacting the other people,
waiting for a package. Each step is what a person does on the page, by the page's visible words; what a
test asserts stays in the test."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from playwright.sync_api import expect

from tests.browser.navigation import follow

if TYPE_CHECKING:
    from tests.browser.conftest import LiveApp

JOB_SECONDS = 180  # a redaction or package job in the real worker, on a busy 2-core machine
_sessions: dict[tuple[str, str], Any] = {}  # (app url, username) -> the browser's stored session


def sign_in(page: Any, app: LiveApp, username: str) -> None:
    """The sign-in form: user name, password and a fresh authenticator code."""
    user = app.users[username]
    page.goto(app.url + "login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(user.password)
    page.get_by_label("Authenticator code").fill(user.code())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def signed_in(new_page: Any, app: LiveApp, username: str) -> Any:
    """A page (from the `new_page` fixture) of `username`, signed in, on their dashboard. The first call
    signs in through the form; later ones (another test on the same demo) carry on that session, as a
    person keeps a tab open, instead of waiting for the authenticator's next code. Where the session has
    ended, the form again."""
    key = (app.url, username)
    page = new_page(storage_state=_sessions.get(key))
    page.goto(app.url)
    if "/login/" in page.url:
        sign_in(page, app, username)
    _sessions[key] = page.context.storage_state()
    return page


def decide(page: Any, app: LiveApp, username: str, button: str, within: Any = None) -> None:
    """Fill `username`'s fresh authenticator code (a decision, 9.2) and press `button`, in `within` (a form
    on the page) or the page."""
    where = within if within is not None else page
    where.get_by_label("Authenticator code").fill(app.users[username].code())
    where.get_by_role("button", name=button).click()


def ask_to_review(reviewer: Any, menu: str, reference: str) -> str:
    """From the reviews list (`menu`: "SAR reviews", "Disclosure reviews"), ask to review a request; the
    address of the footage request it makes."""
    follow(reviewer, menu)
    reviewer.get_by_role("button", name=f"Ask to review {reference}").click()
    return str(reviewer.url)


def approve_review(head: Any, app: LiveApp, review_url: str) -> None:
    """The Headteacher approves a footage request with a fresh code."""
    head.goto(review_url)
    decide(head, app, "head-oak", "Approve")
    expect(head.get_by_text("Approved until")).to_be_visible()


def redact_others(reviewer: Any, review_url: str, camera: str | None = None) -> tuple[str, int]:
    """Redactions → the review's footage (on `camera`, where the review covers several): find the people,
    keep the first track (the requester), preview, approve (10.4.1). The redaction's id and how many
    people were found."""
    review_id = review_url.rstrip("/").split("/")[-1]
    follow(reviewer, "Redactions")
    reviewer.get_by_role("link", name=f"Redact footage of request #{review_id}").click()
    if camera:
        reviewer.get_by_label("Camera").select_option(label=camera)
    reviewer.get_by_role("button", name="Find people to redact").click()
    badge = reviewer.locator("h1 .badge")
    expect(badge).to_have_text("Ready for review", timeout=JOB_SECONDS * 1000)
    rows = reviewer.locator("table.tracks tbody tr")
    expect(rows.first).to_be_visible()
    found = rows.count()
    with reviewer.expect_navigation():
        rows.first.get_by_role("checkbox").check()  # the requester stays visible
    with reviewer.expect_navigation():
        reviewer.get_by_role("button", name="Preview").click()
    expect(badge).to_have_text("Ready for review", timeout=JOB_SECONDS * 1000)
    expect(reviewer.get_by_role("button", name="Approve")).to_be_enabled()
    reviewer.get_by_label("I approve without having watched all of it").check()  # issue 16 §1
    with reviewer.expect_navigation():
        reviewer.get_by_role("button", name="Approve").click()
    expect(badge).to_have_text("Approved")
    redaction = re.search(r"/redaction/(\d+)/", reviewer.url)
    assert redaction, reviewer.url
    return redaction.group(1), found


def record_others_obscured(sar: Any, who: str, redaction_id: str) -> None:
    """On a subject access case: another person in the clip, obscured by the approved redaction (10.4.1)."""
    other = sar.locator("#action-other")
    other.get_by_label("Other person", exact=True).fill(who)
    other.get_by_label("Dealt with by").select_option(label="Obscured by redaction (10.4.1)")
    other.get_by_label("Redaction", exact=True).select_option(value=redaction_id)
    other.get_by_role("button", name="Record another person").click()
    expect(sar.locator("#clips")).to_contain_text("Obscured by redaction (10.4.1)")


def wait_for_package(page: Any) -> None:
    """On a download request's page: the worker has built the sealed package."""
    expect(page.locator("#request-status")).to_have_text("Package ready", timeout=JOB_SECONDS * 1000)
