"""DPIA documents and sign photos (7.1, 6.1) are sealed at rest like every other file (9.1; issue 14 §5),
accepted by their content rather than their name, and a replaced sign photo leaves no file behind."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.compliance.helpers import PDF, PHOTO, pdf, photo, streamed
from tests.factories import CameraFactory, DPIAFactory, SignFactory, person
from tests.subjectaccess.racing import race_database  # noqa: F401
from watchkeeper.compliance import files
from watchkeeper.compliance.models import DPIADocument, SealedFile, Sign
from watchkeeper.compliance.services import attach_dpia_document, record_sign_check
from watchkeeper.core.actors import SYSTEM
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.filetypes import DOCX, JPEG, detect, upload_problem
from watchkeeper.core.filetypes import PDF as PDF_TYPE
from watchkeeper.people.models import Role

pytestmark = pytest.mark.django_db
EXE = b"MZ\x90\x00\x03 a program pretending to be a PDF"


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", EXE)
    return buffer.getvalue()


@pytest.fixture
def draft(school):
    return DPIAFactory(school=school, title="Main gate DPIA", cameras=[CameraFactory(school=school)])


@pytest.fixture
def as_head(signed_in, school):
    return signed_in(person(Role.HEADTEACHER, school))


def _object(stored: SealedFile) -> Path:
    return files.store().path(files.object_name(stored.school_id, stored.pk))


# --- detection by content (pure) -------------------------------------------------------------------------


def test_types_come_from_content_not_names() -> None:
    assert detect(PDF) == PDF_TYPE and detect(PHOTO) == JPEG and detect(docx()) == DOCX
    assert detect(EXE) is None and detect(plain_zip()) is None and detect(b"") is None
    assert "its content was checked" in (upload_problem("dpia.pdf", EXE, 10_000) or "")
    assert upload_problem("scan.jpg", PDF, 10_000) is None  # a PDF by any name is a PDF
    assert "not a JPEG, PNG" in (upload_problem("sign.jpg", PDF, 10_000, pictures_only=True) or "")


# --- sealed at rest --------------------------------------------------------------------------------------


@pytest.mark.clause("9.1")
def test_a_dpia_document_is_sealed_at_rest_and_opens_for_download(as_head, draft) -> None:
    response = as_head.post(reverse("compliance:dpia_document_upload", args=[draft.pk]), {"file": pdf()})
    assert response.status_code == 302
    document = DPIADocument.objects.get()
    raw = _object(document.stored).read_bytes()
    assert raw.startswith(b"WKOBJ\x01") and PDF[:20] not in raw
    assert not any(Path(settings.MEDIA_ROOT).rglob("*.pdf")) if Path(settings.MEDIA_ROOT).exists() else True
    download = as_head.get(reverse("compliance:dpia_document_download", args=[document.pk]))
    assert streamed(download) == PDF and download["Content-Type"] == "application/pdf"


@pytest.mark.clause("7.1")
@pytest.mark.parametrize("content", [EXE, plain_zip()], ids=["program", "zip"])
def test_a_file_named_as_a_pdf_but_not_one_is_refused(as_head, draft, content: bytes) -> None:
    upload = SimpleUploadedFile("dpia.pdf", content, content_type="application/pdf")
    response = as_head.post(reverse("compliance:dpia_document_upload", args=[draft.pk]), {"file": upload})
    assert response.status_code == 400
    assert "its content was checked, not its name" in response.content.decode()
    assert not DPIADocument.objects.exists() and not SealedFile.objects.exists()
    with pytest.raises(PolicyRefusal, match="its content was checked"):
        attach_dpia_document(SYSTEM, draft, SimpleUploadedFile("dpia.pdf", content))


def test_an_office_document_is_accepted(draft) -> None:
    document = attach_dpia_document(SYSTEM, draft, SimpleUploadedFile("minutes.docx", docx()))
    assert document.stored.content_type == DOCX.content_type
    assert files.open_file(document.stored) == docx()


@pytest.mark.clause("6.1")
def test_a_sign_photo_must_be_a_picture(school) -> None:
    sign = SignFactory(school=school, last_checked_on=None)
    with pytest.raises(PolicyRefusal, match="not a JPEG, PNG"):
        record_sign_check(SYSTEM, sign, timezone.localdate(), timezone.localdate(), pdf("sign.jpg"))
    assert Sign.objects.get(pk=sign.pk).photo_file is None and not SealedFile.objects.exists()


@pytest.mark.clause("9.1")
def test_a_replaced_sign_photo_leaves_no_file(school, django_capture_on_commit_callbacks) -> None:
    sign = SignFactory(school=school, last_checked_on=None)
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        record_sign_check(SYSTEM, sign, today, today, photo())
    first = Sign.objects.get(pk=sign.pk).photo_file
    assert first is not None and _object(first).exists()
    newer = PHOTO + b" newer"
    with django_capture_on_commit_callbacks(execute=True):
        record_sign_check(SYSTEM, Sign.objects.get(pk=sign.pk), today, today, photo(content=newer))
    second = Sign.objects.get(pk=sign.pk).photo_file
    assert second is not None and second.pk != first.pk
    assert files.open_file(second) == newer
    assert not _object(first).exists() and not SealedFile.objects.filter(pk=first.pk).exists()


@pytest.mark.clause("9.1")
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("race_database")  # committed data; on PostgreSQL the flush past the audit triggers
def test_the_migration_seals_plain_files_and_removes_them(school, settings, tmp_path) -> None:
    """Files uploaded before issue 14 (plain, under MEDIA_ROOT) are sealed by compliance/0004 and the plain
    file is removed once it commits."""
    from importlib import import_module

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.migrations.executor import MigrationExecutor

    settings.MEDIA_ROOT = tmp_path / "documents"
    migration = import_module("watchkeeper.compliance.migrations.0004_uploads_sealed")
    call_command("migrate", "compliance", "0004_uploads_sealed", verbosity=0)
    try:
        old = MigrationExecutor(connection).loader.project_state(("compliance", "0004_uploads_sealed")).apps
        dpia = old.get_model("compliance", "DPIA").objects.create(school_id=school.pk, title="Old DPIA")
        plain = Path(settings.MEDIA_ROOT) / f"dpia/{school.pk}/{dpia.pk}/old.pdf"
        plain.parent.mkdir(parents=True)
        plain.write_bytes(PDF)
        document = old.get_model("compliance", "DPIADocument").objects.create(
            dpia_id=dpia.pk, name="old.pdf", file=f"dpia/{school.pk}/{dpia.pk}/old.pdf"
        )
        with transaction.atomic():
            migration.seal_plain_files(old, None)
    finally:
        # Every app forward again: going back unapplied the apps whose migrations depend on compliance's
        # (misuse, reviews), and "migrate compliance" alone would leave them so for the tests after this one.
        call_command("migrate", verbosity=0)
    stored = DPIADocument.objects.get(pk=document.pk).stored
    assert stored is not None and files.open_file(stored) == PDF
    assert stored.content_type == "application/pdf" and not plain.exists()
