"""Disclosure documents and rendered redactions on schools' disks today keep opening after they moved onto
the store (issue 12 §5, second round): files written by the code before the move (tests/storage/fixtures/,
`make_old_outputs.py.txt`), and a document in the format before the sealed one (`WKSEG\\x01`, as
`recording.crypto.seal` wrote every blob before issue 12 §5), open through the one read path."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.disclosures.cases import DPO, outside_request
from tests.factories import person
from watchkeeper.disclosures import services as disclosures
from watchkeeper.disclosures.models import Document, DocumentKind
from watchkeeper.redaction.models import Redaction
from watchkeeper.redaction.services import files
from watchkeeper.storage.keys import Unreadable
from watchkeeper.viewing.footage import FootageUnreadable

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).with_name("fixtures")
OLD = json.loads((FIXTURES / "old-outputs.json").read_text())
LEGACY = json.loads((FIXTURES / "legacy.json").read_text())


@pytest.fixture(autouse=True)
def school_key(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path
    (tmp_path / "keys").mkdir(mode=0o700)
    shutil.copy(FIXTURES / "school-7.key", tmp_path / "keys" / "school-7.key")


def old_document(school: Any, fixture: str, meta: dict[str, Any], document_id: str) -> Document:
    """A document row and its file as `upload_document` left them before the store."""
    request = outside_request(school)
    document = Document.objects.create(
        id=uuid.UUID(document_id),
        request=request,
        kind=DocumentKind.COURT_ORDER,
        original_name="order.pdf",
        content_type="application/pdf",
        size=meta.get("size", 0),
        sha256=meta["sha256"],
        key_id=meta["key_id"],
        wrapped_key=bytes.fromhex(meta["wrapped_key"]),
        uploaded_by=person(DPO, None),
        uploaded_at=request.logged_at,
    )
    path = disclosures.document_path(document)
    path.parent.mkdir(parents=True)
    shutil.copy(FIXTURES / fixture, path)
    return document


def test_a_document_written_before_the_store_opens(school: Any) -> None:
    meta = OLD["document"]
    document = old_document(school, "old-document.bin", meta, meta["id"])
    data = disclosures.open_document(person(DPO, None), document)
    assert data.startswith(b"%PDF-1.4\n") and len(data) == meta["size"]


def test_a_document_in_the_format_before_sealing_opens(school: Any) -> None:
    meta = LEGACY["segment"]  # recording.crypto.seal wrote documents exactly as it wrote this segment
    document = old_document(school, "legacy-segment.wkseg", meta, meta["id"])
    assert len(disclosures.open_document(person(DPO, None), document)) == 3200


def test_a_damaged_old_document_is_refused(school: Any) -> None:
    meta = OLD["document"]
    document = old_document(school, "old-document.bin", meta, meta["id"])
    path = disclosures.document_path(document)
    raw = bytearray(path.read_bytes())
    raw[200] ^= 1
    path.write_bytes(bytes(raw))
    with pytest.raises(Unreadable, match="authentication failed"):
        disclosures.open_document(person(DPO, None), document)


def old_output() -> Redaction:
    """A redaction's output fields and file as `store_output` left them before the store (unsaved: the
    read path needs only these)."""
    meta = OLD["redaction"]
    relative = f"7/{meta['output_id']}{files.BLOB_SUFFIX}"
    path = files.outputs().path(relative)
    path.parent.mkdir(parents=True)
    shutil.copy(FIXTURES / "old-redaction.wkred", path)
    return Redaction(
        pk=1,
        output_id=uuid.UUID(meta["output_id"]),
        output_path=relative,
        output_wrapped_key=bytes.fromhex(meta["wrapped_key"]),
        output_key_id=meta["key_id"],
        output_sha256=meta["sha256"],
    )


def test_a_rendered_copy_written_before_the_store_opens() -> None:
    assert len(files.output_plaintext(old_output())) == OLD["redaction"]["size"]


def test_an_old_rendered_copy_that_went_missing_is_reported() -> None:
    redaction = old_output()
    files.remove_output(redaction.output_path)
    with pytest.raises(FootageUnreadable, match="cannot be read"):
        files.output_plaintext(redaction)
