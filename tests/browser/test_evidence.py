"""Issue 5's walk in a real browser (9.5, 11.6, 13.2, Appendix I): the demo's footage reviewer asks for a
download for the police; the Headteacher authorises it with a fresh authenticator code and sees the password
once; the job runner (`watchkeeper worker`, its own process) builds the sealed package while the request's
page shows its progress; the reviewer downloads the ZIP and `watchkeeper export verify` passes with that
password; the CCTV log row fills itself — authoriser, downloaded, then the viewing, the copy reported lost
(15.1: a breach draft for the DPO) and the deletion."""

from __future__ import annotations

import re
import signal
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import WATCHKEEPER, LiveApp, sign_in
from tests.browser.navigation import follow
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
    follow(reviewer, "Downloads")
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
    # The reviewer's inbox says so, and leads back here (README walk-through 2).
    reviewer.goto(live_app.url + "inbox/")
    reviewer.get_by_role("link", name=re.compile(r"sealed package of download request #\d+ is ready")).click()
    expect(reviewer.locator("#request-status")).to_have_text("Package ready")

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
    # The police's stick is lost: the reviewer who asked for the copy reports it; the DPO gets a draft (15.1).
    reviewer.get_by_text("Copy lost, or its password sent with it?").click()
    lost = reviewer.locator("#report-lost")
    lost.get_by_label("What happened").fill("The USB stick for PC Smith was left on the bus")
    lost.get_by_role("button", name="Report this copy lost").click()
    expect(reviewer.get_by_text("Reported to the DPO as a possible personal data breach")).to_be_visible()
    expect(reviewer.locator(".copy-report")).to_contain_text("Reported lost by")
    head.goto(request_url)
    head.get_by_label("Authenticator code").fill(live_app.users["head-oak"].code())
    head.get_by_role("button", name="Authorise deletion").click()
    expect(head.get_by_role("status").filter(has_text="Copy deleted")).to_be_visible()
    expect(head.locator("#request-status")).to_contain_text("Copy deleted")
    expect(head.locator("#download-package")).to_have_count(0)

    head.goto(live_app.url + "evidence/log/")
    cells = head.locator("tbody tr", has_text="PC Jane Smith").first.locator("td")
    assert cells.nth(4).inner_text().strip(), "date and time viewed"
    assert cells.nth(5).inner_text().strip().startswith(cells.nth(0).inner_text().split(",")[0])
    assert cells.nth(6).inner_text().strip(), "date deleted"
    expect(cells.nth(1).locator(".copy-report")).to_contain_text("Reported lost")
    assert live_app.cli("audit", "verify").stdout.startswith("audit chain intact:")


