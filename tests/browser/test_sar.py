"""Issue 7 §1 in a real browser (10.1–10.4): the demo's SAR handler logs a request and sees its footage
held and its clock; an approved footage reviewer (the case's hold does not lock the footage away as
evidence) asks to review it through the normal viewing workflow and the Headteacher approves with a fresh
code; the reviewer redacts the
other people (the redaction app, jobs in a real worker); the handler records what was found and how the
others are protected, reads the response letter (PDF), asks for the sealed package, which the Headteacher
authorises in the evidence workflow and the worker builds; the handler marks the request responded and
closes it, releasing the hold; the case page shows every decision."""

from __future__ import annotations

import re
from datetime import datetime

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
from tests.browser.test_redaction import seed as seed_faces
from tests.browser.test_redaction import worker  # noqa: F401 (the fixture: a real `watchkeeper worker`)
from tests.browser.test_viewing import uk

pytestmark = pytest.mark.browser


def test_sar_from_intake_to_sealed_redacted_package_and_closure(live_app, new_page, worker):  # noqa: F811
    footage = seed_faces(live_app)  # people walking past the main gate
    first, last = datetime.fromisoformat(footage["start"]), datetime.fromisoformat(footage["end"])

    # Intake (10.1): the case and, at once, the hold.
    sar = new_page()
    sign_in(sar, live_app, "sar-oak")
    follow(sar, "Subject access")
    expect(sar.get_by_text("Jordan Example (demo)")).to_be_visible()  # the demo's open case
    sar.get_by_role("link", name="Log a request").click()
    sar.get_by_label("Requester's name").fill("Morgan Requester")
    sar.get_by_label("Contact for the reply").fill("morgan@example.invalid")
    sar.get_by_label("Identity", exact=True).select_option(label="Verified (documents or other evidence)")
    sar.get_by_label("How identity was established").fill("Passport seen at reception")
    sar.get_by_label("Identity confirmed on").fill(f"{datetime.now():%Y-%m-%d}")
    sar.get_by_label("Description of the person").fill("Tall adult, orange hi-vis jacket, at the gate")
    sar.get_by_label("Main gate — Oakfield Primary School").check()
    sar.get_by_label("From").fill(uk(first))
    sar.get_by_label("Until").fill(uk(last))
    sar.get_by_role("button", name="Log the request").click()
    expect(sar.locator("#hold")).to_contain_text("footage held")
    expect(sar.locator("#clock")).to_contain_text("On time")
    expect(sar.locator("#clock")).to_contain_text("due ")
    match = re.search(r"/sar/(\d+)/", sar.url)
    assert match
    case_url, reference = sar.url, f"SAR-{match.group(1)}"

    # Review (10.2): the reviewer asks through the viewing workflow; the Headteacher approves.
    reviewer = new_page()
    sign_in(reviewer, live_app, "reviewer-oak")
    follow(reviewer, "SAR reviews")
    expect(reviewer.get_by_text("orange hi-vis jacket")).to_be_visible()
    review_url = ask_to_review(reviewer, "SAR reviews", reference)
    expect(reviewer.locator(".badge", has_text="Awaiting a decision")).to_be_visible()
    expect(reviewer.get_by_role("cell", name="Subject access request (10.2)", exact=True)).to_be_visible()

    head = new_page()
    sign_in(head, live_app, "head-oak")
    approve_review(head, live_app, review_url)

    # Redaction (10.4.1): the reviewer obscures everyone but the requester, under the review's authorisation.
    redaction, _ = redact_others(reviewer, review_url)

    # Outcome (10.3, 10.4): others appear in the clip; each is obscured by the approved redaction.
    sar.goto(case_url)
    expect(sar.locator("#review")).to_contain_text("Approved")
    clip = sar.locator("#action-clip")
    clip.get_by_label("Camera", exact=True).select_option(label="Main gate")
    clip.get_by_label("Clip from").fill(uk(first))
    clip.get_by_label("Clip until").fill(uk(last))
    clip.get_by_label("Provide").select_option(label="A copy of the footage")
    clip.get_by_role("button", name="Record a clip").click()
    expect(sar.locator("#clips")).to_contain_text("none recorded")
    record_others_obscured(sar, "Other adults and children passing the gate", redaction)

    # The letter (PDF) and the sealed package through the evidence workflow.
    letter = sar.request.get(case_url + "letter.pdf")
    assert letter.status == 200 and letter.body().startswith(b"%PDF")
    sar.locator("#action-package").get_by_role("button", name="Request the sealed package").click()
    expect(sar.locator("#package")).to_contain_text("Awaiting authorisation")
    package_link = sar.locator("#package a").get_attribute("href")
    assert package_link
    head.goto(live_app.url + package_link.lstrip("/"))
    expect(head.get_by_role("cell", name=reference, exact=True)).to_be_visible()
    decide(head, live_app, "head-oak", "Authorise download")
    expect(
        head.get_by_role(
            "heading", name=f"Authorised: download request #{package_link.strip('/').split('/')[-1]}"
        )
    ).to_be_visible()
    expect(head.get_by_text("separately from the file")).to_be_visible()  # the password, shown once (11.6)
    head.goto(live_app.url + package_link.lstrip("/"))
    wait_for_package(head)
    expect(head.get_by_text("the redacted copy leaves instead of the master")).to_be_visible()
    href = head.locator("#download-package").get_attribute("href") or ""
    package = head.request.get(live_app.url + href.lstrip("/"))
    assert package.status == 200 and package.body()[:2] == b"PK"  # the sealed package (a ZIP)

    # Responded, then closed: the hold is released; every decision is on the case page.
    sar.goto(case_url)
    sar.locator("#action-respond").get_by_role("button", name="Mark responded").click()
    expect(sar.locator("h1 .badge")).to_have_text("Responded")
    sar.locator("#action-close").get_by_label("Note").fill("Copy collected by the requester")
    sar.locator("#action-close").get_by_role("button", name="Close the case").click()
    expect(sar.locator("#hold")).to_contain_text("released")
    timeline = sar.locator("#timeline")
    # In words, who and what (issue 15 §5), its redaction steps included.
    for words in (
        "Subject access request logged by",
        "Footage hold placed by the system",
        "Footage request made by",
        "Footage request approved by Helen Head",
        "Redaction approved by",
        "Clip decided by",
        "Download requested by",
        "Response sent by",
        "Subject access request closed by",
        "Footage hold released by the system",
    ):
        expect(timeline).to_contain_text(words)
    expect(timeline).not_to_contain_text("subjectaccess.")
