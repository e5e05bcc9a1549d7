"""Segment encryption (9.1, 9.3, 13.1): a segment is sealed in memory with storage.sealing before it is
stored — its own AES-256-GCM key, wrapped (RFC 3394) by the school key, chunks bound to the segment id.

A segment is small (seconds of video), so it is sealed and opened whole, in memory; plaintext never touches
disk. Blobs written before issue 12 §5 (`WKSEG\\x01`) still open: storage.legacy, chosen by their magic.
Destroying the wrapped key (deleting the row) makes every copy of the blob, backups included, unreadable.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from watchkeeper.storage import sealing
from watchkeeper.storage.keys import existing_school_key, school_key, school_key_id

__all__ = [
    "SealedSegment",
    "existing_school_key",
    "open_blob",
    "school_key",
    "school_key_id",
    "seal",
]


@dataclass(frozen=True)
class SealedSegment:
    blob: bytes
    wrapped_key: bytes
    key_id: str
    sha256: str  # of the plaintext


def seal(plaintext: bytes, segment_id: uuid.UUID, key_id: str, wrapping_key: bytes) -> SealedSegment:
    blob, sealed = sealing.seal_bytes(plaintext, str(segment_id), key_id, wrapping_key)
    return SealedSegment(blob=blob, wrapped_key=sealed.wrapped_key, key_id=key_id, sha256=sealed.sha256)


def open_blob(blob: bytes, segment_id: uuid.UUID, wrapped_key: bytes, wrapping_key: bytes) -> bytes:
    """The plaintext, or Unreadable. Keep the result in memory only: plaintext never touches disk."""
    opening = sealing.Opening(str(segment_id), bytes(wrapped_key), "", wrapping_key)
    return b"".join(sealing.opened([blob], opening))