def test_a_still_is_asked_for_authorised_sealed_and_logged(live_app, new_page, tmp_path):
    """Issue 11 §6 (9.5, 11.6, 13.2): pausing on a frame is free; "Ask for a still" makes a download request
    for that camera and instant — no picture comes back — which the Headteacher authorises with a fresh code;
    the job seals the still (full resolution, camera and time burned in) in a password-protected package
    that `export verify` accepts, and its CCTV log row goes through viewing to deletion."""
    import pyzipper

    footage = seed_footage(live_app, "Playground")
    first, last = datetime.fromisoformat(footage["start"]), datetime.fromisoformat(footage["end"])

    # A viewing authorisation for the reviewer, approved by the Headteacher.
    reviewer, head = new_page(), new_page()
    sign_in(reviewer, live_app, "reviewer-oak")
    sign_in(head, live_app, "head-oak")
    reviewer.goto(live_app.url + "viewing/new/")
    reviewer.get_by_label("Playground — Oakfield Primary School").check()
    reviewer.get_by_label("From").fill(uk(first - timedelta(seconds=2)))
    reviewer.get_by_label("Until").fill(uk(last + timedelta(seconds=2)))
    reviewer.get_by_label("Kind of reason").select_option(label="Safeguarding (9.4)")
    reviewer.get_by_label("Reason", exact=True).fill("Fall in the playground: a still for the accident book")
    reviewer.get_by_role("button", name="Send request").click()
    viewing_url = reviewer.url
    head.goto(viewing_url)
    head.get_by_label("Authenticator code").fill(live_app.users["head-oak"].code())
    head.get_by_role("button", name="Approve").click()
    expect(head.get_by_text("Approved until")).to_be_visible()

    # The reviewer pauses on a frame (free) and asks for it as a still: the request's page, no file.
    reviewer.goto(viewing_url + "play/")
    still_button = reviewer.get_by_role("button", name="Ask for a still")
    expect(still_button).to_be_visible()
    reviewer.wait_for_function("() => document.querySelector('video').readyState >= 2")
    reviewer.get_by_role("button", name="Forward one frame").click()
    reviewer.get_by_role("button", name="Forward one frame").click()
    expect(still_button).to_be_enabled()
    reviewer.screenshot(path=str(tmp_path / "1-player-paused.png"), full_page=True)
    downloads: list = []
    reviewer.on("download", lambda download: downloads.append(download))
    still_button.click()
    expect(reviewer.locator("#request-status")).to_have_text("Awaiting authorisation")
    expect(reviewer.locator("#still-at")).to_contain_text("one frame at full resolution")
    assert downloads == []
    reviewer.screenshot(path=str(tmp_path / "2-still-requested.png"), full_page=True)
    request_url = reviewer.url

    # The Headteacher authorises with a fresh code and sees the password once.
    head.goto(request_url)
    expect(head.get_by_text("Authorising lets this still image leave")).to_be_visible()
    head.screenshot(path=str(tmp_path / "3-head-decides.png"), full_page=True)
    head.get_by_label("Authenticator code").fill(live_app.users["head-oak"].code())
    head.get_by_role("button", name="Authorise download").click()
    password = head.locator(".package-password").inner_text().strip()
    assert len(password) >= 20

    # The job seals it; the reviewer downloads the ZIP; `export verify` passes.
    reviewer.goto(request_url)
    worker = Worker(live_app, tmp_path / "worker.log")
    try:
        expect(reviewer.locator("#request-status")).to_have_text("Package ready", timeout=180_000)
    finally:
        worker.stop()
    reviewer.screenshot(path=str(tmp_path / "4-still-ready.png"), full_page=True)
    with reviewer.expect_download() as info:
        reviewer.locator("#download-package").click()
    zipped = tmp_path / info.value.suggested_filename
    info.value.save_as(zipped)
    password_file = tmp_path / "password.txt"
    password_file.write_text(password)
    verified = live_app.cli("export", "verify", str(zipped), "--password-file", str(password_file))
    assert verified.returncode == 0 and "package verified" in verified.stdout, (
        verified.stdout + verified.stderr
    )
    with pyzipper.AESZipFile(zipped) as z:
        z.setpassword(password.encode())
        (name,) = [n for n in z.namelist() if n.startswith("still/")]
        (tmp_path / "5-the-still.png").write_bytes(z.read(name))
        assert not [n for n in z.namelist() if n.startswith(("master/", "working-copy"))]

    # The CCTV log: a sealed still, viewed, then deletion authorised and done.
    reviewer.get_by_label("Date and time viewed").fill(uk(datetime.now().astimezone()))
    reviewer.get_by_role("button", name="Record viewing").click()
    expect(reviewer.get_by_text("Viewing recorded")).to_be_visible()
    head.goto(request_url)
    head.get_by_label("Authenticator code").fill(live_app.users["head-oak"].code())
    head.get_by_role("button", name="Authorise deletion").click()
    expect(head.get_by_role("status").filter(has_text="Copy deleted")).to_be_visible()
    expect(head.locator("#request-status")).to_contain_text("Copy deleted")
    head.goto(live_app.url + "evidence/log/")
    row = head.locator("tbody tr", has_text="Sealed still image of Playground").first
    cells = row.locator("td")
    assert cells.nth(4).inner_text().strip() and cells.nth(5).inner_text().strip()
    assert cells.nth(6).inner_text().strip()
    head.screenshot(path=str(tmp_path / "6-cctv-log.png"), full_page=True)


