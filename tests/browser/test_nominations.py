"""Nominated alternates in a real browser (9.2, Appendix I; design/roles.md "Who decides"): the Headteacher
nominates the deputy for downloads on the Nominated alternates page, an empty choice of decisions refused
first, and the DPO sees the nomination on the same page for every school. Set WATCHKEEPER_SCREENSHOTS to a
folder to keep a picture of each page."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.navigation import follow

pytestmark = pytest.mark.browser
UK = ZoneInfo("Europe/London")
REASON = "Headteacher on a residential trip"


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    folder = os.environ.get("WATCHKEEPER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.clause("Appendix I")
def test_the_headteacher_nominates_a_deputy_for_downloads_and_the_dpo_sees_it(live_app, new_page):
    today = datetime.now(UK).date()

    head = new_page()
    sign_in(head, live_app, "head-river")
    follow(head, "Nominated alternates")
    expect(head.get_by_role("heading", name="Nominated alternates")).to_be_visible()
    form = head.locator("form.stacked", has=head.get_by_role("button", name="Nominate"))
    form.get_by_label("School").select_option(label="Riverside Academy")
    form.get_by_label("Alternate (a designated person)").select_option(index=1)
    form.get_by_label("From").fill(today.isoformat())
    form.get_by_label("Until (inclusive)").fill((today + timedelta(days=14)).isoformat())
    form.get_by_label("Reason").fill(REASON)

    # No decision ticked: the form says so and nothing is nominated.
    form.get_by_role("button", name="Nominate").click()
    expect(head.locator("#nominations")).not_to_contain_text(REASON)
    shot(head, "01-nomination-refused")

    form = head.locator("form.stacked", has=head.get_by_role("button", name="Nominate"))
    form.get_by_label("Downloads (Appendix I)").check()
    form.get_by_label("Reason").fill(REASON)
    form.get_by_role("button", name="Nominate").click()
    row = head.locator("#nominations tr", has_text=REASON)
    expect(row).to_contain_text("Riverside Academy")
    expect(row).to_contain_text("Downloads (Appendix I)")
    expect(row).not_to_contain_text("Viewing recorded footage")
    expect(row).to_contain_text("In force")
    shot(head, "02-nominated")

    # The DPO sees every school's nominations, the new one among them, and may not nominate.
    dpo = new_page()
    sign_in(dpo, live_app, "dpo")
    follow(dpo, "Nominated alternates")
    dpo_row = dpo.locator("#nominations tr", has_text=REASON)
    expect(dpo_row).to_contain_text("Riverside Academy")
    expect(dpo_row).to_contain_text("Downloads (Appendix I)")
    expect(dpo_row).to_contain_text("Helen")
    expect(dpo.locator("#nominations")).to_contain_text("Oakfield Primary School")  # the demo's own
    expect(dpo.get_by_role("button", name="Nominate")).to_have_count(0)
    shot(dpo, "03-dpo-sees-it")
