"""Segment encryption (9.1, 9.3): AES-256-GCM per segment, key wrapped by the school key, id as AD."""

from __future__ import annotations

import os
import uuid

import pytest

from watchkeeper.recording.crypto import existing_school_key, open_blob, seal
from watchkeeper.storage.keys import Unreadable

SCHOOL_KEY = os.urandom(32)
PLAINTEXT = b"\x00\x00\x00\x20ftypiso5" + os.urandom(5000)


@pytest.mark.clause("9.3", "R15")
def test_a_sealed_segment_opens_with_its_id_and_school_key() -> None:
    segment_id = uuid.uuid4()
    sealed = seal(PLAINTEXT, segment_id, "school-1", SCHOOL_KEY)
    assert PLAINTEXT not in sealed.blob and b"ftypiso" not in sealed.blob
    assert len(sealed.wrapped_key) == 40 and sealed.key_id == "school-1"
    assert open_blob(sealed.blob, segment_id, sealed.wrapped_key, SCHOOL_KEY) == PLAINTEXT


def test_each_segment_has_its_own_key() -> None:
    one, two = (seal(PLAINTEXT, uuid.uuid4(), "school-1", SCHOOL_KEY) for _ in range(2))
    assert one.wrapped_key != two.wrapped_key and one.blob != two.blob


@pytest.mark.parametrize("damage", ["other id", "other school key", "flipped byte", "other key", "truncated"])
@pytest.mark.clause("9.3", "R15")
def test_a_blob_does_not_open_when_anything_is_wrong(damage: str) -> None:
    segment_id = uuid.uuid4()
    sealed = seal(PLAINTEXT, segment_id, "school-1", SCHOOL_KEY)
    other = seal(PLAINTEXT, uuid.uuid4(), "school-1", SCHOOL_KEY)
    blob, wrapped, key, sid = sealed.blob, sealed.wrapped_key, SCHOOL_KEY, segment_id
    if damage == "other id":
        sid = other_id = uuid.uuid4()
        assert other_id != segment_id
    elif damage == "other school key":
        key = os.urandom(32)
    elif damage == "flipped byte":
        blob = blob[:-100] + bytes([blob[-100] ^ 1]) + blob[-99:]
    elif damage == "other key":
        wrapped = other.wrapped_key
    else:
        blob = blob[:30]
    with pytest.raises(Unreadable):
        open_blob(blob, sid, wrapped, key)


def test_opening_never_creates_a_missing_school_key(settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    with pytest.raises(Unreadable, match="missing"):
        existing_school_key("school-999")
    assert not (tmp_path / "keys" / "school-999.key").exists()
