"""Issue 4's walk in a real browser (9.2, 9.4, 16): the demo's footage reviewer sees no footage without an
authorisation; asks; the Headteacher approves with a fresh authenticator code; the reviewer plays the
footage (the video's time advances, segment after segment) and seeks on the timeline; the audit log shows
every step. Footage for Oakfield's "Main gate" is written first through the recording app's write path
(tests/viewing/seed_footage.py), since the live app runs no recorder."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveApp, sign_in
from tests.browser.navigation import follow

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[2]
UK = ZoneInfo("Europe/London")


def seed_footage(app: LiveApp, camera: str) -> dict:
    command = [sys.executable, "-m", "tests.viewing.seed_footage", camera]
    done = subprocess.run(
        command, cwd=REPO, env=app.env, capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def uk(moment: datetime) -> str:
    return moment.astimezone(UK).strftime("%Y-%m-%dT%H:%M:%S")


def test_reviewer_asks_headteacher_approves_reviewer_plays_and_seeks(live_app, new_page):
    footage = seed_footage(live_app, "Main gate")
    first, last = datetime.fromisoformat(footage["start"]), datetime.fromisoformat(footage["end"])
    window_start, window_end = first - timedelta(seconds=2), last + timedelta(seconds=2)

    # Without an authorisation: no footage, and a segment asked for directly is not there.
    reviewer = new_page()
    sign_in(reviewer, live_app, "reviewer-oak")
    follow(reviewer, "Footage")
    # (Other browser tests share the app, so the reviewer may hold other authorisations: none covers this
    # footage, and an authorisation id that is not theirs serves nothing.)
    direct = reviewer.request.get(f"{live_app.url}viewing/999999/segments/{footage['segments'][0]}.mp4")
    assert direct.status == 404 and b"ftyp" not in direct.body()

    # Ask (9.2, 9.4).
    reviewer.get_by_role("link", name="Ask to view footage").click()
    reviewer.get_by_label("Main gate — Oakfield Primary School").check()
    reviewer.get_by_label("From").fill(uk(window_start))
    reviewer.get_by_label("Until").fill(uk(window_end))
    reviewer.get_by_label("Kind of reason").select_option(label="Safeguarding (9.4)")
    reviewer.get_by_label("Reason", exact=True).fill("Pupil reported being pushed at the main gate")
    reviewer.get_by_role("button", name="Send request").click()
    expect(reviewer.locator(".badge", has_text="Awaiting a decision")).to_be_visible()
    expect(reviewer.get_by_role("link", name="Play footage")).to_have_count(0)
    request_url = reviewer.url
    reviewer.goto(request_url + "play/")
    expect(reviewer.locator(".refusal")).to_contain_text("This request has not been approved")
    expect(reviewer.locator(".refusal")).to_contain_text("(policy 9.2)")
    expect(reviewer.locator("video")).to_have_count(0)

    # The Headteacher approves with a fresh code.
    head = new_page()
    sign_in(head, live_app, "head-oak")
    follow(head, "Footage requests")
    head.locator("table").first.get_by_role("link").first.click()
    expect(head.get_by_text("Pupil reported being pushed at the main gate")).to_be_visible()
    head.get_by_label("Authenticator code").fill(live_app.users["head-oak"].code())
    head.get_by_role("button", name="Approve").click()
    expect(head.get_by_text("Approved until")).to_be_visible()

    # The reviewer plays: time advances, and the player moves on to the next segment by itself.
    reviewer.goto(request_url)
    reviewer.get_by_role("link", name="Play footage").click()
    video = reviewer.locator("video")
    expect(reviewer.locator(".timeline .block")).to_have_count(len(footage["segments"]))
    # Placed by player.js, not by style="" attributes the Content-Security-Policy refuses (issue 14 §4).
    assert reviewer.locator(".timeline .block").first.evaluate("b => b.getBoundingClientRect().width") > 0
    reviewer.get_by_role("button", name="Play").click()
    reviewer.wait_for_function("() => document.querySelector('video').currentTime > 0.5")
    reviewer.wait_for_function(
        f"() => document.querySelector('video').dataset.segment === '{footage['segments'][1]}'",
        timeout=10_000,
    )
    expect(reviewer.locator("output.clock")).to_contain_text(
        "GMT" if not first.astimezone(UK).dst() else "BST"
    )
    # dd/mm/yyyy HH:MM:SS.cc in UK time, not the locale's "8 Dec 2026, 01:39:59.87" (issue 15 §5).
    expect(reviewer.locator("output.clock")).to_have_text(
        re.compile(r"^\d\d/\d\d/\d{4} \d\d:\d\d:\d\d\.\d\d (GMT|BST)$")
    )

    # Seek: three quarters along the window is in the last segment.
    reviewer.get_by_role("button", name="Pause").click()
    bar = reviewer.locator(".timeline")
    box = bar.bounding_box()
    assert box is not None
    bar.click(position={"x": box["width"] * 0.75, "y": box["height"] / 2})
    target_ms = (window_start + (window_end - window_start) * 0.75).timestamp() * 1000
    reviewer.wait_for_function(
        f"() => document.querySelector('video').dataset.segment === '{footage['segments'][-1]}'"
        " && document.querySelector('video').readyState >= 2"
    )
    shown = float(reviewer.locator("output.clock").get_attribute("data-ms") or 0)
    assert abs(shown - target_ms) < 500, (shown, target_ms)
    assert video.evaluate("v => v.paused") is True
    reviewer.get_by_role("button", name="Forward one frame").click()
    reviewer.wait_for_function(
        f"() => Number(document.querySelector('output.clock').dataset.ms) > {shown + 20}"
    )
    stepped = float(reviewer.locator("output.clock").get_attribute("data-ms") or 0)
    assert abs(stepped - shown - 40) < 5, (shown, stepped)  # one frame at 25 fps

    # From the player, a sealed package of the viewed footage: its window presets keep inside the viewed
    # window ("Last hour" and "Now" would fall outside it; issue 15 §4).
    reviewer.get_by_role("link", name="Download a sealed package").click()
    expect(reviewer.get_by_role("button", name="Last hour")).to_have_count(0)
    start, end = reviewer.get_by_label("From"), reviewer.get_by_label("Until")
    start.fill(start.get_attribute("max") or "")
    reviewer.get_by_role("button", name="Whole viewed window").click()
    assert start.input_value() == start.get_attribute("min") and end.input_value() == end.get_attribute("max")

    # The audit log shows every step (16), and the chain is intact.
    head.goto(live_app.url + "audit/?action=viewing.")
    log = head.locator("table")
    for action in ("viewing.requested", "viewing.approved", "viewing.segment_served"):
        expect(log).to_contain_text(action)
    expect(log).to_contain_text("reviewer-oak")
    assert live_app.cli("audit", "verify").stdout.startswith("audit chain intact:")
