"""Reference frames taken by the job worker, not the web process (issue 14 §5; 5.3, 8.1, 9.3, 9.6;
design/recording.md "Reference frames").

A camera's stream address can name any host: the web process, which faces people, never connects to one.
The privacy-zone editor asks for a picture (`ask`, from estate.services, which decides who may see it and
with which zones blacked out); the job worker takes it from the camera (`take`, with recording.reference)
and keeps it sealed like every other stored picture (storage app), under the school key; the page asks
how it is going (`state_at`) and shows it once (`open_once`, which deletes it). Whatever is not shown is
deleted within KEEP (`purge`, every 10 minutes).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.estate import streams
from watchkeeper.estate.models import Camera
from watchkeeper.jobs.queue import enqueue_on_commit
from watchkeeper.recording.models import FrameState, ReferenceFrame
from watchkeeper.recording.reference import FrameUnavailable, grab_jpeg
from watchkeeper.storage import sealing
from watchkeeper.storage.keys import school_key_id
from watchkeeper.storage.store import LocalStore, ObjectMissing

# A picture not shown within this is deleted: long enough to open the editor, short enough that pictures
# of the school do not pile up (9.3, 13.1).
KEEP = timedelta(minutes=5)
# How long the page waits for the worker to start (an idle huey worker polls at most every 10 s), then for
# the camera (recording.reference gives up after 8 s), before saying there is no picture.
WAIT_FOR_WORKER = timedelta(seconds=15)
WAIT_FOR_CAMERA = timedelta(seconds=30)


@dataclass(frozen=True)
class Progress:
    state: str  # a FrameState value
    problem: str = ""


def store() -> LocalStore:
    return LocalStore(Path(settings.DATA_DIR) / "reference-frames")


def object_name(frame: ReferenceFrame) -> str:
    return f"{frame.camera.school_id}/{frame.pk}.bin"


def ask(camera: Camera, requested_by: Any, zones: list[Any], *, whole: bool, now: datetime) -> ReferenceFrame:
    """A request row, and the job that takes the picture once the caller's transaction commits. The
    caller (estate.services.request_reference_frame) has checked who may ask, and audits it."""
    from watchkeeper.recording.tasks import reference_frame_take

    frame = ReferenceFrame.objects.create(
        camera=camera, requested_by=requested_by, requested_at=now, zones=zones, whole=whole
    )
    enqueue_on_commit(reference_frame_take, str(frame.pk), school_id=camera.school_id)
    return frame


def _claim(frame_id: str, now: datetime) -> ReferenceFrame | None:
    """The queued request, marked as being taken (once: a job run twice takes nothing the second time)."""
    with transaction.atomic():
        frame = (
            ReferenceFrame.objects.select_for_update()
            .select_related("camera")
            .filter(pk=frame_id, state=FrameState.QUEUED)
            .first()
        )
        if frame is None:
            return None
        frame.state, frame.taken_at = FrameState.TAKING, now
        frame.save(update_fields=["state", "taken_at"])
        return frame


@enforces("9.3", "8.1")
def take(frame_id: str, *, now: datetime) -> ReferenceFrame | None:
    """In the job worker: one key frame from the camera, the asked-for zones blacked out, sealed under the
    school key. None when the request is gone or was taken already."""
    frame = _claim(frame_id, now)
    if frame is None:
        return None
    try:
        jpeg = grab_jpeg(streams.stream_address(frame.camera), zones=frame.zones)
    except FrameUnavailable as error:
        frame.state, frame.problem = FrameState.FAILED, str(error)[:300]
        frame.save(update_fields=["state", "problem"])
        return frame
    key_id = school_key_id(frame.camera.school_id)
    sealed = sealing.put_sealed(store(), object_name(frame), [jpeg], str(frame.pk), key_id)
    frame.key_id, frame.wrapped_key, frame.size, frame.sha256 = (
        key_id,
        sealed.wrapped_key,
        sealed.size,
        sealed.sha256,
    )
    frame.state = FrameState.READY
    frame.save(update_fields=["key_id", "wrapped_key", "size", "sha256", "state"])
    return frame


def state_at(
    state: str, requested_at: datetime, taken_at: datetime | None, problem: str, now: datetime
) -> Progress:
    """What the page says of a request `now` (pure): a request the worker has not started, or a camera
    that has not answered, in time is no picture; a picture kept longer than KEEP is gone."""
    if state == FrameState.QUEUED and now > requested_at + WAIT_FOR_WORKER:
        return Progress(FrameState.FAILED, "the job worker did not take the request (is it running?)")
    if state == FrameState.TAKING and taken_at is not None and now > taken_at + WAIT_FOR_CAMERA:
        return Progress(FrameState.FAILED, "the camera did not give a picture in time")
    if state == FrameState.READY and taken_at is not None and now > taken_at + KEEP:
        return Progress(FrameState.FAILED, "the picture was kept only a few minutes: reload the page")
    if state == FrameState.SHOWN:
        return Progress(FrameState.FAILED, "the picture was shown once already: reload the page")
    return Progress(state, problem)


def progress_of(frame: ReferenceFrame, now: datetime) -> Progress:
    return state_at(frame.state, frame.requested_at, frame.taken_at, frame.problem, now)


@enforces("9.3")
def open_once(frame_id: uuid.UUID | str, *, now: datetime) -> tuple[ReferenceFrame, bytes]:
    """The JPEG of a ready picture, which is then deleted: shown once (the caller audits the showing in
    this transaction). Refuses a picture that is not ready, or no longer kept."""
    with transaction.atomic():
        frame = ReferenceFrame.objects.select_for_update().select_related("camera").get(pk=frame_id)
        if progress_of(frame, now).state != FrameState.READY:
            raise PolicyRefusal("9.3: that picture is not ready, or is no longer kept — reload the page")
        opening = sealing.Opening(str(frame.pk), bytes(frame.wrapped_key or b""), frame.key_id)
        try:
            jpeg = sealing.read_object(store(), object_name(frame), opening)
        except ObjectMissing:
            raise PolicyRefusal("9.3: that picture is no longer kept — reload the page") from None
        if hashlib.sha256(jpeg).hexdigest() != frame.sha256:
            raise PolicyRefusal("9.3: that picture does not match what was taken")
        frame.state = FrameState.SHOWN
        frame.save(update_fields=["state"])
        name = object_name(frame)
        transaction.on_commit(lambda: store().delete(name))
    return frame, jpeg


def purge(now: datetime) -> int:
    """Delete every request older than KEEP, and its sealed picture if one is still kept."""
    old = list(ReferenceFrame.objects.filter(requested_at__lt=now - KEEP).select_related("camera"))
    names = [object_name(frame) for frame in old]
    ReferenceFrame.objects.filter(pk__in=[frame.pk for frame in old]).delete()
    store().delete_many(names)
    return len(old)
