"""Reading recorded footage for viewing: decrypt one segment in memory (9.1, 9.3). Plaintext is never
written to disk; it lives in this process only for the response that needs it."""

from __future__ import annotations

from watchkeeper.recording.models import Segment
from watchkeeper.recording.storage import segment_plaintext
from watchkeeper.storage.keys import Unreadable


class FootageUnreadable(Exception):
    """The segment's blob is missing, damaged or fails its SHA-256: `watchkeeper check` will say more."""


def decrypted(segment: Segment) -> bytes:
    """The segment's plaintext MP4, checked against the SHA-256 recorded when it was written (9.3)."""
    try:
        return segment_plaintext(segment)
    except (OSError, Unreadable) as error:
        raise FootageUnreadable(f"9.3: segment {segment.pk} cannot be read: {error}") from error
