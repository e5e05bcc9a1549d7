"""Privacy notices' documents and the trust's appropriate policy document are sealed at rest like every
other uploaded file (9.1; issue 14 §5): checked by their content, not their name, opened only through the
permission-checked download, and a replaced document leaves no file behind. Plain files uploaded before are
sealed by compliance/0006."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.compliance.helpers import PDF, pdf, streamed
from tests.factories import person
from tests.subjectaccess.racing import race_database  # noqa: F401
from watchkeeper.compliance import files
from watchkeeper.compliance.models import PrivacyNotice, SealedFile, TrustSettings
from watchkeeper.compliance.notices import record_privacy_notice
from watchkeeper.compliance.trust import update_trust_settings
from watchkeeper.core.actors import SYSTEM
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.people.models import Role

pytestmark = pytest.mark.django_db
EXE = b"MZ\x90\x00\x03 a program pretending to be a PDF"
NEWER = PDF + b" the newer version"


def _object(stored: SealedFile) -> Path:
    return files.store().path(files.name_of(stored))


def _notice(school, document) -> PrivacyNotice:
    today = timezone.localdate()
    return record_privacy_notice(
        SYSTEM, school, text="", published_where="Website", reviewed_on=today, today=today, document=document
    )


def _policy(dpo, trust, document) -> TrustSettings:
    return update_trust_settings(dpo, trust, {}, policy_document=document, now=timezone.now())


@pytest.mark.clause("9.1")
def test_a_notice_document_is_sealed_and_a_replaced_one_leaves_no_file(
    school, signed_in, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = _notice(school, pdf("notice.pdf")).document_file
    assert first is not None and first.school_id == school.pk
    raw = _object(first).read_bytes()
    assert raw.startswith(b"WKOBJ\x01") and PDF[:20] not in raw
    client = signed_in(person(Role.HEADTEACHER, school))
    download = client.get(reverse("compliance:privacy_notice_document", args=[school.pk]))
    assert streamed(download) == PDF and download["Content-Type"] == "application/pdf"
    with django_capture_on_commit_callbacks(execute=True):
        second = _notice(school, pdf("notice.pdf", NEWER)).document_file
    assert second is not None and files.open_file(second) == NEWER
    assert not _object(first).exists() and not SealedFile.objects.filter(pk=first.pk).exists()


@pytest.mark.clause("6.1")
def test_a_notice_document_is_checked_by_its_content(school) -> None:
    with pytest.raises(PolicyRefusal, match="its content was checked"):
        _notice(school, SimpleUploadedFile("notice.pdf", EXE))
    assert not PrivacyNotice.objects.exists() and not SealedFile.objects.exists()


@pytest.mark.clause("9.1")
def test_the_policy_document_is_sealed_under_the_trust_key(
    school, signed_in, django_capture_on_commit_callbacks
) -> None:
    dpo = person(Role.DPO, None)
    with django_capture_on_commit_callbacks(execute=True):
        first = _policy(dpo, school.trust, pdf("apd.pdf")).policy_file
    assert first is not None and first.school_id is None
    assert first.key_id == files.trust_key_id(school.trust_id)
    assert PDF[:20] not in _object(first).read_bytes()
    download = signed_in(dpo).get(reverse("compliance:policy_document"))
    assert streamed(download) == PDF and download["Content-Type"] == "application/pdf"
    with django_capture_on_commit_callbacks(execute=True):
        second = _policy(dpo, school.trust, pdf("apd.pdf", NEWER)).policy_file
    assert second is not None and files.open_file(second) == NEWER
    assert not _object(first).exists() and not SealedFile.objects.filter(pk=first.pk).exists()


@pytest.mark.clause("3.5")
def test_a_program_named_as_the_policy_document_is_refused(school, signed_in) -> None:
    dpo = person(Role.DPO, None)
    with pytest.raises(PolicyRefusal, match="its content was checked"):
        _policy(dpo, school.trust, SimpleUploadedFile("apd.pdf", EXE))
    assert not SealedFile.objects.exists()
    upload = SimpleUploadedFile("apd.pdf", EXE, content_type="application/pdf")
    response = signed_in(dpo).post(
        reverse("compliance:settings"),
        {
            "overdue_reviews": "flag",
            "clock_drift_alert_seconds": "2",
            "escalate_after_working_days": "3",
            "policy_upload": upload,
        },
    )
    assert response.status_code == 400 and "Its content was checked" in response.content.decode()
    assert not SealedFile.objects.exists()


@pytest.mark.clause("9.1")
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("race_database")  # committed data; on PostgreSQL the flush past the audit triggers
def test_the_migration_seals_plain_notices_and_policy_documents(school, settings, tmp_path) -> None:
    from importlib import import_module

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.migrations.executor import MigrationExecutor

    settings.MEDIA_ROOT = tmp_path / "documents"
    target = "0006_notice_and_policy_sealed"
    migration = import_module(f"watchkeeper.compliance.migrations.{target}")
    call_command("migrate", "compliance", target, verbosity=0)
    try:
        old = MigrationExecutor(connection).loader.project_state(("compliance", target)).apps
        notice_path = Path(settings.MEDIA_ROOT) / f"privacy-notices/{school.pk}/notice.pdf"
        policy_path = Path(settings.MEDIA_ROOT) / f"appropriate-policy/{school.trust_id}/apd.pdf"
        for path in (notice_path, policy_path):
            path.parent.mkdir(parents=True)
            path.write_bytes(PDF)
        old.get_model("compliance", "PrivacyNotice").objects.create(
            school_id=school.pk,
            published_where="Website",
            reviewed_on=timezone.localdate(),
            document=f"privacy-notices/{school.pk}/notice.pdf",
        )
        old.get_model("compliance", "TrustSettings").objects.update_or_create(
            trust_id=school.trust_id,
            defaults={"policy_document": f"appropriate-policy/{school.trust_id}/apd.pdf"},
        )
        with transaction.atomic():
            migration.seal_plain_files(old, None)
    finally:
        # Every app forward again: going back unapplied the apps whose migrations depend on compliance's
        # (misuse, reviews), and "migrate compliance" alone would leave them so for the tests after this one.
        call_command("migrate", verbosity=0)
    notice_file = PrivacyNotice.objects.get(school=school).document_file
    policy_file = TrustSettings.objects.get(trust_id=school.trust_id).policy_file
    assert notice_file is not None and files.open_file(notice_file) == PDF
    assert policy_file is not None and files.open_file(policy_file) == PDF
    assert policy_file.key_id == files.trust_key_id(school.trust_id)
    assert not notice_path.exists() and not policy_path.exists()
