"""The compliance registers' uploaded files — a DPIA's documents, a sign's photo, a school's privacy notice,
the trust's appropriate policy document — sealed in one object store (9.1; issue 14 §5; design/storage.md):
every reading and writing of them is here. Each file has its own AES-256-GCM key wrapped by the school key
(the trust's key for the trust-wide policy document), in its `SealedFile` row; the store under
`<data dir>/compliance` holds ciphertext only. What a file is comes from its content (core.filetypes), never
its name. Files are at most MAX_UPLOAD_BYTES, so they are read whole, in memory."""

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


def object_name(school_id: int | str, file_id: uuid.UUID | str) -> str:
    return f"{school_id}/{file_id}.bin"


def trust_key_id(trust_id: int) -> str:
    """The key of a trust-wide file (the appropriate policy document belongs to no one school)."""
    return f"trust-{trust_id}"


def _owner(sealed_file: SealedFile) -> int | str:
    """The object's folder: the school's id, or the trust key's name for a trust-wide file."""
    return sealed_file.school_id if sealed_file.school_id is not None else sealed_file.key_id


def name_of(sealed_file: SealedFile) -> str:
    """The file's object name in the store."""
    return object_name(_owner(sealed_file), sealed_file.pk)


def put(school_id: int, file_id: uuid.UUID, data: bytes) -> sealing.Sealed:
    """Seal `data` for the file `file_id` of the school and put it; returns once it is durable."""
    name = object_name(school_id, file_id)
    return sealing.put_sealed(store(), name, [data], str(file_id), school_key_id(school_id))


def put_for_trust(trust_id: int, file_id: uuid.UUID, data: bytes) -> sealing.Sealed:
    key_id = trust_key_id(trust_id)
    return sealing.put_sealed(store(), object_name(key_id, file_id), [data], str(file_id), key_id)


def read(upload: UploadedFile) -> tuple[str, bytes]:
    data = b"".join(upload.chunks())
    return (upload.name or "file").rsplit("/", 1)[-1][:200] or "file", data


@enforces("9.1", "R15")
def seal_upload(
    school_id: int | None,
    upload: UploadedFile,
    now: datetime,
    *,
    clause: str,
    pictures_only: bool = False,
    trust_id: int | None = None,
) -> SealedFile:
    """The upload checked by content and sealed (for the school, or with `trust_id` for the whole trust);
    its row is saved by the caller's transaction, and the caller calls `forget` so that a failed save leaves
    no object behind."""
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
        key_id=school_key_id(school_id) if school_id is not None else trust_key_id(trust_id or 0),
        uploaded_at=now,
    )
    if school_id is not None:
        sealed = put(school_id, sealed_file.pk, data)
    else:
        assert trust_id is not None, "a file belongs to a school or to the trust"
        sealed = put_for_trust(trust_id, sealed_file.pk, data)
    sealed_file.sha256, sealed_file.wrapped_key = sealed.sha256, sealed.wrapped_key
    return sealed_file


def forget(sealed_file: SealedFile) -> None:
    """Delete the file's object (its row is gone, or was never saved)."""
    store().delete(name_of(sealed_file))


def remove_after_commit(sealed_file: SealedFile) -> None:
    """A replaced file: its row is deleted in the caller's transaction, its object once that commits (a
    rollback keeps both)."""
    name = name_of(sealed_file)  # delete() clears the pk
    sealed_file.delete()
    transaction.on_commit(lambda: store().delete(name))


def open_file(sealed_file: SealedFile) -> bytes:
    """The plaintext. ObjectMissing when the object is gone, Unreadable when it does not open or match."""
    opening = sealing.Opening(str(sealed_file.pk), bytes(sealed_file.wrapped_key), sealed_file.key_id)
    data = sealing.read_object(store(), name_of(sealed_file), opening)
    if hashlib.sha256(data).hexdigest() != sealed_file.sha256:
        raise Unreadable("the file does not match the checksum taken at upload")
    return data
