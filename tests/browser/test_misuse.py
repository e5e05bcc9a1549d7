"""Issue 18 §1 in a real browser (16): the DPO opens the demo's misuse alert from the dashboard, reads the
rule's formula, and records the outcome — nothing is decided for them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.clause("16")]


def test_the_dpo_records_the_outcome_of_a_misuse_alert(live_app, new_page) -> None:
    dpo = new_page()
    sign_in(dpo, live_app, "dpo")
    panel = dpo.locator("#misuse-alerts")
    expect(panel).to_contain_text("outside the school's hours")
    panel.get_by_role("link", name="MA-").first.click()
    expect(dpo.locator("#formula")).to_contain_text("Fires for a person, school and day")
    form = dpo.locator("#outcome-form")
    form.get_by_label("Spoke to the person").check()
    form.get_by_label("What was done").fill("Covering the late school play; agreed to ask first next time")
    form.get_by_role("button", name="Record the outcome").click()
    expect(dpo.locator(".messages")).to_contain_text("recorded (audited)")
    expect(dpo.locator("#outcome")).to_contain_text("Spoke to the person")
    expect(dpo.locator("#outcome-form")).to_have_count(0)
