"""The redaction app's files (design/redaction.md, "Storage"): a rendered copy is sealed (storage.sealing)
into the redactions' object store, which returns once it is durable, read back through the one read path
and checked, and deleted through the store; and the private temp dirs in which a job's plaintext lives
while it runs. Copies written before the store (tmp + fsync + rename of `recording.crypto.seal`'s blob)
have the same names and open the same way (design/storage.md)."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from django.conf import settings

from watchkeeper.core.clauses import enforces
from watchkeeper.redaction.models import Redaction
from watchkeeper.storage import sealing
from watchkeeper.storage.keys import Unreadable, school_key_id
from watchkeeper.storage.store import LocalStore, ObjectMissing
from watchkeeper.viewing.footage import FootageUnreadable

BLOB_SUFFIX = ".wkred"
T = TypeVar("T")


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


def outputs() -> LocalStore:
    """The redactions' object store."""
    return LocalStore(storage_dir())


def store_output(school_id: int, plaintext: bytes) -> StoredOutput:
    """Seal the copy with a fresh AES-256-GCM key wrapped by the school key and put it in the store: when
    this returns, the object is durable."""
    output_id = uuid.uuid4()
    key_id = school_key_id(school_id)
    relative = f"{school_id}/{output_id}{BLOB_SUFFIX}"
    sealed = sealing.put_sealed(outputs(), relative, [plaintext], str(output_id), key_id)
    return StoredOutput(output_id, relative, sealed.wrapped_key, key_id, sealed.sha256)


def remove_output(relative: str) -> None:
    """Delete a rendered copy (a discarded, replaced or orphaned copy); nothing when there is none."""
    if relative:
        outputs().delete(relative)


def _opening(redaction: Redaction) -> sealing.Opening:
    if not redaction.has_output or redaction.output_id is None:
        raise FootageUnreadable(f"redaction {redaction.pk} has no rendered copy")
    wrapped = bytes(redaction.output_wrapped_key or b"")
    return sealing.Opening(str(redaction.output_id), wrapped, redaction.output_key_id)


def _from_store(redaction: Redaction, read: Callable[[LocalStore, str, sealing.Opening], T]) -> T:
    """`read` of the copy's object; FootageUnreadable when the object or its key is gone, or it is damaged."""
    opening = _opening(redaction)
    try:
        return read(outputs(), redaction.output_path, opening)
    except (ObjectMissing, Unreadable) as error:
        raise FootageUnreadable(f"9.3: redacted copy {redaction.pk} cannot be read: {error}") from error


@enforces("9.3")
def output_plaintext(redaction: Redaction) -> bytes:
    """The rendered copy, decrypted in memory and checked against its SHA-256."""
    plaintext = _from_store(redaction, sealing.read_object)
    if hashlib.sha256(plaintext).hexdigest() != redaction.output_sha256:
        raise FootageUnreadable(
            f"9.3: the redacted copy of redaction {redaction.pk} does not match its SHA-256"
        )
    return plaintext


@dataclass(frozen=True)
class OutputStream:
    """A rendered copy to be served as a player asks for it: its size, any byte range of it (only the
    chunks holding the range are read and opened), or the whole of it checked against its SHA-256. Each
    chunk is authenticated as it is opened (bound to the copy's id and its place), so a range needs no
    whole-copy checksum; damage found while a range streams ends the stream with Unreadable."""

    redaction: Redaction
    size: int

    def range(self, start: int, end: int) -> Iterator[bytes]:
        """Plaintext bytes [start, end)."""
        return sealing.open_range(outputs(), self.redaction.output_path, _opening(self.redaction), start, end)

    def read(self) -> bytes:
        return output_plaintext(self.redaction)


@enforces("9.3")
def output_stream(redaction: Redaction) -> OutputStream:
    """The rendered copy, ready to stream; FootageUnreadable at once when it is missing or its key is gone."""
    return OutputStream(redaction, _from_store(redaction, sealing.plaintext_size))


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
