"""Issue 7 §2 in a real browser (11.2, 11.3): the CCTV administrator logs a police request — refused while
it fits no purpose of the CCTV (4.1), logged once it does; the Headteacher cannot approve it before the
review of 10.2 (which 11.3 applies to police requests): an approved footage reviewer asks to review it, a
designated person approves that viewing authorisation with a fresh code, and the reviewer records what the
footage shows. The Headteacher, shown the finding and the note that the policy's section 29 of the DPA
1998 is repealed, confirms the purpose and approves with a fresh authenticator code; the same decision
authorises the package (issue 15 §4), whose password is shown once."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.navigation import follow
from tests.browser.test_viewing import seed_footage

pytestmark = pytest.mark.browser
UK = ZoneInfo("Europe/London")


def test_admin_logs_a_police_request_and_the_headteacher_approves_it(live_app, new_page):
    # Footage of the gate to ask for: a request over a window with nothing recorded is refused (issue 15 §2).
    footage = seed_footage(live_app, "Main gate")
    start = datetime.fromisoformat(footage["start"]).astimezone(UK) - timedelta(seconds=2)
    end = datetime.fromisoformat(footage["end"]).astimezone(UK) + timedelta(seconds=2)

    admin = new_page()
    sign_in(admin, live_app, "admin-oak")
    follow(admin, "Disclosures")
    admin.get_by_role("link", name="Log a police request").click()
    expect(admin.locator("#s29-note")).to_contain_text("section 29 of the Data Protection Act 1998")
    admin.get_by_label("Officer's name").fill("DC Ravi Patel")
    admin.get_by_label("Collar number").fill("1207")
    admin.get_by_label("Force").fill("Midshire Police")
    admin.get_by_label("Crime or incident reference").fill("MP/24/BROWSER")
    admin.get_by_label("Main gate — Oakfield Primary School").check()
    admin.get_by_label("Footage from").fill(start.strftime("%Y-%m-%dT%H:%M:%S"))
    admin.get_by_label("Until").fill(end.strftime("%Y-%m-%dT%H:%M:%S"))
    admin.get_by_label("What is sought").fill("Main gate at home time")
    admin.get_by_label("Why the police want it").fill("Assault reported outside the gate")
    admin.get_by_label("Purpose of the CCTV it serves (4.1)").select_option(label="None of these applies")
    admin.get_by_role("button", name="Log the request").click()
    expect(admin.locator(".refusal")).to_contain_text("Footage is disclosed to the police only")
    expect(admin.locator(".refusal")).to_contain_text("(policy 11.2)")
    admin.get_by_label("Purpose of the CCTV it serves (4.1)").select_option(value="4.1.4")
    admin.get_by_role("button", name="Log the request").click()
    expect(admin.get_by_text("referred to the Headteacher")).to_be_visible()
    request_url = admin.url

    head = new_page()
    sign_in(head, live_app, "head-oak")
    head.goto(request_url)
    expect(head.locator("#review")).to_contain_text("Not reviewed yet")
    expect(head.locator("#review-needed")).to_contain_text("11.3, 10.2")

    # The review (11.3, 10.2): asked for through the viewing workflow, decided by a designated person.
    reviewer = new_page()
    sign_in(reviewer, live_app, "reviewer-oak")
    follow(reviewer, "Disclosure reviews")
    expect(reviewer.get_by_text("Main gate at home time")).to_be_visible()
    reviewer.get_by_role("button", name="Ask to review MP/24/BROWSER").click()
    expect(reviewer.get_by_role("cell", name="Disclosure request (11)", exact=True)).to_be_visible()
    review_url = reviewer.url

    deputy = new_page()
    sign_in(deputy, live_app, "deputy-oak")
    deputy.goto(review_url)
    deputy.get_by_label("Authenticator code").fill(live_app.users["deputy-oak"].code())
    deputy.get_by_role("button", name="Approve").click()
    expect(deputy.get_by_text("Approved until")).to_be_visible()

    follow(reviewer, "Disclosure reviews")
    row = reviewer.locator("tr", has_text="MP/24/BROWSER")
    row.get_by_label("What the review found").select_option(value="shows")
    row.get_by_label("What the footage shows").fill("A man in a red coat pushes a parent at 16:04")
    row.get_by_role("button", name="Record the finding").click()
    expect(reviewer.get_by_text("Finding recorded")).to_be_visible()

    head.reload()
    expect(head.locator("#review")).to_contain_text("A man in a red coat pushes a parent at 16:04")
    expect(head.locator("#review-needed")).to_have_count(0)
    expect(head.locator("#s29-note")).to_contain_text("repealed")
    expect(head.locator("#legal-basis")).to_contain_text("DPA 2018 Sch 2 Part 1 para 2")
    head.get_by_label("Purpose of the CCTV the disclosure serves (4.1)").select_option(value="4.1.4")
    head.get_by_label("Reason for the decision").fill("Assault: 4.1.4, crime basis")
    head.get_by_label("Authenticator code").fill(live_app.users["head-oak"].code())
    # Issue 15 §4: the page shows all the one decision covers; approving also authorises the package.
    expect(head.locator("#covers")).to_contain_text("The package to be built")
    expect(head.locator("#package-together")).to_be_visible()
    head.get_by_role("button", name="Approve").click()
    expect(head.get_by_role("heading", name="Approved, and its package authorised")).to_be_visible()
    expect(head.locator(".package-password")).to_be_visible()
    expect(head.locator("#release-conditions")).to_contain_text("remains the property of the school")
    head.locator("#download-request").click()
    expect(head.get_by_text("Midshire Police").first).to_be_visible()
