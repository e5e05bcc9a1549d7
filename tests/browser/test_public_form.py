"""Issue 18 §3 in a real browser: a parent, with no account, asks for footage of their child through the
school's public form and is shown the reference; no session cookie is set; the case waits in the SAR
handler's list for the child's views and the check, which the designated safeguarding lead records (DPA
2018 Sch 3 Part 5)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_viewing import UK

pytestmark = [pytest.mark.browser, pytest.mark.clause("10.1", "R21")]


def test_a_parent_sends_a_sar_through_the_public_form(live_app, new_page) -> None:
    parent = new_page()
    parent.goto(live_app.url + "login/")
    parent.get_by_role("link", name="Ask a school about CCTV footage").click()
    parent.get_by_role("link", name="Oakfield Primary School").click()
    parent.get_by_label("Access to the footage (Art 15)").check()
    parent.get_by_label("A parent with parental responsibility").check()
    parent.get_by_label("Your name").fill("Alex Parent")
    parent.get_by_label("Your e-mail address").fill("alex@example.invalid")
    parent.get_by_label("Day").fill((datetime.now(UK) - timedelta(days=1)).strftime("%Y-%m-%d"))
    parent.get_by_label("From (about)").fill("08:30")
    parent.get_by_label("Until (about)").fill("08:45")
    parent.get_by_label("Where").fill("The main gate")
    parent.get_by_label("What the person in the footage was wearing").fill("My son: blue coat, yellow bag")
    parent.get_by_role("button", name="Send the request").click()
    expect(parent.locator("h1")).to_contain_text("your request has been sent")
    reference = parent.locator("#reference").inner_text()
    assert re.fullmatch(r"SAR-\d+", reference)
    assert not [c for c in parent.context.cookies() if c["name"] == "sessionid"]

    handler = new_page()
    sign_in(handler, live_app, "sar-oak")
    handler.goto(live_app.url + "sar/")
    handler.get_by_role("link", name=reference).click()
    expect(handler.locator("#kind")).to_contain_text("public form")
    expect(handler.locator("#safeguarding")).to_contain_text("nothing is released before it")
    expect(handler.locator("#safeguarding-waiting")).to_contain_text("designated safeguarding lead")

    # The school's designated safeguarding lead, not the handler, records the check (Sch 3 Part 5).
    lead = new_page()
    sign_in(lead, live_app, "dsl-oak")
    lead.goto(handler.url)
    lead.get_by_label("What was checked").fill("Nothing of concern; nothing withheld")
    lead.get_by_role("button", name="Record the safeguarding check").click()
    expect(lead.locator("#safeguarding")).to_contain_text("Nothing of concern")
