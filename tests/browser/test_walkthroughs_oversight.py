"""README walk-throughs 5 (oversee compliance), 6 (a complaint), 8 (reports) and 10 (the CCTV policy and the
maintenance schedule) on the fresh demo, as the README words them (issue 15 §1): each person signs in, follows
the links the README names and sees what it says they see. No footage and no jobs: each runs in seconds.
Walk-throughs 3 and 4 are in test_walkthroughs.py; 7, 9 and 11 in test_breaches.py, test_misuse.py and
test_public_form.py.

SQLite only, like test_walkthroughs.py: the same pages run on PostgreSQL in the apps' own tests."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.navigation import follow
from tests.browser.steps import signed_in
from tests.browser.test_viewing import UK
from tests.evidence.pdftext import pdf_text

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        os.environ.get("WATCHKEEPER_DATABASE_URL", "").startswith("postgres"),
        reason="README walk-throughs run once, on SQLite, to keep CI's PostgreSQL run within its time budget",
    ),
]


def pdf_words(page, url: str) -> str:  # type: ignore[no-untyped-def]
    """The words of a PDF the signed-in person prints (the browser's own session fetches it)."""
    got = page.request.get(url)
    assert got.status == 200 and got.headers["content-type"] == "application/pdf", got.status
    return " ".join(pdf_text(got.body()).split())


@pytest.mark.clause("3.5", "6.1", "7.1", "9.3", "9.4")
def test_walkthrough_5_the_dpo_oversees_compliance(live_app, new_page):
    # dpo: the dashboard's compliance report shows each school, the appropriate policy document in date
    # and the differences between the policy and today's law.
    dpo = signed_in(new_page, live_app, "dpo")
    summary = dpo.locator("table.summary")
    expect(summary).to_contain_text("Oakfield Primary School")
    expect(summary).to_contain_text("Riverside Academy")
    expect(dpo.locator("#lawful-footing")).to_contain_text("In place: approved")
    expect(dpo.locator("#differences")).to_contain_text("the 1998 Act is repealed")
    # Its page: privacy notice, signs, DPIAs, exceptions.
    summary.get_by_role("link", name="Oakfield Primary School").click()
    for heading in ("Privacy notice", "CCTV signs (6.1)", "DPIAs (7.1, 18.1)", "Exceptions"):
        expect(dpo.get_by_role("heading", name=heading)).to_be_visible()

    # DPO settings: what an overdue review does, the clock-drift threshold (2 s), the escalation (3 days),
    # and which viewing reasons fit which camera purposes.
    follow(dpo, "DPO settings")
    expect(dpo.get_by_label("Flag and escalate", exact=False)).to_be_checked()
    expect(dpo.get_by_label("Suspend", exact=False)).not_to_be_checked()
    expect(dpo.get_by_label("Alert when a clock is out by more than (seconds)")).to_have_value("2.0")
    escalation = dpo.get_by_label("A request nobody decides goes to the DPO after (working days)")
    expect(escalation).to_have_value("3")
    expect(dpo.get_by_role("heading", name="Which viewing reasons fit which camera purposes")).to_be_visible()

    # Each camera's page: basis, Art 9/10 conditions, policy document, the school's privacy notice.
    follow(dpo, "Cameras")
    dpo.get_by_role("link", name="Playground", exact=True).click()
    fields = dpo.locator("#camera-fields")
    for words in (
        "Public task — UK GDPR Art 6(1)(e)",
        "Special-category information (Art 9)",
        "Criminal-offence information (Art 10)",
        "Appropriate policy document (DPA 2018 Sch 1 Part 4): In place",
        "Privacy notice of Oakfield Primary School",
    ):
        expect(fields).to_contain_text(words)


@pytest.mark.clause("17.1")
def test_walkthrough_6_the_headteacher_answers_the_demo_complaint(live_app, new_page):
    today = f"{datetime.now(UK):%Y-%m-%d}"
    # dpo sees every school's open complaints and their deadlines on the dashboard, and was e-mailed it.
    dpo = signed_in(new_page, live_app, "dpo")
    expect(dpo.locator("#complaints-register")).to_contain_text("COMP-1 — Oakfield Primary School")
    expect(dpo.locator("#complaints-register")).to_contain_text("acknowledge by")
    mail = Path(live_app.env["WATCHKEEPER_DATA_DIR"]) / "mail"
    assert any("To: dpo@demo.invalid" in f.read_text() and "COMP-1" in f.read_text() for f in mail.iterdir())

    # head-oak: the dashboard and Complaints hold the neighbour's letter about the Playground camera.
    head = signed_in(new_page, live_app, "head-oak")
    expect(head.locator("#complaints-register")).to_contain_text("COMP-1")
    follow(head, "Complaints")
    head.locator("#complaints-register").get_by_role("link", name="COMP-1").click()
    expect(head.get_by_text("Sam Neighbour (demo)")).to_be_visible()
    expect(head.get_by_role("cell", name="Playground", exact=True)).to_be_visible()
    expect(head.locator("#acknowledged")).to_contain_text("30 days from the day after receipt, s164A(3)")

    # Record the acknowledgement, an enquiry, a progress update and the outcome.
    acknowledge = head.locator("#action-acknowledge")
    acknowledge.get_by_label("Acknowledged on").fill(today)
    acknowledge.get_by_role("button", name="Record the acknowledgement").click()
    expect(head.locator(".messages")).to_contain_text("Acknowledgement recorded.")
    for kind, note in (
        ("Enquiry made", "Looked at the Playground camera's view from the garden fence"),
        ("Complainant told of progress", "Told the neighbour a privacy zone is being drawn"),
    ):
        step = head.locator("#action-step")
        step.get_by_label("What", exact=True).select_option(label=kind)
        step.get_by_label("On", exact=True).fill(today)
        step.get_by_label("What was asked or said").fill(note)
        step.get_by_role("button", name="Record an enquiry or update").click()
        expect(head.locator("#steps")).to_contain_text(f"{kind}: {note}")
    outcome = head.locator("#action-outcome")
    outcome.get_by_label("Outcome").select_option(label="Partly upheld")
    outcome.get_by_label("What was found and what will be done").fill("A privacy zone now masks the garden.")
    outcome.get_by_label("Complainant told on").fill(today)
    outcome.get_by_role("button", name="Record the outcome").click()
    expect(head.locator("h1 .badge")).to_have_text("Outcome given")

    # Print the outcome letter, which names the ICO.
    letter = head.get_by_role("link", name="Outcome letter (PDF)").get_attribute("href") or ""
    words = pdf_words(head, live_app.url + letter.lstrip("/"))
    assert "Information Commissioner" in words and "A privacy zone now masks the garden." in words


@pytest.mark.clause("3.5", "18.1")
def test_walkthrough_8_reports_for_the_dpo_and_the_board(live_app, new_page):
    # dpo: Reports → DPO dashboard: each school's score and how it is worked out, the clocks, the
    # authorisations and downloads per month, camera uptime and storage, and what is open (3.5).
    dpo = signed_in(new_page, live_app, "dpo")
    follow(dpo, "DPO dashboard")
    for heading in (
        "Open now",
        "Compliance score",
        "How the score is worked out",
        "Answering on time (last twelve months)",
        "Viewing authorisations and downloads per month",
        "Cameras: uptime and storage",
    ):
        expect(dpo.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    scores = dpo.locator("tr", has_text="/100")
    expect(scores.filter(has_text="Oakfield Primary School")).to_have_count(1)
    expect(scores.filter(has_text="Riverside Academy")).to_have_count(1)
    expect(dpo.get_by_text("Misuse alerts you handle, still open")).to_be_visible()

    # From there: the annual report (internal or public edition) and the evidence report for an auditor.
    evidence = dpo.get_by_role("link", name="Compliance evidence report for an auditor (PDF)")
    assert "CCTV" in pdf_words(dpo, live_app.url + (evidence.get_attribute("href") or "").lstrip("/"))
    dpo.get_by_role("link", name="Annual report (PDF)").click()
    dpo.get_by_label("Public edition", exact=False).check()
    with dpo.expect_download() as printed:
        dpo.get_by_role("button", name="Print (PDF)").click()
    assert "public" in printed.value.suggested_filename
    assert Path(printed.value.path()).read_bytes().startswith(b"%PDF")

    # Reports → Record of processing: the Art 30 entry and the registers' own retention schedule.
    follow(dpo, "Record of processing")
    expect(dpo.locator("dl.processing-entry")).to_contain_text("Retention (Art 30(1)(f))")
    expect(dpo.get_by_role("heading", name="How long the registers themselves are kept")).to_be_visible()
    expect(dpo.get_by_role("row", name="Breach records")).to_contain_text("6 years")
    expect(dpo.get_by_role("row", name="Misuse alerts found to be no concern")).to_contain_text("misuse app")


@pytest.mark.clause("3.1", "3.3", "12.1", "18.1")
def test_walkthrough_10_the_cctv_policy_and_the_maintenance_schedule(live_app, new_page):
    # dpo: Registers → CCTV policy: version 4, approved by the board, who has acknowledged it, the review.
    dpo = signed_in(new_page, live_app, "dpo")
    follow(dpo, "CCTV policy")
    version = dpo.locator("tbody tr").filter(has_text="Passkeys as a second factor")
    expect(version).to_contain_text("by Brian Oduya")
    expect(version).to_contain_text(" staff")
    expect(dpo.locator("#not-acknowledged")).to_contain_text("Brian Oduya")
    expect(dpo.locator("#policy-review")).to_contain_text("Review the policy by")

    # board: a banner asking them to acknowledge it.
    board = signed_in(new_page, live_app, "board")
    expect(board.locator(".notice.banner")).to_contain_text("acknowledge version 4 of the CCTV policy")

    # admin-oak: the dashboard and inbox show the main gate's overdue picture-quality check;
    # Maintenance → Schedule sets how often each check is due.
    admin = signed_in(new_page, live_app, "admin-oak")
    expect(admin.locator("#overdue-checks")).to_contain_text("Picture quality of Main gate")
    admin.locator("a.inbox-link").click()
    expect(admin.get_by_role("link", name="Picture quality check of Main gate", exact=False)).to_be_visible()
    follow(admin, "Schedule")
    expect(admin.get_by_role("row", name="Main gate Picture quality")).to_contain_text("Overdue")
    expect(admin.get_by_role("button", name="Save")).to_be_visible()

    # head-oak: Registers → Camera reviews, each camera's yearly "still necessary?" review.
    head = signed_in(new_page, live_app, "head-oak")
    follow(head, "Camera reviews")
    expect(head.get_by_role("row", name="Playground")).to_contain_text("Review")
