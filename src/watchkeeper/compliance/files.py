"""The compliance registers' uploaded files — a DPIA's documents, a sign's photo — sealed in one object store
(9.1; issue 14 §5; design/storage.md): every reading and writing of them is here. Each file has its own
AES-256-GCM key wrapped by the school key, in its `SealedFile` row; the store under `<data dir>/compliance`
holds ciphertext only. What a file is comes from its content (core.filetypes), never its name. Files are
at most MAX_UPLOAD_BYTES, so they are read whole, in memory."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from watchkeeper.compliance.models import SealedFile
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import refuse
from watchkeeper.core.filetypes import detect, upload_problem
from watchkeeper.storage import sealing
from watchkeeper.storage.keys import Unreadable, school_key_id
from watchkeeper.storage.store import LocalStore


def store() -> LocalStore:
    return LocalStore(Path(settings.DATA_DIR) / "compliance")


def object_name(school_id: int, file_id: uuid.UUID | str) -> str:
    return f"{school_id}/{file_id}.bin"


def put(school_id: int, file_id: uuid.UUID, data: bytes) -> sealing.Sealed:
    """Seal `data` for the file `file_id` of the school and put it; returns once it is durable."""
    name = object_name(school_id, file_id)
    return sealing.put_sealed(store(), name, [data], str(file_id), school_key_id(school_id))


def read(upload: UploadedFile) -> tuple[str, bytes]:
    data = b"".join(upload.chunks())
    return (upload.name or "file").rsplit("/", 1)[-1][:200] or "file", data


@enforces("9.1", "R15")
def seal_upload(
    school_id: int, upload: UploadedFile, now: datetime, *, clause: str, pictures_only: bool = False
) -> SealedFile:
    """The upload checked by content and sealed; its row is saved by the caller's transaction, and the
    caller calls `forget_on_failure` so that a failed save leaves no object behind."""
    name, data = read(upload)
    problem = upload_problem(name, data, settings.MAX_UPLOAD_BYTES, pictures_only=pictures_only)
    if problem:
        raise refuse(clause, problem, "upload a file of one of those kinds")
    kind = detect(data)
    assert kind is not None  # upload_problem said it is one
    sealed_file = SealedFile(
        school_id=school_id,
        name=name,
        content_type=kind.content_type,
        size=len(data),
        key_id=school_key_id(school_id),
        uploaded_at=now,
    )
    sealed = put(school_id, sealed_file.pk, data)
    sealed_file.sha256, sealed_file.wrapped_key = sealed.sha256, sealed.wrapped_key
    return sealed_file


def forget(sealed_file: SealedFile) -> None:
    """Delete the file's object (its row is gone, or was never saved)."""
    store().delete(object_name(sealed_file.school_id, sealed_file.pk))


def remove_after_commit(sealed_file: SealedFile) -> None:
    """A replaced file: its row is deleted in the caller's transaction, its object once that commits (a
    rollback keeps both)."""
    name = object_name(sealed_file.school_id, sealed_file.pk)  # delete() clears the pk
    sealed_file.delete()
    transaction.on_commit(lambda: store().delete(name))


def open_file(sealed_file: SealedFile) -> bytes:
    """The plaintext. ObjectMissing when the object is gone, Unreadable when it does not open or match."""
    opening = sealing.Opening(str(sealed_file.pk), bytes(sealed_file.wrapped_key), sealed_file.key_id)
    data = sealing.read_object(store(), object_name(sealed_file.school_id, sealed_file.pk), opening)
    if hashlib.sha256(data).hexdigest() != sealed_file.sha256:
        raise Unreadable("the file does not match the checksum taken at upload")
    return data
