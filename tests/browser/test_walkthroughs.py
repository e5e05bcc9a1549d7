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

from tests.browser.navigation import follow
from tests.browser.steps import (
    approve_review,
    ask_to_review,
    decide,
    record_others_obscured,
    redact_others,
    sign_in,
    wait_for_package,
)
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
    review_url = ask_to_review(reviewer, "SAR reviews", reference)
    head = new_page()
    sign_in(head, live_app, "head-oak")
    approve_review(head, live_app, review_url)

    # reviewer-oak redacts the other people: proposal, keep the requester's track, preview, approve.
    redaction, found = redact_others(reviewer, review_url, camera="Main gate")
    assert 3 <= found <= 40  # the scene's few people, not a test card's hundred shapes

    # sar-oak records the outcome, prints the response letter and asks for the package of the clip.
    sar.goto(case_url)
    clip = sar.locator("#action-clip")
    clip.get_by_label("Camera", exact=True).select_option(label="Main gate")
    clip.get_by_label("Provide").select_option(label="A copy of the footage")
    clip.get_by_role("button", name="Record a clip").click()
    record_others_obscured(sar, "Other adults passing the gate", redaction)
    letter = sar.request.get(case_url + "letter.pdf")
    assert letter.status == 200 and letter.body().startswith(b"%PDF")
    sar.locator("#action-package").get_by_role("button", name="Request the sealed package").click()
    expect(sar.locator("#package")).to_contain_text("Awaiting authorisation")

    # head-oak authorises from the case page: one code, one password; once built, one file to hand over.
    head.goto(case_url)
    authorise = head.locator("#action-authorise")
    decide(head, live_app, "head-oak", "Authorise the packages together", within=authorise)
    expect(head.locator("code.package-password")).to_have_count(1)
    head.goto(case_url)
    head.locator("#package a").first.click()
    wait_for_package(head)
    head.goto(case_url)
    href = head.locator("#response-file").get_attribute("href") or ""
    got = head.request.get(live_app.url + href.lstrip("/"))
    assert got.status == 200 and got.body()[:2] == b"PK"


@pytest.mark.clause("10.2", "11.2", "11.3")
def test_walkthrough_4_decide_the_demo_police_request(live_app, new_page, worker):  # noqa: F811
    # reviewer-oak reviews the pending police request's footage (Disclosure reviews).
    reviewer = new_page()
    sign_in(reviewer, live_app, "reviewer-oak")
    review_url = ask_to_review(reviewer, "Disclosure reviews", DEMO_CRIME)
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
    # Issue 15 §4: one code approves the release and authorises its package (the password shown once).
    decide(head, live_app, "head-oak", "Approve")
    expect(head.get_by_role("heading", name="Approved, and its package authorised")).to_be_visible()
    expect(head.locator(".package-password")).to_be_visible()
    head.locator("#download-request").click()
    wait_for_package(head)

    # The disclosure register (DPO, Headteacher) lists it.
    follow(head, "Disclosures")
    head.get_by_role("link", name="Disclosure register").click()
    expect(head.get_by_text(DEMO_CRIME).first).to_be_visible()
