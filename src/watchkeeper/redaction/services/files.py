"""The redaction app's files (design/redaction.md, "Storage"): where a rendered copy lives, how it is sealed
and written, read back and checked, and removed; and the private temp dirs in which a job's plaintext lives
while it runs. All of it is here, in one module, so that the one encrypted-object store of issue 12 §5 can
take its place without touching the rest of the app."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from watchkeeper.core.clauses import enforces
from watchkeeper.recording.crypto import BlobError, existing_school_key, open_blob, school_key, school_key_id
from watchkeeper.recording.crypto import seal as seal_blob
from watchkeeper.redaction.models import Redaction
from watchkeeper.viewing.footage import FootageUnreadable

BLOB_SUFFIX = ".wkred"


@dataclass(frozen=True)
class StoredOutput:
    """A rendered copy sealed and written: what its row must hold to open it again."""

    output_id: uuid.UUID
    path: str  # relative to storage_dir()
    wrapped_key: bytes
    key_id: str
    sha256: str  # of the plaintext


def storage_dir() -> Path:
    path = Path(settings.DATA_DIR) / "redactions"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def absolute(relative: str) -> Path:
    root = storage_dir().resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise ValueError(f"output path {relative!r} leaves the redactions dir")
    return path


def store_output(school_id: int, plaintext: bytes) -> StoredOutput:
    """Seal the copy with a fresh AES-256-GCM key wrapped by the school key (recording.crypto) and write it
    (tmp + fsync + rename): when this returns, the file is whole on disk."""
    output_id = uuid.uuid4()
    key_id = school_key_id(school_id)
    sealed = seal_blob(plaintext, output_id, key_id, school_key(key_id))
    relative = f"{school_id}/{output_id}{BLOB_SUFFIX}"
    path = absolute(relative)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as handle:
        handle.write(sealed.blob)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    return StoredOutput(output_id, relative, sealed.wrapped_key, key_id, sealed.sha256)


def remove_output(relative: str) -> None:
    """Unlink a rendered copy's file (a discarded, replaced or orphaned copy); nothing when there is none."""
    if relative:
        absolute(relative).unlink(missing_ok=True)


@enforces("9.3")
def output_plaintext(redaction: Redaction) -> bytes:
    """The rendered copy, decrypted in memory and checked against its SHA-256."""
    if not redaction.has_output or redaction.output_id is None:
        raise FootageUnreadable(f"redaction {redaction.pk} has no rendered copy")
    try:
        blob = absolute(redaction.output_path).read_bytes()
        plaintext = open_blob(
            blob,
            redaction.output_id,
            bytes(redaction.output_wrapped_key or b""),
            existing_school_key(redaction.output_key_id),
        )
    except (OSError, BlobError) as error:
        raise FootageUnreadable(f"9.3: redacted copy {redaction.pk} cannot be read: {error}") from error
    if hashlib.sha256(plaintext).hexdigest() != redaction.output_sha256:
        raise FootageUnreadable(
            f"9.3: the redacted copy of redaction {redaction.pk} does not match its SHA-256"
        )
    return plaintext


@contextmanager
def private_dir(prefix: str) -> Iterator[Path]:
    """A temp dir for plaintext footage (0700, tempfile's own), removed on exit however the block ends."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_private(path: Path, data: bytes) -> None:
    """A new file readable by Watchkeeper's own user alone (0600); never overwrites one."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
