"""Live view in a real browser (8.1, 8.2): the demo's live viewer opens the live grid, watches Oakfield's
"Main gate" (pointed at the camera simulator) through MediaSource, and the picture stays near the live
edge; other pages are served while the stream runs (waitress threads); stopping ends the stream. The same
with privacy zones on the camera (5.3): masked live, and still near the live edge."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveApp, sign_in
from tests.recording.conftest import Simulator, free_port
from watchkeeper.recording.simulator import ensure_clip, stream_url

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[2]

PLAYING = """video => video.currentTime > 1 && video.buffered.length > 0"""
BEHIND = """video => video.buffered.end(video.buffered.length - 1) - video.currentTime"""
# The header comes with the first key frame the server received, and the simulator sends in real time, so
# the picture on screen was seen by the camera this long ago (camera-to-screen latency, slightly under).
LATENCY = """video => (performance.now() - Number(video.dataset.firstChunk)) / 1000 - video.currentTime"""


COUNT = (
    "import django; django.setup(); from watchkeeper.audit.models import AuditEvent; "
    "print(AuditEvent.objects.filter(action={!r}, actor__username='viewer-oak').count())"
)


def audited(app: LiveApp, action: str) -> int:
    command = [sys.executable, "-c", COUNT.format(action)]
    env = {**app.env, "DJANGO_SETTINGS_MODULE": "watchkeeper.settings"}
    done = subprocess.run(command, cwd=REPO, env=env, check=True, capture_output=True, text=True, timeout=60)
    return int(done.stdout.strip().splitlines()[-1])


# The zones of the recorder's masking test: the simulator's burned-in clock, and a triangle lower right.
ZONES = [
    [[0.0, 0.0], [0.55, 0.0], [0.55, 0.16], [0.0, 0.16]],
    [[0.62, 0.45], [0.97, 0.93], [0.55, 0.93]],
]


def seed_main_gate(app: LiveApp, port: int, zones: list) -> None:
    url = stream_url(port, 1)
    command = [sys.executable, "-m", "tests.viewing.seed_live", "Main gate", url, json.dumps(zones)]
    subprocess.run(command, cwd=REPO, env=app.env, check=True, capture_output=True, timeout=120)


def test_a_live_viewer_watches_a_camera_near_the_live_edge(live_app, new_page, tmp_path) -> None:
    watch_main_gate(live_app, new_page, tmp_path, zones=[])


def test_a_camera_with_privacy_zones_is_watched_masked_near_the_live_edge(
    live_app, new_page, tmp_path
) -> None:
    watch_main_gate(live_app, new_page, tmp_path, zones=ZONES)


def watch_main_gate(live_app, new_page, tmp_path, zones: list) -> None:
    camera = Simulator(ensure_clip(tmp_path), 1, free_port())
    camera.start()
    started_before, ended_before = (audited(live_app, f"viewing.live_{e}") for e in ("started", "ended"))
    try:
        seed_main_gate(live_app, camera.port, zones)

        viewer = new_page()
        sign_in(viewer, live_app, "viewer-oak")
        clicked = time.monotonic()
        # The tiles start by themselves when the page opens (issue 15 §5): no Watch to press.
        viewer.get_by_role("link", name="Live", exact=True).click()
        tile = viewer.locator(".card.live", has=viewer.get_by_role("heading", name="Main gate"))
        video = tile.locator("video")
        video.evaluate(
            f"v => new Promise(r => {{ const t = setInterval(() => {{ if (({PLAYING})(v)) "
            "{ clearInterval(t); r(); } }, 50); })",
            timeout=30_000,
        )
        first_picture = time.monotonic() - clicked
        expect(tile.locator(".state")).to_have_text("Live")
        expect(tile.locator(".masked")).to_have_count(1 if zones else 0)

        # Another page is served while the stream runs: a live stream holds one waitress thread, not all.
        other = new_page()
        # (Not head-oak: `watchkeeper demo` used the Headteacher's code of its own step, which django-otp
        # would refuse again for a few seconds after the live app starts.)
        sign_in(other, live_app, "deputy-oak")
        expect(other.get_by_role("link", name="Dashboard")).to_be_visible()

        time.sleep(3)
        behind, latency = video.evaluate(BEHIND), video.evaluate(LATENCY)
        print(
            f"live view{' (masked, 5.3)' if zones else ''}: first picture in {first_picture:.2f} s; "
            f"{behind:.2f} s behind the edge; "
            f"camera-to-screen {latency:.2f} s"
        )
        assert behind <= 2.0 and latency <= 3.0  # issue 4: ≤ 3 s on loopback
        assert video.evaluate("v => !v.paused")

        tile.get_by_role("button", name="Stop").click()
        expect(tile.locator(".state")).to_have_text("Not watching")
        # The server noticed the client went away: it closed the camera and audited the session's end.
        deadline = time.monotonic() + 30
        while audited(live_app, "viewing.live_ended") < ended_before + 1 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert audited(live_app, "viewing.live_started") == started_before + 1
        assert audited(live_app, "viewing.live_ended") == ended_before + 1
    finally:
        if zones:
            seed_main_gate(live_app, camera.port, [])  # the session's other tests see Main gate as it was
        camera.stop()
