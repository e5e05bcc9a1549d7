"""Issue 6 §2's walk in a real browser (10.2, 10.3, 10.4.1): the demo's footage reviewer, holding an
approved authorisation over footage with faces, starts a redaction, watches the proposal job's progress,
marks a track as the data subject, previews (the render job), plays the preview and approves. Jobs run in
a real `watchkeeper worker` on the live app's queue, started here for this test."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import WATCHKEEPER, LiveApp, sign_in
from tests.browser.navigation import follow

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[2]
DRAWN = """() => {
  const c = document.querySelector("canvas.boxes");
  const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  for (let i = 3; i < d.length; i += 4) if (d[i]) return true;
  return false;
}"""


def seed(app: LiveApp) -> dict:
    command = [
        sys.executable,
        "-m",
        "tests.redaction.review.seed_faces",
        "Main gate",
        "reviewer-oak",
        "head-oak",
    ]
    done = subprocess.run(
        command, cwd=REPO, env=app.env, capture_output=True, text=True, timeout=180, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def worker(live_app: LiveApp, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen(
        [WATCHKEEPER, "worker", "--max-delay", "0.5"], cwd=REPO, env=live_app.env, stdout=log, stderr=log
    )
    try:
        yield process
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_reviewer_redacts_keeps_the_subject_previews_and_approves(live_app, new_page, worker):
    footage = seed(live_app)
    page = new_page()
    sign_in(page, live_app, "reviewer-oak")
    follow(page, "Redactions")
    page.get_by_role("link", name=f"Redact footage of request #{footage['authorisation']}").click()
    page.get_by_role("button", name="Find people to redact").click()

    # The proposal job: a progress bar, then the page reloads ready for review.
    badge = page.locator("h1 .badge")
    expect(badge).to_have_text("Ready for review", timeout=120_000)
    rows = page.locator("table.tracks tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 3
    thumb = rows.first.locator("img.thumb")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    page.wait_for_function("() => document.querySelector('video.source').readyState >= 2")
    expect(page.locator("output.frame")).to_have_attribute("data-frame", "0")
    page.wait_for_function(DRAWN)  # the proposed boxes of frame 0 are drawn over the picture

    # A manual box: drag on the paused picture at frame 10.
    for _ in range(10):
        page.get_by_role("button", name="Forward one frame").click()
    expect(page.locator("output.frame")).to_have_attribute("data-frame", "10")
    # The frame buttons may have scrolled the picture partly out of view (the preview bar is fixed to the
    # window's foot, issue 16 §1): bring it whole into view before drawing on it.
    page.locator("canvas.boxes").evaluate("c => c.scrollIntoView({block: 'center'})")
    canvas = page.locator("canvas.boxes").bounding_box()
    assert canvas is not None
    with page.expect_navigation():
        page.mouse.move(canvas["x"] + 40, canvas["y"] + 40)
        page.mouse.down()
        page.mouse.move(canvas["x"] + 90, canvas["y"] + 100, steps=5)
        page.mouse.up()
    expect(page.get_by_role("heading", name="Manual boxes (1)")).to_be_visible()
    expect(page.locator("output.frame")).to_have_attribute("data-frame", "10")

    # Keep the first track (the data subject): saved at once, audited.
    first = rows.first.get_attribute("data-track")
    with page.expect_navigation():
        rows.first.get_by_role("checkbox").check()
    expect(page.locator(f"tr[data-track='{first}'] input[type=checkbox]")).to_be_checked()

    # Approve is not offered before a preview of these decisions.
    expect(page.get_by_role("button", name="Approve")).to_be_disabled()
    with page.expect_navigation():
        page.get_by_role("button", name="Preview").click()
    expect(badge).to_have_text("Ready for review", timeout=120_000)
    preview = page.locator("video.preview")
    expect(preview).to_be_visible()
    page.wait_for_function("() => document.querySelector('video.preview').readyState >= 2", timeout=20_000)
    assert preview.evaluate("v => v.duration") > 2.5

    # Approve only what you have watched (issue 16 §1): the sticky bar counts how much of the preview has
    # played, and the approval carries it.
    watched = page.locator("#approve-bar .watched")
    expect(watched).to_have_text("You have watched 0% of the preview.")
    preview.evaluate("v => { v.playbackRate = 4; return v.play(); }")
    expect(watched).to_have_text("You have watched 100% of the preview.", timeout=30_000)
    with page.expect_navigation():
        page.get_by_role("button", name="Approve").click()
    expect(badge).to_have_text("Approved")
    # (The page's own text, not the one-off flash message, which a progress poll may show first.)
    expect(page.get_by_text("Approved by ")).to_be_visible()
    expect(page.get_by_role("heading", name="Approved copy")).to_be_visible()
    report = page.request.get(page.url.split("?")[0] + "report.json").json()
    assert [t["id"] for t in report["tracks_kept"]] == [int(first or 0)]
    assert report["preview_watched"] >= 0.98 and not report["approved_without_watching_all"]
    assert len(report["master_segments"]) == len(footage["segments"])
    assert [b["frame"] for b in report["manual_edits"][0]["boxes"]] == [10]
