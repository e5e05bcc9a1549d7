"""Stored copies of sealed packages, encrypted at rest (9.5, 9.6, 13.2; design/evidence.md "Stored copies").

A stored package is the password-protected ZIP, sealed again by storage.sealing (its own AES-256-GCM key,
wrapped by the school key and kept only in the CCTV log row; chunks bound to the file id) and put into the
exports store, durable when `seal_file` returns. Destroying the wrapped key makes the file (and every backup
of it) unreadable, so deletion destroys the key first and removes the file after. Packages stored before
issue 12 §5 (`WKPKG\x01`) still open (storage.legacy). Chunks let a download stream: a one-hour package is
never whole in memory.

The authoriser's package password travels to the build job sealed under the school key (`seal_secret`,
storage.secret): never in the database, a job record, a log or the audit trail in the clear (11.6).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from watchkeeper.core.clauses import enforces
from watchkeeper.storage import sealing
from watchkeeper.storage import secret as secret_box
from watchkeeper.storage.keys import school_key_id
from watchkeeper.storage.store import LocalStore

MAGIC = sealing.MAGIC
CHUNK = sealing.CHUNK
NONCE = sealing.NONCE


@dataclass(frozen=True)
class SealedCopy:
    wrapped_key: bytes
    key_id: str
    size: int


def _read(source: Path) -> Iterator[bytes]:
    with source.open("rb") as reader:
        while block := reader.read(CHUNK):
            yield block


@enforces("13.2", "R15")
def seal_file(source: Path, dest: Path, file_id: str, school_id: int) -> SealedCopy:
    """Seal `source` into `dest` under a new key wrapped by the school key; durable on return. The caller
    removes `source`."""
    sealed = sealing.put_sealed(
        LocalStore(dest.parent), dest.name, _read(source), file_id, school_key_id(school_id)
    )
    return SealedCopy(sealed.wrapped_key, sealed.key_id, sealed.size)


@enforces("13.2", "R15")
def open_file(path: Path, file_id: str, wrapped_key: bytes | None, key_id: str) -> Iterator[bytes]:
    """The plaintext (the password-protected ZIP) chunk by chunk; Unreadable when it cannot be opened."""
    return sealing.open_object(
        LocalStore(path.parent), path.name, sealing.Opening(file_id, wrapped_key, key_id)
    )


def delete_copy(path: Path) -> bool:
    """Remove a stored copy durably (its directory fsynced), after its key was destroyed (13.2). True when a
    file went."""
    return LocalStore(path.parent).delete(path.name)


# --- the password on its way to the build job --------------------------------------------------------------


def seal_secret(secret: str, school_id: int, purpose: str) -> str:
    """`secret` sealed under the school key, bound to `purpose` (the request and attempt): storage.secret."""
    return secret_box.seal_secret(secret, school_key_id(school_id), purpose)


def open_secret(sealed: str, school_id: int, purpose: str) -> str:
    """The secret; Unreadable when it does not open for this purpose."""
    return secret_box.open_secret(sealed, school_key_id(school_id), purpose)
