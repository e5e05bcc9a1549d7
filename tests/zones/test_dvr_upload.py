"""Minibus footage from the web (5.2, issue 16 §3): a DVR file uploaded in pieces, each sealed as it arrives
(no plaintext of it on disk), resumable, then imported by the real job exactly as `import-dvr` imports it,
and the pieces destroyed whatever the outcome. The DVR files and the camera are test_dvr_import's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from tests.factories import CameraFactory, VehicleFactory, person
from tests.permission_case import ViewCase, run_view_case
from tests.zones.dvr_files import DVR_START, OFFSET_MS
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.people.models import Role
from watchkeeper.recording import uploads
from watchkeeper.recording.models import DvrUpload, DvrUploadPiece, Segment, UploadStatus

pytestmark = pytest.mark.django_db
PIECE = 64 * 1024  # small pieces, so that a test file of a few hundred KB comes in several


@pytest.fixture(autouse=True)
def small_pieces(monkeypatch: pytest.MonkeyPatch, settings, tmp_path: Path) -> None:
    monkeypatch.setattr(uploads, "PIECE_BYTES", PIECE)
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def immediate() -> Iterator[None]:
    HUEY.immediate = True
    try:
        yield
    finally:
        HUEY.immediate = False


def finish(admin, upload: DvrUpload) -> None:
    """Finish as the page does, running what the commit runs: the import job (huey immediate), then the
    pieces' blobs removed."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        uploads.finish(admin, upload, now=timezone.now())


@pytest.fixture
def admin(bus_camera):
    return person(Role.CCTV_ADMIN, bus_camera.school)


def begin(admin, camera, path: Path, **kw) -> DvrUpload:
    args = {"filename": path.name, "size": path.stat().st_size, "clock_offset_ms": OFFSET_MS, "start": None}
    return uploads.begin(admin, camera, **{**args, **kw}, now=timezone.now())


