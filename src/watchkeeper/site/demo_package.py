"""The demo's sealed evidence package (issue 5 §2): `watchkeeper demo` leaves one in the data dir with its
password, so a newcomer can run `watchkeeper export verify` (design/evidence.md "The demo package").

The demo has no recordings when it is made, so a 12 s clip of the demo's school scene (recording/scene.py,
640×360, the camera's name and time burned in) is cut into three segments by the recorder's segmenter and
muxer and stored as encrypted segments of the demo's "Main gate" camera through the recording write path,
two hours ago. Then the real
download path runs: a request (SYSTEM), the Headteacher's authorisation with an authenticator code, and the
build job — run in-process, so the package is ready when the command ends even with no worker running.
The stored copy (encrypted at rest) is fetched once, as the Headteacher, into <data dir>/demo-package.zip.
DEMO ONLY: the password is written to files next to it, which a real package's password never is (11.6).
"""

from __future__ import annotations

import tempfile
import time
import uuid
from datetime import datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from watchkeeper.core.actors import SYSTEM, Person
from watchkeeper.estate.models import Camera, School

SCHOOL, CAMERA, HEAD = "Oakfield Primary School", "Main gate", "head-oak"
REASON = "Demo evidence package (demo data only): try `watchkeeper export verify` on it"
CLIP_SECONDS = 12
SEGMENT_SECONDS = 4  # the clip is 12 s with a key frame every 2 s: three segments


def package_paths() -> tuple[Path, Path]:
    """(the demo package, the file holding its password)."""
    data = Path(settings.DATA_DIR)
    return data / "demo-package.zip", data / "demo-package-password.txt"


def build_demo_package(trust_name: str, now: datetime) -> tuple[Path, str] | None:
    """Make the demo package unless it exists (idempotent: the request's reason marks it). Returns (the
    ZIP, its password), or None when there was nothing to do."""
    from watchkeeper.evidence.models import DownloadRequest

    school = School.objects.filter(trust__name=trust_name, name=SCHOOL).first()
    if school is None or DownloadRequest.objects.filter(school=school, reason=REASON).exists():
        return None
    camera = Camera.objects.get(school=school, name=CAMERA)
    head = get_user_model().objects.get(username=HEAD)
    start = now.replace(microsecond=0) - timedelta(hours=2)
    end = store_demo_footage(camera, start)
    password = _request_and_build(school, camera, head, start, end, now)
    return _fetch(head, school, password, now), password


def store_demo_footage(camera: Camera, start: datetime) -> datetime:
    """Three segments of the demo's gate scene as `camera`'s recordings from `start`, sealed and stored as
    the recorder stores them (recording.crypto.seal, recording.storage.store_segment). Returns their end."""
    from django.utils import timezone

    from watchkeeper.recording import crypto, storage
    from watchkeeper.recording.scene import render

    with tempfile.TemporaryDirectory(prefix="wk-demo-clip-") as tmp:
        clip = render(
            Path(tmp) / "clip.mp4", "gate", CLIP_SECONDS, label=camera.name, start=timezone.localtime(start)
        )
        segments = recorder_segments(clip, SEGMENT_SECONDS)
    key_id = crypto.school_key_id(camera.school_id)
    key = crypto.school_key(key_id)
    at = start
    for plaintext, seconds in segments:
        new = storage.NewSegment(
            id=uuid.uuid4(),
            camera_id=camera.pk,
            school_id=camera.school_id,
            start=at,
            end=at + timedelta(seconds=seconds),
            received_at=at,
            clock_offset_ms=0,
        )
        storage.store_segment(new, crypto.seal(plaintext, new.id, key_id, key))
        at = new.end
    return at


def recorder_segments(clip: Path, seconds: float) -> list[tuple[bytes, float]]:
    """(fragmented MP4, duration) per segment, cut and muxed by the recorder's own segmenter and muxer."""
    import av

    from watchkeeper.recording.muxer import SegmentMuxer
    from watchkeeper.recording.segmenter import Merger, Segmenter

    segments: list[tuple[bytes, float]] = []
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        time_base = Fraction(stream.time_base or Fraction(1, 90000))
        merger, segmenter = Merger(), Segmenter(time_base, seconds)
        current: Any = None
        first = 0
        units = [
            unit
            for packet in container.demux(stream)
            for unit in merger.push(packet, packet.pts, packet.dts, packet.is_keyframe, packet.duration or 0)
        ]
        for unit in [*units, *merger.flush()]:
            decision = segmenter.accept(unit)
            if decision.cut is not None and current is not None:
                segments.append((current.close(), float((decision.cut - first) * time_base)))
                current = None
            if decision.start:
                current, first = SegmentMuxer(stream, time_base, unit), unit.pts
            elif decision.take and current is not None:
                current.add(unit)
        end = segmenter.finish()
        if current is not None and end is not None:
            segments.append((current.close(), float((end - first) * time_base)))
    return segments


