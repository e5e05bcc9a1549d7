"""README walk-throughs 3 (subject access) and 4 (police) on the fresh demo, as the README words them
(issue 15 §1): the demo's own open requests, whose windows hold the footage `watchkeeper demo` imported
(site/demo_footage.py: ten seconds of a school gate and playground with people in them), at whatever time
of day the suite runs. Steps tested in detail elsewhere (intake, timelines, attestations) are only walked
here: tests/browser/test_sar.py, test_sar_outcomes.py and test_disclosures.py.

SQLite only: these walk the slowest paths (redaction and package jobs in a real worker), and the same
services and pages run on PostgreSQL in those other browser tests; CI's PostgreSQL run stays in budget."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.navigation import follow
from tests.browser.test_redaction import worker  # noqa: F401 (the fixture: a real `watchkeeper worker`)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        os.environ.get("WATCHKEEPER_DATABASE_URL", "").startswith("postgres"),
        reason="README walk-throughs run once, on SQLite, to keep CI's PostgreSQL run within its time "
        "budget; their services and pages are browser-tested on PostgreSQL by test_sar*/test_disclosures",
    ),
]
DEMO_REQUESTER, DEMO_CRIME = "Jordan Example (demo)", "MP/DEMO/0001"


def approve_review(head, app, review_url: str) -> None:  # type: ignore[no-untyped-def]
    head.goto(review_url)
    head.get_by_label("Authenticator code").fill(app.users["head-oak"].code())
    head.get_by_role("button", name="Approve").click()
    expect(head.get_by_text("Approved until")).to_be_visible()


@pytest.mark.clause("10.2", "10.3", "10.4.1", "11.6")
def test_walkthrough_3_answer_the_demo_subject_access_request(live_app, new_page, worker):  # noqa: F811
    # sar-oak: Subject access → the open request (its footage is held, its deadline shown).
    sar = new_page()
    sign_in(sar, live_app, "sar-oak")
    follow(sar, "Subject access")
    sar.locator("tr", has_text=DEMO_REQUESTER).get_by_role("link").click()
    expect(sar.locator("#hold")).to_contain_text("footage held")
    expect(sar.locator("#clock")).to_contain_text("due ")
    match = re.search(r"/sar/(\d+)/", sar.url)
    assert match
    case_url, reference = sar.url, f"SAR-{match.group(1)}"

    # reviewer-oak asks to review it (SAR reviews), head-oak approves.
    reviewer = new_page()
    sign_in(reviewer, live_app, "reviewer-oak")
    follow(reviewer, "SAR reviews")
    reviewer.get_by_role("button", name=f"Ask to review {reference}").click()
    review_url = reviewer.url
    head = new_page()
    sign_in(head, live_app, "head-oak")
    approve_review(head, live_app, review_url)

    # reviewer-oak redacts the other people: proposal, keep the requester's track, preview, approve.
    review_id = review_url.rstrip("/").split("/")[-1]
    follow(reviewer, "Redactions")
    reviewer.get_by_role("link", name=f"Redact footage of request #{review_id}").click()
    reviewer.get_by_label("Camera").select_option(label="Main gate")
    reviewer.get_by_role("button", name="Find people to redact").click()
    badge = reviewer.locator("h1 .badge")
    expect(badge).to_have_text("Ready for review", timeout=180_000)
    rows = reviewer.locator("table.tracks tbody tr")
    assert 3 <= rows.count() <= 40  # the scene's few people, not a test card's hundred shapes
    with reviewer.expect_navigation():
        rows.first.get_by_role("checkbox").check()
    with reviewer.expect_navigation():
        reviewer.get_by_role("button", name="Preview").click()
    expect(badge).to_have_text("Ready for review", timeout=180_000)
    reviewer.get_by_label("I approve without having watched all of it").check()  # issue 16 §1
    with reviewer.expect_navigation():
        reviewer.get_by_role("button", name="Approve").click()
    expect(badge).to_have_text("Approved")
    redaction = re.search(r"/redaction/(\d+)/", reviewer.url)
    assert redaction

    # sar-oak records the outcome, prints the response letter and asks for the package of the clip.
    sar.goto(case_url)
    clip = sar.locator("#action-clip")
    clip.get_by_label("Camera", exact=True).select_option(label="Main gate")
    clip.get_by_label("Provide").select_option(label="A copy of the footage")
    clip.get_by_role("button", name="Record a clip").click()
    other = sar.locator("#action-other")
    other.get_by_label("Other person", exact=True).fill("Other adults passing the gate")
    other.get_by_label("Dealt with by").select_option(label="Obscured by redaction (10.4.1)")
    other.get_by_label("Redaction", exact=True).select_option(value=redaction.group(1))
    other.get_by_role("button", name="Record another person").click()
    expect(sar.locator("#clips")).to_contain_text("Obscured by redaction (10.4.1)")
    letter = sar.request.get(case_url + "letter.pdf")
    assert letter.status == 200 and letter.body().startswith(b"%PDF")
    sar.locator("#action-package").get_by_role("button", name="Request the sealed package").click()
    expect(sar.locator("#package")).to_contain_text("Awaiting authorisation")

    # head-oak authorises from the case page: one code, one password; once built, one file to hand over.
    head.goto(case_url)
    authorise = head.locator("#action-authorise")
    authorise.get_by_label("Authenticator code").fill(live_app.users["head-oak"].code())
    authorise.get_by_role("button", name="Authorise the packages together").click()
    expect(head.locator("code.package-password")).to_have_count(1)
    head.goto(case_url)
    head.locator("#package a").first.click()
    expect(head.locator("#request-status")).to_have_text("Package ready", timeout=180_000)
    head.goto(case_url)
    href = head.locator("#response-file").get_attribute("href") or ""
    got = head.request.get(live_app.url + href.lstrip("/"))
    assert got.status == 200 and got.body()[:2] == b"PK"


@pytest.mark.clause("10.2", "11.2", "11.3")
def test_walkthrough_4_decide_the_demo_police_request(live_app, new_page, worker):  # noqa: F811
    # reviewer-oak reviews the pending police request's footage (Disclosure reviews).
    reviewer = new_page()
    sign_in(reviewer, live_app, "reviewer-oak")
    follow(reviewer, "Disclosure reviews")
    reviewer.get_by_role("button", name=f"Ask to review {DEMO_CRIME}").click()
    review_url = reviewer.url
    head = new_page()
    sign_in(head, live_app, "head-oak")
    approve_review(head, live_app, review_url)
    reviewer.goto(review_url)
    reviewer.get_by_role("link", name="Play footage").click()
    reviewer.get_by_role("button", name="Play").click()
    reviewer.wait_for_function("() => document.querySelector('video').currentTime > 1", timeout=20_000)
    follow(reviewer, "Disclosure reviews")
    row = reviewer.locator("tr", has_text=DEMO_CRIME)
    row.get_by_label("What the review found").select_option(value="shows")
    row.get_by_label("What the footage shows").fill("A person in grey leaves through the gate")
    row.get_by_role("button", name="Record the finding").click()
    expect(reviewer.get_by_text("Finding recorded")).to_be_visible()

    # head-oak decides it on DPA 2018 Sch 2 Part 1 para 2 on one page; the package is authorised and built.
    follow(head, "Disclosures")
    head.locator("tr", has_text=DEMO_CRIME).get_by_role("link").first.click()
    expect(head.locator("#legal-basis")).to_contain_text("DPA 2018 Sch 2 Part 1 para 2")
    head.get_by_label("Purpose of the CCTV the disclosure serves (4.1)").select_option(value="4.1.4")
    head.get_by_label("Reason for the decision").fill("Theft at the gate: 4.1.4, crime basis")
    head.get_by_label("Authenticator code").fill(live_app.users["head-oak"].code())
    # Issue 15 §4: one code approves the release and authorises its package (the password shown once).
    head.get_by_role("button", name="Approve").click()
    expect(head.get_by_role("heading", name="Approved, and its package authorised")).to_be_visible()
    expect(head.locator(".package-password")).to_be_visible()
    head.locator("#download-request").click()
    expect(head.locator("#request-status")).to_have_text("Package ready", timeout=180_000)

    # The disclosure register (DPO, Headteacher) lists it.
    follow(head, "Disclosures")
    head.get_by_role("link", name="Disclosure register").click()
    expect(head.get_by_text(DEMO_CRIME).first).to_be_visible()
