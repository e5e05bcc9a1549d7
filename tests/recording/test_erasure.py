"""13.1 "erased before disposal": a decommissioned camera's recordings and a retired storage device's are
erased and certified; the certificate's figures are checked against the database and the disk themselves."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from tests.factories import CameraFactory, SchoolFactory, person
from tests.recording.helpers import store
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.estate.models import CameraStatus
from watchkeeper.people.models import Role
from watchkeeper.recording import conf
from watchkeeper.recording.erasure import backups_expire_on, erase_camera, erase_storage
from watchkeeper.recording.erasure_pdf import certificate_pdf, paragraphs
from watchkeeper.recording.models import ErasureKind, Hold, Segment
from watchkeeper.recording.pending import PENDING_DIR

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
DAY = NOW - timedelta(days=2)


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    settings.WATCHKEEPER_RECORDINGS_DIR = ""
    return tmp_path


def on_disk(segment: Segment) -> bool:
    return (conf.storage_dir() / segment.blob_path).exists()


def hold(camera, start: datetime, end: datetime) -> Hold:
    placed = Hold.objects.create(
        school=camera.school, start=start, end=end, reason="Incident 7", review_on=date(2027, 1, 1)
    )
    placed.cameras.set([camera])
    return placed


def test_the_date_every_backup_has_expired_by():
    assert backups_expire_on(NOW, 30) == date(2027, 1, 6)
    assert backups_expire_on(NOW, 0) == date(2026, 12, 7)


@pytest.mark.clause("13.1", "R11")
def test_only_a_decommissioned_cameras_recordings_are_erased_and_only_by_its_cctv_administrator(school):
    camera = CameraFactory(school=school, status=CameraStatus.SUSPENDED)
    store(camera, DAY)
    admin = person(Role.CCTV_ADMIN, school)
    with pytest.raises(PolicyRefusal, match="decommission the camera first"):
        erase_camera(admin, camera, "Sold", now=NOW)
    camera.status = CameraStatus.DECOMMISSIONED
    camera.save()
    with pytest.raises(PermissionDenied):
        erase_camera(person(Role.CCTV_ADMIN, SchoolFactory()), camera, "Sold", now=NOW)
    with pytest.raises(PermissionDenied):
        erase_camera(person(Role.HEADTEACHER, school), camera, "Sold", now=NOW)
    with pytest.raises(PolicyRefusal, match="needs a reason"):
        erase_camera(admin, camera, "  ", now=NOW)
    assert Segment.objects.filter(camera=camera).count() == 1


@pytest.mark.clause("13.1", "R11", "9.6")
def test_a_decommissioned_camera_is_erased_except_what_a_hold_keeps_and_the_certificate_is_true(
    school, settings
):
    settings.WATCHKEEPER_BACKUP_RETENTION_DAYS = 45
    camera = CameraFactory(school=school, status=CameraStatus.DECOMMISSIONED, name="Old gate")
    other = CameraFactory(school=school, status=CameraStatus.ACTIVE)
    erased = [store(camera, DAY + timedelta(seconds=10 * i)) for i in range(3)]
    held = store(camera, DAY - timedelta(days=1))
    hold(camera, held.start, held.end)
    untouched = store(other, DAY)
    admin = person(Role.CCTV_ADMIN, school)

    certificate = erase_camera(admin, camera, "Camera replaced; old unit to the WEEE skip", now=NOW)

    # The figures, then the truth of each against the database and the disk.
    assert (certificate.kind, certificate.camera, certificate.school) == (ErasureKind.CAMERA, camera, school)
    assert (certificate.segments_erased, certificate.kept_by_holds, certificate.files_deleted) == (3, 1, 3)
    assert certificate.bytes_erased == sum(s.bytes for s in erased)
    assert (certificate.footage_from, certificate.footage_to) == (erased[0].start, erased[-1].end)
    assert certificate.cameras == [
        {
            "camera": "Old gate",
            "count": 3,
            "from": erased[0].start.isoformat(),
            "to": erased[-1].end.isoformat(),
        }
    ]
    assert (certificate.keys_remaining, certificate.files_remaining) == (0, 0)
    assert not Segment.objects.filter(pk__in=[s.pk for s in erased]).exists()  # keys gone from the DB
    assert not any(on_disk(s) for s in erased)  # blobs gone from the disk
    assert Segment.objects.filter(pk=held.pk).exists() and on_disk(held)  # 9.6: kept
    assert Segment.objects.filter(pk=untouched.pk).exists() and on_disk(untouched)
    assert (certificate.by, certificate.by_name, certificate.erased_at) == (admin, admin.username, NOW)
    assert certificate.backup_retention_days == 45
    assert certificate.backups_expire_on == date(2027, 1, 21)

    event = AuditEvent.objects.get(action="recording.erased_for_disposal")
    assert (event.school, event.actor, event.details["segments_erased"]) == (school, admin, 3)
    assert event.details["backups_expire_on"] == "2027-01-21"

    text = "\n".join(paragraphs(certificate))
    assert "erased the recordings of the camera Old gate" in text
    assert "What was erased: 3 recording file(s)" in text and "Keys destroyed: 3." in text
    assert "1 recording file(s) under a hold (policy 9.6) were not erased" in text
    assert "0 key(s) of the erased recording files left in the database, 0 of their file(s) left" in text
    assert "backup retention of 45 day(s), every such backup has expired by 21/01/2027" in text
    assert "memory card" in text
    # True about what it does not reach: copies already taken out keep their own retention (13.2).
    assert "evidence packages (listed in the CCTV log) and approved redacted copies" in text
    assert "deleted by their own retention (policy 13.2), not by this erasure" in text
    assert certificate_pdf(certificate).startswith(b"%PDF")


@pytest.mark.clause("13.1", "R11")
def test_a_retired_storage_device_is_erased_keys_and_files_and_the_certificate_counts_true(school, tmp_path):
    camera = CameraFactory(school=school, status=CameraStatus.ACTIVE, name="Hall")
    on_device = [store(camera, DAY + timedelta(seconds=10 * i)) for i in range(2)]
    elsewhere = store(camera, NOW - timedelta(hours=1))  # not on the retired disk: kept
    device = tmp_path / "old-disk"
    for segment in on_device:
        copy = device / segment.blob_path
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(conf.storage_dir() / segment.blob_path, copy)
    keyless = device / "1/1/2026-11-01/00000000-0000-4000-8000-000000000001.wkseg"
    keyless.parent.mkdir(parents=True)
    keyless.write_bytes(b"ciphertext whose key retention destroyed")
    admin = person(Role.CCTV_ADMIN, school)

    certificate = erase_storage(admin, device, "Disk replaced, going to the shredder", now=NOW)

    assert certificate.kind == ErasureKind.STORAGE and certificate.storage_root == str(device.resolve())
    assert (certificate.segments_erased, certificate.files_deleted, certificate.files_without_key) == (
        2,
        3,
        1,
    )
    assert (certificate.keys_remaining, certificate.files_remaining) == (0, 0)
    assert not Segment.objects.filter(pk__in=[s.pk for s in on_device]).exists()
    assert not list(device.rglob("*.wkseg"))
    assert not any(on_disk(s) for s in on_device)  # the live copies too: their keys are gone anyway
    assert Segment.objects.filter(pk=elsewhere.pk).exists() and on_disk(elsewhere)
    assert certificate.school == school
    assert "had already lost their keys" in "\n".join(paragraphs(certificate))


@pytest.mark.clause("13.1", "9.6")
def test_a_storage_device_holding_held_or_waiting_recordings_is_refused(school, tmp_path):
    camera = CameraFactory(school=school, status=CameraStatus.ACTIVE)
    segment = store(camera, DAY)
    hold(camera, segment.start, segment.end)
    admin = person(Role.CCTV_ADMIN, school)
    with pytest.raises(PolicyRefusal, match="under a hold"):
        erase_storage(admin, conf.storage_dir(), "Disk replaced", now=NOW)
    assert Segment.objects.filter(pk=segment.pk).exists() and on_disk(segment)

    waiting = tmp_path / "other-disk" / PENDING_DIR / "record.json"
    waiting.parent.mkdir(parents=True)
    waiting.write_text("{}")
    with pytest.raises(PolicyRefusal, match="watchkeeper check"):
        erase_storage(admin, tmp_path / "other-disk", "Disk replaced", now=NOW)


@pytest.mark.clause("13.1")
def test_the_command_erases_and_writes_the_pdf(school, tmp_path):
    camera = CameraFactory(school=school, status=CameraStatus.DECOMMISSIONED)
    segment = store(camera, DAY)
    admin = person(Role.CCTV_ADMIN, school)
    pdf = tmp_path / "certificate.pdf"
    call_command(
        "erase_for_disposal",
        "camera",
        str(camera.pk),
        "--by",
        admin.username,
        "--reason",
        "Sold",
        "--pdf",
        str(pdf),
    )
    assert pdf.read_bytes().startswith(b"%PDF")
    assert not Segment.objects.filter(pk=segment.pk).exists() and not on_disk(segment)
    with pytest.raises(CommandError, match="no active user"):
        call_command("erase_for_disposal", "camera", str(camera.pk), "--by", "nobody", "--reason", "Sold")
