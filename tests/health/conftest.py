"""Fixtures for the health tests: a data dir per test, cameras the gates allow, and real segments made
from short ffmpeg clips with the recording app's own write path (sealed, written, indexed)."""

from __future__ import annotations

import functools
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.factories import ApprovedDPIAFactory, CameraFactory, SignFactory
from tests.recording.helpers import store
from watchkeeper.estate.models import CameraStatus
from watchkeeper.health.clock import ServerClock
from watchkeeper.recording.models import CameraState, StreamState


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


@functools.cache
def clip(source: str, seconds: float = 4, gop: int = 25, vf: str = "null") -> bytes:
    """A fragmented MP4 like the recorder's segments, encoded by ffmpeg into memory — never a file."""
    lavfi = f"{source}{':' if '=' in source else '='}size=640x360:rate=25"
    encode = f"-c:v libx264 -preset veryfast -g {gop} -bf 0 -pix_fmt yuv420p -f mp4"
    command = ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", lavfi, "-t", str(seconds), "-vf", vf]
    command += [*encode.split(), "-movflags", "frag_keyframe+empty_moov+default_base_moof", "pipe:1"]
    return subprocess.run(command, check=True, capture_output=True).stdout


MOVING = "testsrc2"  # a moving test picture with sharp edges
BLACK = "color=c=black"


def allowed_camera(school, **kwargs):
    """An active camera the gates allow: an approved DPIA covers it and the school has a checked sign."""
    kwargs.setdefault("status", CameraStatus.ACTIVE)
    camera = CameraFactory(school=school, **kwargs)
    ApprovedDPIAFactory(school=school, cameras=[camera])
    SignFactory(school=school)
    return camera


def recording_now(camera, now: datetime) -> CameraState:
    """What the recorder says while it records the camera (it refreshes this every few seconds)."""
    state, _ = CameraState.objects.update_or_create(
        camera=camera,
        defaults={
            "state": StreamState.RECORDING,
            "since": now - timedelta(hours=1),
            "detail": "",
            "updated_at": now,
        },
    )
    return state


def segment(camera, end: datetime, plaintext: bytes, seconds: float = 4):
    return store(camera, end - timedelta(seconds=seconds), seconds, plaintext)


SYNCHRONISED = ServerClock(True, 0.01, "test clock")


@pytest.fixture(autouse=True)
def server_in_time(monkeypatch):
    """The server's own clock is synchronised unless a test says otherwise: the checks must not depend on
    the clock of the machine running the tests (health/clock.py)."""
    monkeypatch.setattr("watchkeeper.health.clock.read_server_clock", lambda: SYNCHRONISED)
