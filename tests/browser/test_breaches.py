"""Issue 17 §1 in a real browser (15.1; UK GDPR Art 33): a footage reviewer reports a breach and the DPO
is told; the DPO sees its 72-hour countdown, assesses the risk, decides not to tell the ICO with reasons
(Art 33(5)), and prints the breach report."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.navigation import follow
from tests.browser.test_viewing import UK

pytestmark = [pytest.mark.browser, pytest.mark.clause("15.1", "R26")]


def test_report_a_breach_decide_not_to_tell_the_ico_and_print_the_report(live_app, new_page) -> None:
    reviewer = new_page()
    sign_in(reviewer, live_app, "reviewer-oak")
    follow(reviewer, "Report a breach")
    reviewer.get_by_label("What happened").fill("A printed still of the playground left on the photocopier")
    aware = (datetime.now(UK) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    reviewer.get_by_label("When anyone in the trust first became aware").fill(aware)
    reviewer.get_by_label("People affected (roughly)").fill("3")
    reviewer.get_by_label("Images of pupils").check()
    reviewer.get_by_label("Images of children are involved").check()
    reviewer.get_by_role("button", name="Report to the DPO").click()
    message = reviewer.locator(".messages")
    expect(message).to_contain_text("The DPO has been told")
    found = re.search(r"BR-\d{4}-\d{4}", message.inner_text())
    assert found
    reference = found.group(0)

    dpo = new_page()
    sign_in(dpo, live_app, "dpo")
    expect(dpo.locator("#breach-clocks")).to_contain_text(reference)
    dpo.locator("#breach-clocks").get_by_role("link", name=reference).click()
    expect(dpo.locator("#clock-state")).to_contain_text("left of 72 hours")
    expect(dpo.locator("#policy-difference")).to_contain_text("Art 33(5)")
    assess = dpo.locator("#assess-form")
    assess.get_by_label("Likelihood of harm to the people affected").select_option(label="Remote")
    assess.get_by_label("Severity of that harm").select_option(label="Minimal")
    assess.get_by_label("What the assessment rests on").fill("Found within minutes by the deputy head")
    assess.get_by_role("button", name="Record the assessment").click()
    expect(dpo.locator("#decisions")).to_contain_text("Unlikely to result in a risk")
    ico = dpo.locator("#ico-form")
    ico.get_by_label("Do not notify", exact=False).check()
    ico.get_by_role("textbox", name="Reasons").fill("Recovered at once; only staff saw it")
    ico.get_by_role("button", name="Record the decision").click()
    expect(dpo.locator("#decisions")).to_contain_text("Recovered at once; only staff saw it")
    expect(dpo.locator("#clock-state")).to_contain_text("Done within the 72 hours")

    with dpo.expect_download() as info:
        dpo.get_by_role("link", name="Print the breach report (PDF)").click()
    download = info.value
    assert download.suggested_filename == f"breach-report-{reference}.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")