def _request_and_build(
    school: School, camera: Camera, head: Any, start: datetime, end: datetime, now: datetime
) -> str:
    """The download path as the app runs it; the build job runs in this process (huey immediate mode). The
    request and its decision commit together, so the notice telling the Headteacher that a download waits
    is dropped (notices.services: what waited was decided before the message would leave) — the demo's
    mail folder holds no errand that is already done. The build job is queued on that commit."""
    from huey.contrib.djhuey import HUEY

    immediate = HUEY.immediate
    HUEY.immediate = True  # the job runs when the decision commits, here, not in a worker
    try:
        with transaction.atomic():
            req, decided = _request_and_decide(school, camera, head, start, end, now)
    finally:
        HUEY.immediate = immediate
    req.refresh_from_db()
    if decided.password is None or not req.downloads.exists():
        raise RuntimeError(f"the demo package could not be built: {req.failure or req.status}")
    return decided.password


def _request_and_decide(
    school: School, camera: Camera, head: Any, start: datetime, end: datetime, now: datetime
) -> tuple[Any, Any]:
    from watchkeeper.evidence import services as evidence
    from watchkeeper.evidence.models import Purpose
    from watchkeeper.viewing.models import ReasonCategory

    req = evidence.request_download(
        SYSTEM,
        school=school,
        cameras=[camera],
        start=start,
        end=end,
        purpose=Purpose.INTERNAL,
        reason_category=ReasonCategory.SAFEGUARDING,
        reason=REASON,
        recipient_name="Demo recipient",
        recipient_organisation="Demo only",
        now=now,
    )
    return req, evidence.decide_download(head, req, approve=True, otp_code=_previous_code(head), now=now)


def _previous_code(user: Person) -> str:
    """The authenticator code of the step just gone. django-otp accepts one step either side and then refuses
    codes up to the one it matched (replay), so this leaves the *current* code unused: the Headteacher (or a
    browser test) can sign in with it straight after the demo. Waits out the last seconds of a step so the
    code is still within the window when it is checked."""
    device = TOTPDevice.objects.get(user=user)
    left = device.step - (time.time() - device.t0) % device.step
    if left < 2:
        time.sleep(left + 0.1)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift - 1)
    return f"{code:0{device.digits}d}"


def _fetch(head: Any, school: School, password: str, now: datetime) -> Path:
    """The stored copy, fetched once as the Headteacher (audited), as a plain password-protected ZIP."""
    from watchkeeper.evidence import services as evidence
    from watchkeeper.evidence.models import Download

    download = Download.objects.get(request__school=school, request__reason=REASON)
    zip_path, password_path = package_paths()
    partial = zip_path.with_name(zip_path.name + ".partial")
    with partial.open("wb") as out:
        for chunk in evidence.fetch_copy(head, download, now=now):
            out.write(chunk)
    partial.replace(zip_path)
    password_path.write_text(password + "\n")
    password_path.chmod(0o600)
    return zip_path


def add_demo_package(trust_name: str, credentials: Path, now: datetime) -> Path | None:
    """Make the demo package unless it exists and add its password to the demo credentials file. Returns the
    package's path, or None when there was nothing to do.

    The build job runs when the authorisation commits. Inside a caller's transaction (the test suite calls
    the demo in-process) nothing commits, so no package is made there: tests/core/test_demo.py runs the
    real command in its own process for it."""
    if transaction.get_connection().in_atomic_block:
        return None
    made = build_demo_package(trust_name, now)
    if made is None:
        return None
    zip_path, password = made
    existing = credentials.read_text() if credentials.exists() else ""
    credentials.write_text(existing + credentials_text(zip_path, password))
    credentials.chmod(0o600)
    return zip_path


def credentials_text(zip_path: Path, password: str) -> str:
    """The demo credentials file's section on the package."""
    _, password_path = package_paths()
    return (
        "\nDemo evidence package — DEMO ONLY: a real package's password is shown once and never written down "
        "(11.6).\n"
        f"  package:  {zip_path}\n"
        f"  password: {password}   (also alone in {password_path})\n"
        f"  try:      watchkeeper export verify {zip_path} --password-file {password_path}\n"
        "  or open it in 7-Zip with the password and play working-copy.mp4 in VLC.\n"
    )
