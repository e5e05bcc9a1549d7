"""Issue 5's walk in a real browser (9.5, 11.6, 13.2, Appendix I): the demo's footage reviewer asks for a
download for the police; the Headteacher authorises it with a fresh authenticator code and sees the password
once; the job runner (`watchkeeper worker`, its own process) builds the sealed package while the request's
page shows its progress; the reviewer downloads the ZIP and `watchkeeper export verify` passes with that
password; the CCTV log row fills itself — authoriser, downloaded, then the viewing and the deletion."""

from __future__ import annotations

import signal
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import WATCHKEEPER, LiveApp, sign_in
from tests.browser.test_viewing import seed_footage, uk

pytestmark = pytest.mark.browser


class Worker:
    def __init__(self, app: LiveApp, log: Path):
        self.log = log.open("w")
        command = [WATCHKEEPER, "worker", "--max-delay", "0.5"]
        self.process = subprocess.Popen(command, env=app.env, stdout=self.log, stderr=subprocess.STDOUT)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def test_request_authorise_build_download_verify_and_the_log_fills(live_app, new_page, tmp_path):
    footage = seed_footage(live_app, "Main gate")
    first, last = datetime.fromisoformat(footage["start"]), datetime.fromisoformat(footage["end"])

    # The reviewer asks for a download for the police (9.5, 11.3).
    reviewer = new_page()
    sign_in(reviewer, live_app, "reviewer-oak")
    reviewer.get_by_role("link", name="Downloads", exact=True).click()
    reviewer.get_by_role("link", name="Ask for a download").click()
    reviewer.get_by_label("Main gate — Oakfield Primary School").check()
    reviewer.get_by_label("From").fill(uk(first - timedelta(seconds=1)))
    reviewer.get_by_label("Until").fill(uk(last + timedelta(seconds=1)))
    reviewer.get_by_label("What the copy is for").select_option(label="Police request (11.3)")
    reviewer.get_by_label("Kind of reason").select_option(label="Criminal activity (9.4)")
    reviewer.get_by_label("Reason", exact=True).fill("Damage to the main gate, reported to the police")
    reviewer.get_by_label("Someone outside the school").check()
    reviewer.get_by_label("Recipient's name").fill("PC Jane Smith")
    reviewer.get_by_label("Recipient's organisation").fill("Avon and Somerset Police")
    reviewer.get_by_label("Case reference").fill("CR-2026-0042")
    reviewer.get_by_role("button", name="Send request").click()
    expect(reviewer.locator("#request-status")).to_have_text("Awaiting authorisation")
    request_url = reviewer.url

    # The Headteacher authorises with a fresh code and sees the password once (11.6).
    head = new_page()
    sign_in(head, live_app, "head-oak")
    head.goto(request_url)
    expect(head.get_by_text("Damage to the main gate, reported to the police")).to_be_visible()
    head.get_by_label("Authenticator code").fill(live_app.users["head-oak"].code())
    head.get_by_role("button", name="Authorise download").click()
    password = head.locator(".package-password").inner_text().strip()
    assert len(password) >= 20
    expect(head.get_by_text("separately from the file")).to_be_visible()
    head.goto(request_url)
    assert password not in head.content()

    # The job runner builds it; the request's page shows its progress, then the package.
    reviewer.goto(request_url)
    expect(reviewer.locator("#request-status")).to_have_text("Authorised: package queued")
    expect(reviewer.get_by_text("this page updates itself")).to_be_visible()
    worker = Worker(live_app, tmp_path / "worker.log")
    try:  # no reload: the page polls while the package is built
        expect(reviewer.locator("#request-status")).to_have_text("Package ready", timeout=180_000)
    finally:
        worker.stop()
    expect(reviewer.locator("#job-progress")).to_contain_text("100%")

    # The reviewer (who asked) downloads the ZIP; `export verify` passes with the password.
    with reviewer.expect_download() as info:
        reviewer.locator("#download-package").click()
    zipped = tmp_path / info.value.suggested_filename
    info.value.save_as(zipped)
    assert zipped.suffix == ".zip"
    password_file = tmp_path / "password.txt"
    password_file.write_text(password)
    verified = live_app.cli("export", "verify", str(zipped), "--password-file", str(password_file))
    assert verified.returncode == 0 and "package verified" in verified.stdout, (
        verified.stdout + verified.stderr
    )

    # The CCTV log row: authoriser and downloaded, not yet viewed or deleted (Appendix I).
    head.goto(live_app.url + "evidence/log/")
    row = head.locator("tbody tr", has_text="PC Jane Smith").first
    expect(row).to_contain_text("download request #")
    cells = row.locator("td")
    assert cells.nth(4).inner_text().strip() == "" and cells.nth(6).inner_text().strip() == ""

    # The viewing is recorded, then the Headteacher authorises deletion with a fresh code.
    reviewer.get_by_label("Date and time viewed").fill(uk(datetime.now().astimezone()))
    reviewer.get_by_role("button", name="Record viewing").click()
    expect(reviewer.get_by_text("Viewing recorded")).to_be_visible()
    head.goto(request_url)
    head.get_by_label("Authenticator code").fill(live_app.users["head-oak"].code())
    head.get_by_role("button", name="Authorise deletion").click()
    expect(head.get_by_text("Copy deleted")).to_be_visible()
    expect(head.locator("#download-package")).to_have_count(0)

    head.goto(live_app.url + "evidence/log/")
    cells = head.locator("tbody tr", has_text="PC Jane Smith").first.locator("td")
    assert cells.nth(4).inner_text().strip(), "date and time viewed"
    assert cells.nth(5).inner_text().strip().startswith(cells.nth(0).inner_text().split(",")[0])
    assert cells.nth(6).inner_text().strip(), "date deleted"
    assert live_app.cli("audit", "verify").stdout.startswith("audit chain intact:")
