"""Reading recorded footage for viewing: decrypt one segment in memory (9.1, 9.3). Plaintext is never
written to disk; it lives in this process only for the response that needs it."""

from __future__ import annotations

import hashlib

from watchkeeper.recording.crypto import BlobError, existing_school_key, open_blob
from watchkeeper.recording.models import Segment
from watchkeeper.recording.storage import absolute


class FootageUnreadable(Exception):
    """The segment's blob is missing, damaged or fails its SHA-256: `watchkeeper check` will say more."""


def decrypted(segment: Segment) -> bytes:
    """The segment's plaintext MP4, checked against the SHA-256 recorded when it was written (9.3)."""
    try:
        blob = absolute(segment.blob_path).read_bytes()
        plaintext = open_blob(
            blob, segment.id, bytes(segment.wrapped_key), existing_school_key(segment.key_id)
        )
    except (OSError, BlobError) as error:
        raise FootageUnreadable(f"9.3: segment {segment.pk} cannot be read: {error}") from error
    if hashlib.sha256(plaintext).hexdigest() != segment.sha256:
        raise FootageUnreadable(f"9.3: segment {segment.pk} does not match its recorded SHA-256")
    return plaintext
