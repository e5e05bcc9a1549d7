"""Reference frames taken by the job worker, not the web process (issue 14 §5; recording/reference_frames.py):
what the page is told as time passes (pure), the picture sealed at rest and shown once, and the purge."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.factories import CameraFactory, person
from tests.recording.conftest import Simulator
from watchkeeper.people.models import Role
from watchkeeper.recording import reference_frames
from watchkeeper.recording.models import FrameState, ReferenceFrame
from watchkeeper.recording.reference_frames import KEEP, WAIT_FOR_CAMERA, WAIT_FOR_WORKER, state_at
from watchkeeper.recording.simulator import stream_url

T0 = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)
S = dt.timedelta(seconds=1)


@pytest.mark.clause("9.3")
@pytest.mark.parametrize(
    ("state", "taken_at", "now", "told"),
    [
        (FrameState.QUEUED, None, T0 + WAIT_FOR_WORKER, FrameState.QUEUED),
        (FrameState.QUEUED, None, T0 + WAIT_FOR_WORKER + S, FrameState.FAILED),  # no worker took it
        (FrameState.TAKING, T0 + S, T0 + S + WAIT_FOR_CAMERA, FrameState.TAKING),
        (FrameState.TAKING, T0 + S, T0 + 2 * S + WAIT_FOR_CAMERA, FrameState.FAILED),  # camera silent
        (FrameState.READY, T0 + S, T0 + S + KEEP, FrameState.READY),
        (FrameState.READY, T0 + S, T0 + 2 * S + KEEP, FrameState.FAILED),  # kept a few minutes only
        (FrameState.SHOWN, T0 + S, T0 + 2 * S, FrameState.FAILED),  # shown once
        (FrameState.FAILED, T0 + S, T0 + 2 * S, FrameState.FAILED),
    ],
)
def test_what_the_page_is_told_as_time_passes(state, taken_at, now, told) -> None:
    progress = state_at(state, T0, taken_at, "", now)
    assert progress.state == told
    assert bool(progress.problem) == (told == FrameState.FAILED and state != FrameState.FAILED)


@pytest.fixture
def camera(settings: Any, tmp_path: Any, school: Any, simulator: Simulator) -> Any:
    settings.DATA_DIR = tmp_path
    return CameraFactory(school=school, main_stream_url=stream_url(simulator.port, 1))


@pytest.mark.django_db
@pytest.mark.clause("9.3", "9.6")
def test_the_picture_is_sealed_at_rest_shown_once_and_taken_once(
    camera, school, django_capture_on_commit_callbacks
) -> None:
    admin = person(Role.CCTV_ADMIN, school)
    frame = reference_frames.ask(camera, admin, [], whole=False, now=T0)
    assert list(reference_frames.store().list()) == []  # asking takes nothing from the camera
    taken = reference_frames.take(str(frame.pk), now=T0 + S)
    assert taken is not None and taken.state == FrameState.READY and taken.size > 1000
    assert reference_frames.take(str(frame.pk), now=T0 + 2 * S) is None  # a job run twice takes nothing
    (name,) = reference_frames.store().list()
    stored = reference_frames.store().path(name).read_bytes()
    assert b"\xff\xd8\xff" not in stored and b"JFIF" not in stored  # ciphertext, not a JPEG
    with django_capture_on_commit_callbacks(execute=True):
        _, jpeg = reference_frames.open_once(frame.pk, now=T0 + 3 * S)
    assert jpeg[:2] == b"\xff\xd8"
    assert list(reference_frames.store().list()) == []
    with pytest.raises(Exception, match="not ready, or is no longer kept"):
        reference_frames.open_once(frame.pk, now=T0 + 4 * S)


@pytest.mark.django_db
@pytest.mark.clause("9.3", "13.1")
def test_pictures_not_shown_are_purged_after_a_few_minutes(camera, school) -> None:
    admin = person(Role.CCTV_ADMIN, school)
    old = reference_frames.ask(camera, admin, [], whole=False, now=T0)
    reference_frames.take(str(old.pk), now=T0 + S)
    new = reference_frames.ask(camera, admin, [], whole=False, now=T0 + KEEP)
    assert reference_frames.purge(T0 + KEEP + S) == 1
    assert list(ReferenceFrame.objects.values_list("pk", flat=True)) == [new.pk]
    assert list(reference_frames.store().list()) == []
