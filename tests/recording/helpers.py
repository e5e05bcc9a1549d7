"""Test helpers that read a recorder's results the way an auditor would: from the files themselves."""

from __future__ import annotations

import io
import re
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import av

# H.264 parameter sets and IDR slices after a 4-byte Annex-B start code (nal_ref_idc ≠ 0), and the MP4
# boxes every plaintext segment has. Five or more fixed bytes: a false hit in random ciphertext has a
# chance of about 2^-40 per byte position.
PLAINTEXT_MARKERS = re.compile(
    rb"\x00\x00\x00\x01[\x25\x45\x65\x27\x47\x67\x28\x48\x68]|ftypiso|avcC\x01|moof\x00\x00\x00"
)


def plaintext_markers(data: bytes) -> list[bytes]:
    return [m.group(0) for m in PLAINTEXT_MARKERS.finditer(data)]


@dataclass
class SegmentRow:
    id: uuid.UUID
    camera_id: int
    start: datetime
    end: datetime
    duration_ms: int
    bytes: int
    sha256: str
    wrapped_key: bytes
    key_id: str
    blob_path: str
    clock_offset_ms: int | None


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def connect(data_dir: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{data_dir / 'watchkeeper.sqlite3'}?mode=ro", uri=True, timeout=20)


def segments(data_dir: Path) -> list[SegmentRow]:
    with connect(data_dir) as db:
        rows = db.execute(
            'SELECT id, camera_id, start, "end", duration_ms, bytes, sha256, wrapped_key, key_id, blob_path, '
            "clock_offset_ms FROM recording_segment ORDER BY camera_id, start"
        ).fetchall()
    return [
        SegmentRow(uuid.UUID(r[0]), r[1], parse_time(r[2]), parse_time(r[3]), *r[4:7], bytes(r[7]), *r[8:])
        for r in rows
    ]


def query(data_dir: Path, sql: str, *params: object) -> list[tuple]:
    with connect(data_dir) as db:
        return db.execute(sql, params).fetchall()


def decode(plaintext: bytes) -> tuple[int, bool]:
    """(frames decoded, whether the first is a key frame). Any decoding error raises."""
    with av.open(io.BytesIO(plaintext)) as container:
        stream = container.streams.video[0]
        stream.codec_context.options = {"err_detect": "explode"}
        frames = list(container.decode(stream))
    return len(frames), bool(frames) and frames[0].key_frame


def store(camera, start: datetime, seconds: float = 10, plaintext: bytes | None = None):
    """A real stored segment (sealed, written, indexed) for tests that do not need video."""
    import os
    from datetime import timedelta

    from watchkeeper.recording.crypto import school_key, school_key_id, seal
    from watchkeeper.recording.storage import NewSegment, store_segment

    new = NewSegment(
        id=uuid.uuid4(),
        camera_id=camera.pk,
        school_id=camera.school_id,
        start=start,
        end=start + timedelta(seconds=seconds),
        received_at=start,
        clock_offset_ms=None,
    )
    key_id = school_key_id(camera.school_id)
    sealed = seal(plaintext or os.urandom(3000), new.id, key_id, school_key(key_id))
    return store_segment(new, sealed)