def test_held_footage_waits_for_the_cctv_admins_release(live_app, new_page, tmp_path):
    """Issue 11 §2 (9.6): a download of footage under an evidential hold cannot be authorised until the
    CCTV administrator, who finds it under "Awaiting your release", releases it for that request."""
    footage = seed_footage(live_app, "Car park")
    first, last = datetime.fromisoformat(footage["start"]), datetime.fromisoformat(footage["end"])

    admin, reviewer, head = new_page(), new_page(), new_page()
    for page, user in ((admin, "admin-oak"), (reviewer, "reviewer-oak"), (head, "head-oak")):
        sign_in(page, live_app, user)

    # The CCTV administrator holds the footage as evidence.
    admin.goto(live_app.url + "recording/holds/new/")
    admin.get_by_label("Car park — Oakfield Primary School", exact=False).check()
    admin.get_by_label("From").fill(uk(first - timedelta(seconds=1)))
    admin.get_by_label("Until").fill(uk(last + timedelta(seconds=1)))
    admin.get_by_label("Reason").fill("Car damaged in the car park: police crime reference CR-77")
    admin.get_by_label("Review by").fill((datetime.now() + timedelta(days=30)).strftime("%Y-%m-%d"))
    admin.get_by_role("button", name="Place hold").click()
    expect(admin.get_by_text("Hold placed")).to_be_visible()

    # The reviewer asks for a download of it for the police.
    reviewer.goto(live_app.url + "evidence/requests/new/")
    reviewer.get_by_label("Car park — Oakfield Primary School").check()
    reviewer.get_by_label("From").fill(uk(first - timedelta(seconds=1)))
    reviewer.get_by_label("Until").fill(uk(last + timedelta(seconds=1)))
    reviewer.get_by_label("What the copy is for").select_option(label="Police request (11.3)")
    reviewer.get_by_label("Kind of reason").select_option(label="Criminal activity (9.4)")
    reviewer.get_by_label("Reason", exact=True).fill("The police ask for the car park footage")
    reviewer.get_by_label("Someone outside the school").check()
    reviewer.get_by_label("Recipient's name").fill("PC Jane Smith")
    reviewer.get_by_label("Recipient's organisation").fill("Avon and Somerset Police")
    reviewer.get_by_role("button", name="Send request").click()
    request_url = reviewer.url

    # The Headteacher is told the CCTV administrator's release is needed; authorising is refused.
    head.goto(request_url)
    expect(head.locator("#held")).to_contain_text("Not yet released")
    expect(head.locator("#awaiting-release")).to_be_visible()
    head.screenshot(path=str(tmp_path / "1-head-release-needed.png"), full_page=True)
    head.get_by_label("Authenticator code").fill(live_app.users["head-oak"].code())
    head.get_by_role("button", name="Authorise download").click()
    expect(head.locator(".refusal, .errorlist").first).to_contain_text("9.6")

    # The administrator finds it under "Awaiting your release" and releases it for this request.
    admin.goto(live_app.url + "recording/holds/")
    awaiting = admin.locator("#awaiting")
    expect(awaiting).to_contain_text("PC Jane Smith")
    admin.screenshot(path=str(tmp_path / "2-admin-awaiting.png"), full_page=True)
    awaiting.get_by_role("link", name="Review and release").first.click()
    admin.get_by_label("Why this held footage may be used").fill("Police crime reference CR-77")
    admin.get_by_role("button", name="Release for this request").click()
    expect(admin.get_by_text("Held footage released for download request")).to_be_visible()
    admin.screenshot(path=str(tmp_path / "3-admin-released.png"), full_page=True)

    # Now the Headteacher sees the release and authorises.
    head.goto(request_url)
    expect(head.locator("#held")).to_contain_text("Released for this request by")
    head.get_by_label("Authenticator code").fill(live_app.users["head-oak"].code())
    head.get_by_role("button", name="Authorise download").click()
    assert len(head.locator(".package-password").inner_text().strip()) >= 20
