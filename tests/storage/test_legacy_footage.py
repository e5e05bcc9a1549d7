"""Footage and packages on schools' disks today keep working after issue 12 §5: a segment blob and a stored
package written by the old code (tests/storage/fixtures/) open through every reader that uses the one read
path — viewing, `watchkeeper check`, the motion and health readers — and a damaged old blob is reported."""

from __future__ import annotations

import json
import shutil
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.factories import CameraFactory
from watchkeeper.evidence import storage as evidence_storage
from watchkeeper.recording.consistency import check
from watchkeeper.recording.models import Segment
from watchkeeper.recording.storage import absolute, blob_path_for, segment_plaintext
from watchkeeper.storage.keys import Unreadable
from watchkeeper.viewing.footage import FootageUnreadable, decrypted

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).with_name("fixtures")
START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
LEGACY = json.loads((FIXTURES / "legacy.json").read_text())


@pytest.fixture(autouse=True)
def school_key(settings, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path
    (tmp_path / "keys").mkdir(mode=0o700)
    shutil.copy(FIXTURES / "school-7.key", tmp_path / "keys" / "school-7.key")


def legacy_segment() -> Segment:
    meta = LEGACY["segment"]
    camera = CameraFactory()
    segment_id = uuid.UUID(meta["id"])
    relative = blob_path_for(camera.pk, camera.school_id, START, segment_id)
    absolute(relative).parent.mkdir(parents=True)
    shutil.copy(FIXTURES / "legacy-segment.wkseg", absolute(relative))
    return Segment.objects.create(
        id=segment_id,
        camera=camera,
        start=START,
        end=START + timedelta(seconds=10),
        duration_ms=10_000,
        bytes=meta["bytes"],
        sha256=meta["sha256"],
        wrapped_key=bytes.fromhex(meta["wrapped_key"]),
        key_id=meta["key_id"],
        blob_path=relative,
        received_at=START,
    )


def test_an_old_segment_blob_is_viewed_and_checked() -> None:
    segment = legacy_segment()
    assert decrypted(segment) == segment_plaintext(segment)
    assert len(decrypted(segment)) == 3200
    report = check()
    assert report.clean and report.verified == 1


def test_a_damaged_old_segment_blob_is_refused_and_reported() -> None:
    segment = legacy_segment()
    path = absolute(segment.blob_path)
    raw = bytearray(path.read_bytes())
    raw[100] ^= 1
    path.write_bytes(bytes(raw))
    with pytest.raises(FootageUnreadable, match="authentication failed"):
        decrypted(segment)
    report = check()
    assert len(report.problems) == 1 and "authentication failed" in report.problems[0]


def test_an_old_stored_package_downloads(tmp_path: Path) -> None:
    meta = LEGACY["package"]
    stored = tmp_path / "exports" / meta["file_id"]
    stored.parent.mkdir()
    shutil.copy(FIXTURES / "legacy-package.wkpkg", stored)
    chunks = evidence_storage.open_file(
        stored, meta["file_id"], bytes.fromhex(meta["wrapped_key"]), "school-7"
    )
    assert len(b"".join(chunks)) == meta["size"]
    with pytest.raises(Unreadable, match="destroyed"):
        evidence_storage.open_file(stored, meta["file_id"], None, "school-7")


def test_a_new_package_is_sealed_in_the_one_format_and_durable(tmp_path: Path) -> None:
    source = tmp_path / "package.zip"
    source.write_bytes(b"PK" + bytes(range(256)) * 9000)
    dest = tmp_path / "exports" / "WK-1.wkpkg"
    sealed = evidence_storage.seal_file(source, dest, dest.name, 7)
    assert dest.read_bytes().startswith(b"WKOBJ\x01") and not dest.with_name(dest.name + ".tmp").exists()
    assert sealed.size == source.stat().st_size
    opened = b"".join(evidence_storage.open_file(dest, dest.name, sealed.wrapped_key, sealed.key_id))
    assert opened == source.read_bytes()
