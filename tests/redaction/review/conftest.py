"""Fixtures for the redaction review tests: a data dir of the test's own, huey in immediate mode (its own
feature: a task runs in the caller's thread through the same signals as in the worker), and real footage
with faces — h3's labelled clip (tests/redaction/clips.py) re-encoded with a key frame every second and cut
into 1-second segments by the recording app's own segmenter, then sealed through its write path."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import TestCase
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from tests.factories import CameraFactory, person
from tests.redaction.clips import small_clip
from tests.viewing.conftest import approved
from tests.viewing.footage import clip_segments, store_footage
from watchkeeper.people.models import Role

RECORDED = (timezone.now() - timedelta(hours=1)).replace(microsecond=0).astimezone(UTC)
S = timedelta(seconds=1)


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def immediate() -> Iterator[None]:
    HUEY.immediate = True
    try:
        yield
    finally:
        HUEY.immediate = False


@contextmanager
def committed() -> Iterator[None]:
    """Around a service call that queues a job: run what its transaction's commit would run (the test's own
    transaction never commits) — with huey in immediate mode, the job itself."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        yield


def face_pieces(directory: Path) -> list[tuple[bytes, float]]:
    """Three 1-second segments of 640×360 H.264 with four faces and a walking person."""
    clip = small_clip(directory / "faces.mp4", audio=False)
    gop = directory / "faces-gop.mp4"
    command = ["ffmpeg", "-v", "error", "-y", "-i", str(clip.path), "-c:v", "libx264", "-g", "25", "-bf", "0"]
    command += ["-preset", "ultrafast", "-crf", "18", "-an", str(gop)]
    subprocess.run(command, check=True, timeout=120)
    return clip_segments(gop, seconds=1)


@pytest.fixture(scope="session")
def pieces(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[bytes, float]]:
    return face_pieces(tmp_path_factory.mktemp("redaction-clip"))


@pytest.fixture
def scene(school: Any, pieces: list[tuple[bytes, float]]) -> dict[str, Any]:
    """A reviewer at `school` with an approved authorisation over three recorded segments of a camera."""
    camera = CameraFactory(school=school, name="Main gate")
    segments = store_footage(camera, RECORDED, pieces)
    reviewer = person(Role.FOOTAGE_REVIEWER, school)
    auth = approved(reviewer, [camera], RECORDED - S, RECORDED + 4 * S)
    return {"camera": camera, "segments": segments, "reviewer": reviewer, "auth": auth}
