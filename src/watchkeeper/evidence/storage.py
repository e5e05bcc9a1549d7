"""Stored copies of sealed packages, encrypted at rest (9.5, 9.6, 13.2; design/evidence.md "Stored copies").

A stored package is the password-protected ZIP, encrypted again with its own AES-256-GCM key; that key is
kept only wrapped (RFC 3394) by the school key, in the CCTV log row. Destroying the wrapped key makes the
file (and every backup of it) unreadable, so deletion destroys the key first and removes the file after.

File format: MAGIC, then chunks of `4-byte big-endian length + 12-byte nonce + ciphertext-and-tag`. The
associated data of a chunk binds the file id, the chunk's index and whether it is the last one, so chunks
cannot be reordered, swapped between files or cut off the end unnoticed. Chunks let a download stream.

The authoriser's package password travels to the build job sealed the same way (`seal_secret`): never in
the database, a job record, a log or the audit trail in the clear (11.6).
"""

from __future__ import annotations

import base64
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

from watchkeeper.core.clauses import enforces
from watchkeeper.recording.crypto import existing_school_key, school_key, school_key_id

MAGIC = b"WKPKG\x01"
CHUNK = 4 << 20
NONCE = 12
LENGTH = struct.Struct(">I")


class CopyError(ValueError):
    """A stored copy cannot be opened: its key is destroyed or wrong, or the file is damaged."""


@dataclass(frozen=True)
class SealedCopy:
    wrapped_key: bytes
    key_id: str
    size: int


def _aad(file_id: str, index: int, final: bool) -> bytes:
    return f"watchkeeper-package:{file_id}:{index}:{int(final)}".encode()


@enforces("13.2", "R15")
def seal_file(source: Path, dest: Path, file_id: str, school_id: int) -> SealedCopy:
    """Encrypt `source` into `dest` (via a partial file beside it) under a new key wrapped by the school
    key. The caller removes `source`."""
    key = AESGCM.generate_key(bit_length=256)
    key_id = school_key_id(school_id)
    aead = AESGCM(key)
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    size = source.stat().st_size
    with source.open("rb") as reader, partial.open("wb") as writer:
        writer.write(MAGIC)
        index, done = 0, 0
        while True:
            block = reader.read(CHUNK)
            done += len(block)
            final = done >= size
            nonce = os.urandom(NONCE)
            sealed = aead.encrypt(nonce, block, _aad(file_id, index, final))
            writer.write(LENGTH.pack(len(sealed)) + nonce + sealed)
            index += 1
            if final:
                break
        writer.flush()
        os.fsync(writer.fileno())
    partial.replace(dest)
    return SealedCopy(aes_key_wrap(school_key(key_id), key), key_id, size)


@enforces("13.2", "R15")
def open_file(path: Path, file_id: str, wrapped_key: bytes | None, key_id: str) -> Iterator[bytes]:
    """The plaintext (the password-protected ZIP) chunk by chunk; CopyError when it cannot be opened."""
    if not wrapped_key:
        raise CopyError("13.2: this copy's key has been destroyed — the copy is deleted")
    try:
        key = aes_key_unwrap(existing_school_key(key_id), bytes(wrapped_key))
    except (InvalidUnwrap, ValueError) as error:
        raise CopyError(f"the stored copy's key cannot be unwrapped: {error}") from None
    return _chunks(path, AESGCM(key), file_id)


def _chunks(path: Path, aead: AESGCM, file_id: str) -> Iterator[bytes]:
    with path.open("rb") as reader:
        if reader.read(len(MAGIC)) != MAGIC:
            raise CopyError("not a Watchkeeper stored package")
        index = 0
        while True:
            header = reader.read(LENGTH.size + NONCE)
            if not header:
                raise CopyError("the stored copy is cut short")
            (length,) = LENGTH.unpack(header[: LENGTH.size])
            sealed = reader.read(length)
            final = reader.peek(1) == b""  # nothing after this chunk
            try:
                yield aead.decrypt(header[LENGTH.size :], sealed, _aad(file_id, index, final))
            except InvalidTag:
                raise CopyError(f"the stored copy is damaged (chunk {index})") from None
            if final:
                return
            index += 1


# --- the password on its way to the build job --------------------------------------------------------------


def _secret_aad(purpose: str) -> bytes:
    return f"watchkeeper-secret:{purpose}".encode()


def seal_secret(secret: str, school_id: int, purpose: str) -> str:
    """`secret` sealed with AES-256-GCM under the school key, bound to `purpose` (text, e.g. the request
    and attempt): safe to put in a job's payload."""
    nonce = os.urandom(NONCE)
    sealed = AESGCM(school_key(school_key_id(school_id))).encrypt(
        nonce, secret.encode(), _secret_aad(purpose)
    )
    return base64.b64encode(nonce + sealed).decode()


def open_secret(sealed: str, school_id: int, purpose: str) -> str:
    raw = base64.b64decode(sealed)
    try:
        plain = AESGCM(existing_school_key(school_key_id(school_id))).decrypt(
            raw[:NONCE], raw[NONCE:], _secret_aad(purpose)
        )
    except InvalidTag:
        raise CopyError("the sealed secret does not open for this purpose") from None
    return plain.decode()
