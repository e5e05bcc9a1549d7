"""Segment encryption (9.1, 9.3, 13.1): AES-256-GCM per segment, the segment key wrapped by a school key.

A blob on disk is MAGIC + 12-byte nonce + ciphertext-and-tag. The associated data is the segment id, so a
blob renamed or swapped onto another index row fails to decrypt. The segment key exists in memory while
the segment is sealed or opened and, at rest, only wrapped (RFC 3394 AES key wrap) by the school key,
which is a file in the data dir (mode 0600), never in the database. Destroying the wrapped key (deleting
the row) makes every copy of the blob, backups included, undecryptable.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

from watchkeeper.core.clauses import enforces
from watchkeeper.core.keyfiles import key_dir, load_or_create_key

MAGIC = b"WKSEG\x01"
NONCE_BYTES = 12
HEADER_BYTES = len(MAGIC) + NONCE_BYTES


class BlobError(ValueError):
    """A blob cannot be opened: wrong key, wrong segment id, damaged, or not a segment at all."""


@dataclass(frozen=True)
class SealedSegment:
    blob: bytes
    wrapped_key: bytes
    key_id: str
    sha256: str  # of the plaintext


def school_key_id(school_id: int) -> str:
    return f"school-{school_id}"


def school_key(key_id: str) -> bytes:
    """The school key for sealing, created on first use."""
    return load_or_create_key(key_id)


def existing_school_key(key_id: str) -> bytes:
    """The school key for opening: never created here, since a new key opens nothing."""
    path = key_dir() / f"{key_id}.key"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise BlobError(f"school key {key_id} is missing from the key store") from None


def associated_data(segment_id: uuid.UUID) -> bytes:
    return f"watchkeeper-segment:{segment_id}".encode()


@enforces("9.3", "R15")
def seal(plaintext: bytes, segment_id: uuid.UUID, key_id: str, wrapping_key: bytes) -> SealedSegment:
    segment_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(segment_key).encrypt(nonce, plaintext, associated_data(segment_id))
    return SealedSegment(
        blob=MAGIC + nonce + ciphertext,
        wrapped_key=aes_key_wrap(wrapping_key, segment_key),
        key_id=key_id,
        sha256=hashlib.sha256(plaintext).hexdigest(),
    )


@enforces("9.3", "R15")
def open_blob(blob: bytes, segment_id: uuid.UUID, wrapped_key: bytes, wrapping_key: bytes) -> bytes:
    """The plaintext, or BlobError. Keep the result in memory only: plaintext never touches disk."""
    if not blob.startswith(MAGIC) or len(blob) < HEADER_BYTES + 16:
        raise BlobError("not a Watchkeeper segment blob")
    try:
        segment_key = aes_key_unwrap(wrapping_key, bytes(wrapped_key))
    except (InvalidUnwrap, ValueError):
        raise BlobError("the wrapped key does not open with this school key") from None
    nonce = blob[len(MAGIC) : HEADER_BYTES]
    try:
        return AESGCM(segment_key).decrypt(nonce, blob[HEADER_BYTES:], associated_data(segment_id))
    except InvalidTag:
        raise BlobError("authentication failed: the blob is damaged or belongs to another segment") from None
