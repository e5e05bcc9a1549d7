"""Documentary evidence for an outside body's request (11.5): every reading and writing of the document
files is here. A document is sealed (storage.sealing: its own AES-256-GCM key wrapped by the school key,
9.1) and put in the documents' object store, which returns once it is durable (design/storage.md).
Documents written before, by `path.write_bytes`, have the same names and open through the same read path."""

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
from watchkeeper.storage import sealing
from watchkeeper.storage.keys import Unreadable, school_key_id
from watchkeeper.storage.store import LocalStore

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


def documents() -> LocalStore:
    """The documents' object store."""
    return LocalStore(documents_dir())


def document_name(document: Document) -> str:
    """The object's name in the store: the name the file had before the store (old files keep opening)."""
    return f"{document.request.school_id}/{document.pk}.bin"


def document_path(document: Document) -> Path:
    return documents().path(document_name(document))


def _opening(document: Document) -> sealing.Opening:
    """The document id binds the object to its row, as a segment id does (a swapped file fails to open)."""
    return sealing.Opening(str(document.pk), bytes(document.wrapped_key), document.key_id)


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
    key_id = school_key_id(req.school_id)
    document = Document(
        id=doc_id,
        request=req,
        kind=kind,
        original_name=name,
        content_type=ALLOWED_SUFFIXES[Path(name).suffix.lower()],
        size=len(data),
        key_id=key_id,
        uploaded_by=person,
        uploaded_at=now,
    )
    store, stored = documents(), document_name(document)
    sealed = sealing.put_sealed(store, stored, [data], str(doc_id), key_id)
    document.sha256, document.wrapped_key = sealed.sha256, sealed.wrapped_key
    try:
        with transaction.atomic():
            document.save(force_insert=True)
            details: dict[str, Any] = {"document": str(doc_id), "kind": kind, "name": name, "size": len(data)}
            audit("document_uploaded", person, req, **details, sha256=sealed.sha256)
    except BaseException:
        store.delete(stored)
        raise
    return document


def open_document(actor: Actor, document: Document) -> bytes:
    """The decrypted document, to someone who may see the request; every opening is audited. A document is
    at most MAX_UPLOAD_BYTES, so it is opened whole, in memory. ObjectMissing when its object is gone,
    Unreadable when it does not open or match."""
    person = staff(actor)
    require(person, VIEW, document.request.school_id)
    data = sealing.read_object(documents(), document_name(document), _opening(document))
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise Unreadable("the document does not match the checksum taken at upload")
    details = {"document": str(document.pk), "name": document.original_name, "sha256": document.sha256}
    audit("document_opened", person, document.request, **details)
    return data
