"""Minibus footage from the web (5.2, issue 16 §3), in Chromium: the CCTV administrator uploads a DVR file
larger than the web server's request limit (WATCHKEEPER_MAX_REQUEST_BYTES, 21 MiB by default); it goes in
sealed pieces, the import job stores it as recordings, and the page says what was imported."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.navigation import follow
from tests.browser.test_redaction import worker  # noqa: F401

pytestmark = pytest.mark.browser


def big_dvr_file(directory: Path, now: datetime) -> Path:
    """Ten seconds of grainy 720p H.264 (~37 MB: the grain keeps it from compressing), stamped as a DVR
    stamps its files."""
    path = directory / "MB-rear-trip.mp4"
    stamp = (now - timedelta(minutes=50)).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
         "-i", "testsrc2=size=1280x720:rate=25:duration=10", "-vf", "noise=alls=16:allf=t",
         "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-crf", "27",
         "-pix_fmt", "yuv420p", "-metadata", f"creation_time={stamp}", str(path)],
        check=True, timeout=120,
    )  # fmt: skip
    return path


def test_the_cctv_administrator_uploads_a_minibus_dvr_file(live_app, new_page, worker, tmp_path) -> None:  # noqa: F811
    dvr = big_dvr_file(tmp_path, datetime.now(UTC))
    assert dvr.stat().st_size > settings.WATCHKEEPER_MAX_REQUEST_BYTES  # one request could not carry it

    admin = new_page()
    sign_in(admin, live_app, "admin-river")
    follow(admin, "Minibus footage")
    rear = admin.locator("#id_camera option", has_text="Minibus rear view").get_attribute("value")
    admin.get_by_label("Minibus camera").select_option(value=rear)
    admin.get_by_label("DVR clock offset (milliseconds)").fill("1500")
    admin.get_by_label("DVR file").set_input_files(str(dvr))
    admin.get_by_role("button", name="Upload and import").click()
    rows = admin.locator("#dvr-uploads tbody tr")
    expect(rows.first).to_contain_text("Imported 1 recording file(s), 250 frames", timeout=240_000)
    expect(rows.first).to_contain_text("MB-rear-trip.mp4")
