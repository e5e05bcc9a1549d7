"""Documentary evidence for an outside body's request (11.5): every reading and writing of the document
files is here, encrypted at rest (9.1), so that the files can move to one encrypted-object store in one
place (issue 12 §5)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from watchkeeper.core.actors import Actor
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.permissions import require
from watchkeeper.disclosures.models import DisclosureRequest, Document, DocumentKind
from watchkeeper.disclosures.services.common import MANAGE, VIEW, audit, staff
from watchkeeper.recording import crypto

ALLOWED_TYPES = {
    # content type: the first bytes a real file of that type starts with
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
ALLOWED_SUFFIXES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


def documents_dir() -> Path:
    return Path(settings.DATA_DIR) / "disclosures"


def document_path(document: Document) -> Path:
    return documents_dir() / str(document.request.school_id) / f"{document.pk}.bin"


def _associated(document_id: uuid.UUID) -> uuid.UUID:
    """The document id binds the blob to its row, as a segment id does (a swapped file fails to open)."""
    return document_id


@enforces("11.5")
def document_type_problem(name: str, size: int, head: bytes) -> str | None:
    """Why an upload is refused, or None. PDF, JPEG or PNG by name and by content, within the size limit."""
    limit = settings.MAX_UPLOAD_BYTES
    if size > limit:
        return f"11.5: “{name}” is {size:,} bytes: documents may be at most {limit:,} bytes"
    if size == 0:
        return f"11.5: “{name}” is empty"
    content_type = ALLOWED_SUFFIXES.get(Path(name).suffix.lower())
    if content_type is None:
        return f"11.5: “{name}” is not a PDF, JPEG or PNG file: upload a scan or PDF of the document"
    if not head.startswith(ALLOWED_TYPES[content_type]):
        return f"11.5: “{name}” is named as a {content_type.split('/')[1].upper()} but its content is not one"
    return None


@enforces("9.1", "11.5", "R15")
def upload_document(
    actor: Actor,
    req: DisclosureRequest,
    *,
    kind: str,
    name: str,
    data: bytes,
    now: datetime,
) -> Document:
    """Store a document for a request, encrypted at rest (9.1): AES-256-GCM with its own key, wrapped by
    the school key; the plaintext never reaches the disk."""
    person = staff(actor)
    require(person, MANAGE, req.school_id)
    name = Path(name).name[:200] or "document"
    problem = document_type_problem(name, len(data), data[:16])
    if kind not in DocumentKind.values:
        problem = problem or "11.5: choose what kind of document this is"
    if problem:
        raise PolicyRefusal(problem)
    doc_id = uuid.uuid4()
    key_id = crypto.school_key_id(req.school_id)
    sealed = crypto.seal(data, _associated(doc_id), key_id, crypto.school_key(key_id))
    document = Document(
        id=doc_id,
        request=req,
        kind=kind,
        original_name=name,
        content_type=ALLOWED_SUFFIXES[Path(name).suffix.lower()],
        size=len(data),
        sha256=sealed.sha256,
        key_id=key_id,
        wrapped_key=sealed.wrapped_key,
        uploaded_by=person,
        uploaded_at=now,
    )
    path = document_path(document)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(sealed.blob)
    try:
        with transaction.atomic():
            document.save(force_insert=True)
            details: dict[str, Any] = {"document": str(doc_id), "kind": kind, "name": name, "size": len(data)}
            audit("document_uploaded", person, req, **details, sha256=sealed.sha256)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return document


def open_document(actor: Actor, document: Document) -> bytes:
    """The decrypted document, to someone who may see the request; every opening is audited."""
    person = staff(actor)
    require(person, VIEW, document.request.school_id)
    blob = document_path(document).read_bytes()
    data = crypto.open_blob(
        blob,
        _associated(document.pk),
        bytes(document.wrapped_key),
        crypto.existing_school_key(document.key_id),
    )
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise crypto.BlobError("the document does not match the checksum taken at upload")
    details = {"document": str(document.pk), "name": document.original_name, "sha256": document.sha256}
    audit("document_opened", person, document.request, **details)
    return data