def send(admin, upload: DvrUpload, data: bytes, first: int = 0) -> int:
    received = 0
    for index in range(first, -(-len(data) // PIECE)):
        received = uploads.receive(
            admin, upload, index, data[index * PIECE : (index + 1) * PIECE], now=timezone.now()
        )
    return received


def stored_pieces() -> list[Path]:
    return [p for p in uploads.store().root.rglob("*.bin")]


def test_the_pieces_are_sealed_as_they_arrive_and_the_file_imports_as_recordings(
    admin,
    bus_camera,
    files,
    storage,
    immediate,
) -> None:
    data = files.mp4.read_bytes()
    upload = begin(admin, bus_camera, files.mp4)
    assert send(admin, upload, data[: 2 * PIECE]) == 2 * PIECE
    on_disk = b"".join(p.read_bytes() for p in stored_pieces())
    assert len(stored_pieces()) == 2 and b"ftyp" not in on_disk and data[4096:4160] not in on_disk  # 9.3

    # The page was reloaded: choosing the same file again resumes the same upload where it stopped.
    again = begin(admin, bus_camera, files.mp4)
    assert again.pk == upload.pk and uploads.received_bytes(again) == 2 * PIECE
    with pytest.raises(PolicyRefusal, match="the file has not all arrived yet"):
        uploads.finish(admin, again, now=timezone.now())
    assert (
        uploads.receive(admin, again, 1, data[PIECE : 2 * PIECE], now=timezone.now()) == 2 * PIECE
    )  # resent
    with pytest.raises(PolicyRefusal, match="arrived before piece 2"):
        uploads.receive(admin, again, 3, data[3 * PIECE : 4 * PIECE], now=timezone.now())
    send(admin, again, data, first=2)

    finish(admin, again)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.IMPORTED, upload.message
    assert upload.message.startswith("Imported 3 recording file(s), 125 frames")
    assert upload.message.endswith("(UK time).")  # like every other time on the page (found on the walk)
    assert Segment.objects.filter(camera=bus_camera).count() == 3
    assert DvrUploadPiece.objects.count() == 0 and stored_pieces() == []  # destroyed once imported
    (event,) = AuditEvent.objects.filter(action="recording.dvr_imported")
    assert event.actor_id == admin.pk and event.details["file"] == "dvr.mp4"
    assert event.details["file_sha256"] == __import__("hashlib").sha256(data).hexdigest()


def test_a_wrong_file_is_refused_in_plain_words_and_nothing_is_kept(
    admin,
    bus_camera,
    files,
    storage,
    immediate,
) -> None:
    upload = begin(admin, bus_camera, files.text)
    send(admin, upload, files.text.read_bytes())
    finish(admin, upload)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.FAILED
    assert upload.message.startswith("Nothing was imported: notes.txt cannot be read as video")
    assert Segment.objects.count() == 0 and DvrUploadPiece.objects.count() == 0 and stored_pieces() == []


def test_footage_already_imported_is_refused_as_an_overlap(
    admin,
    bus_camera,
    files,
    storage,
    immediate,
) -> None:
    for _ in range(2):
        upload = begin(admin, bus_camera, files.mp4)
        send(admin, upload, files.mp4.read_bytes())
        finish(admin, upload)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.FAILED and "was it imported before?" in upload.message
    assert Segment.objects.filter(camera=bus_camera).count() == 3


def test_only_the_schools_cctv_administrator_uploads(admin, bus_camera, files, storage) -> None:
    upload = begin(admin, bus_camera, files.mp4)
    head = person(Role.HEADTEACHER, bus_camera.school)
    with pytest.raises(PermissionDenied):
        uploads.receive(head, upload, 0, files.mp4.read_bytes()[:PIECE], now=timezone.now())
    with pytest.raises(PermissionDenied):
        begin(head, bus_camera, files.mp4)


def test_a_wrong_sized_piece_is_refused(admin, bus_camera, files, storage) -> None:
    upload = begin(admin, bus_camera, files.mp4)
    with pytest.raises(PolicyRefusal, match=f"piece 0 holds 10 bytes, not {PIECE}"):
        uploads.receive(admin, upload, 0, b"0123456789", now=timezone.now())


def test_an_upload_left_unfinished_for_a_day_is_destroyed(admin, bus_camera, files, storage) -> None:
    upload = begin(admin, bus_camera, files.mp4)
    send(admin, upload, files.mp4.read_bytes()[:PIECE])
    upload.refresh_from_db()
    assert upload.last_piece_at is not None and upload.finished_at is None  # receiving, not finished
    assert uploads.abandon_stale(timezone.now() + timedelta(hours=23)) == 0
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert uploads.abandon_stale(timezone.now() + timedelta(days=1, minutes=1)) == 1
    upload.refresh_from_db()
    assert upload.status == UploadStatus.ABANDONED and upload.finished_at is not None
    assert DvrUploadPiece.objects.count() == 0 and stored_pieces() == []


def test_the_file_start_given_for_mpeg_ts_is_used(admin, bus_camera, files, storage, immediate) -> None:
    upload = begin(admin, bus_camera, files.ts, start=DVR_START)
    send(admin, upload, files.ts.read_bytes())
    finish(admin, upload)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.IMPORTED, upload.message
    first = Segment.objects.filter(camera=bus_camera).order_by("start").first()
    assert first is not None
    assert abs(first.start - (DVR_START - timedelta(milliseconds=OFFSET_MS))) < timedelta(milliseconds=40)


# --- the pages: every request checked on the server (permission cases, issue 14 §6) -----------------------


def _bus(ctx: dict[str, Any]) -> Any:
    vehicle = VehicleFactory(school=ctx["school"])
    ctx["camera"] = CameraFactory(school=ctx["school"], vehicle=vehicle, name="Minibus front")
    return ctx["camera"]


def _upload(ctx: dict[str, Any]) -> None:
    camera = _bus(ctx)
    ctx["upload"] = uploads.begin(
        person(Role.CCTV_ADMIN, ctx["school"]),
        camera,
        filename="trip.mp4",
        size=5,
        clock_offset_ms=0,
        start=None,
        now=timezone.now(),
    )


def _of(name: str, *extra: Any) -> Any:
    return lambda ctx: reverse(f"recording:{name}", args=[ctx["upload"].pk, *extra])


def _received(ctx: dict[str, Any], response: Any) -> None:
    assert response.json() == {"received": 5}


CASES = [
    ViewCase(
        "dvr-page",
        lambda ctx: f"{reverse('recording:dvr_upload')}?school={ctx['school'].pk}",
        Role.CCTV_ADMIN,
        Role.HEADTEACHER,
        setup=_bus,
        check=lambda ctx, r: "Minibus front" in r.content.decode() and "dvr_upload.js" in r.content.decode(),
    ),
    ViewCase(
        "dvr-begin",
        lambda ctx: reverse("recording:dvr_upload_begin"),
        Role.CCTV_ADMIN,
        Role.HEADTEACHER,
        method="post",
        data=lambda ctx: {
            "camera": ctx["camera"].pk,
            "clock_offset_ms": 0,
            "filename": "trip.mp4",
            "size": 9,
        },
        setup=_bus,
        check=lambda ctx, r: r.json()["status"] == "receiving" and r.json()["received"] == 0,
    ),
    ViewCase(
        "dvr-piece",
        _of("dvr_upload_piece", 0),
        Role.CCTV_ADMIN,
        Role.HEADTEACHER,
        method="post",
        data=lambda ctx: {"piece": SimpleUploadedFile("piece", b"12345")},
        setup=_upload,
        check=_received,
    ),
    ViewCase(
        "dvr-status",
        _of("dvr_upload_status"),
        Role.CCTV_ADMIN,
        Role.HEADTEACHER,
        setup=_upload,
        check=lambda ctx, r: r.json()["size"] == 5,
    ),
    ViewCase(
        "dvr-finish",  # not all here yet: the service's refusal, in plain words, as JSON
        _of("dvr_upload_finish"),
        Role.CCTV_ADMIN,
        Role.HEADTEACHER,
        method="post",
        ok=(400,),
        setup=_upload,
        check=lambda ctx, r: "the file has not all arrived yet" in r.json()["error"],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_permission_case(case: ViewCase, school, other_school) -> None:
    run_view_case(case, {"school": school, "other_school": other_school})
