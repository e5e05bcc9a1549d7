"""Sealing on a real store: round trips at every chunk boundary, byte ranges, damage, swaps, erasure, and
the blobs today's schools already hold (fixtures written by the code before issue 12 §5)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from watchkeeper.storage import sealing
from watchkeeper.storage.keys import Unreadable, school_key
from watchkeeper.storage.sealing import Opening, Sealer
from watchkeeper.storage.store import LocalStore

FIXTURES = Path(__file__).with_name("fixtures")
SMALL = 1000  # a small chunk size, so tests cross many chunk boundaries with little data


def seal_into(store: LocalStore, name: str, plaintext: bytes, pieces: int = 7) -> sealing.Sealed:
    sealer = Sealer(name, "school-1", chunk=SMALL)
    step = max(1, len(plaintext) // pieces)
    store.put(name, sealer.sealed(plaintext[i : i + step] for i in range(0, len(plaintext), step)))
    return sealer.result()


@pytest.mark.parametrize("size", [0, 1, SMALL - 1, SMALL, SMALL + 1, 3 * SMALL, 3 * SMALL + 17])
def test_round_trip_at_every_boundary(data_dir, store: LocalStore, size: int) -> None:
    plaintext = os.urandom(size)
    sealed = seal_into(store, "o", plaintext)
    assert sealed.size == size and sealed.sha256 == hashlib.sha256(plaintext).hexdigest()
    assert sealed.stored_bytes == store.size("o")
    # Ciphertext only in the store (a plaintext of a few bytes turns up in random ciphertext by chance).
    assert plaintext not in b"".join(store.get("o")) or size < 16
    opening = Opening("o", sealed.wrapped_key, "school-1")
    assert sealing.read_object(store, "o", opening) == plaintext
    assert sealing.Layout(SMALL, store.size("o")).plaintext_size == size


@pytest.mark.parametrize(
    "start,end", [(0, 1), (0, 3017), (999, 1001), (1000, 2000), (1500, 2600), (2999, 3017), (3000, 9999)]
)
def test_byte_range_reads_only_its_chunks(data_dir, store: LocalStore, start: int, end: int) -> None:
    plaintext = os.urandom(3 * SMALL + 17)
    sealed = seal_into(store, "r", plaintext)
    opening = Opening("r", sealed.wrapped_key, "school-1")
    assert b"".join(sealing.open_range(store, "r", opening, start, end)) == plaintext[start:end]


def test_a_damaged_chunk_is_refused(data_dir, store: LocalStore) -> None:
    sealed = seal_into(store, "d", os.urandom(3 * SMALL))
    raw = bytearray(store.path("d").read_bytes())
    raw[sealing.HEADER_BYTES + SMALL + sealing.OVERHEAD + 40] ^= 1  # inside chunk 1
    store.put("d", [bytes(raw)])
    opened = sealing.open_object(store, "d", Opening("d", sealed.wrapped_key, "school-1"))
    assert len(next(opened)) == SMALL  # chunk 0 is whole
    with pytest.raises(Unreadable, match="damaged"):
        next(opened)


def test_a_cut_object_is_refused_even_at_a_chunk_boundary(data_dir, store: LocalStore) -> None:
    sealed = seal_into(store, "c", os.urandom(3 * SMALL))
    raw = store.path("c").read_bytes()
    opening = Opening("c", sealed.wrapped_key, "school-1")
    for cut in (len(raw) - 5, sealing.HEADER_BYTES + 2 * (SMALL + sealing.OVERHEAD)):
        store.put("c", [raw[:cut]])
        with pytest.raises(Unreadable):
            sealing.read_object(store, "c", opening)


def test_an_object_under_another_id_is_refused(data_dir, store: LocalStore) -> None:
    sealed = seal_into(store, "a", b"footage of A")
    with pytest.raises(Unreadable, match="belongs to another"):
        sealing.read_object(store, "a", Opening("b", sealed.wrapped_key, "school-1"))


def test_a_destroyed_key_opens_nothing(data_dir, store: LocalStore) -> None:
    seal_into(store, "e", b"erased footage")
    with pytest.raises(Unreadable, match="destroyed"):
        sealing.open_object(store, "e", Opening("e", None, "school-1"))


def test_another_schools_key_opens_nothing(data_dir, store: LocalStore) -> None:
    sealed = seal_into(store, "s", b"footage")
    school_key("school-2")
    with pytest.raises(Unreadable, match="does not open"):
        sealing.read_object(store, "s", Opening("s", sealed.wrapped_key, "school-2"))


def test_streaming_seal_holds_one_chunk_at_a_time(data_dir, store: LocalStore) -> None:
    """The sealer never gathers the stream: it yields a sealed chunk for each chunk it takes."""
    taken = 0

    def source():
        nonlocal taken
        for _ in range(50):
            taken += 1
            yield b"x" * SMALL

    sealer = Sealer("m", "school-1", chunk=SMALL)
    stream = sealer.sealed(source())
    next(stream)  # the header
    next(stream)
    assert taken <= 2


# --- files written by the code before issue 12 §5 ----------------------------------------------------------


@pytest.fixture
def legacy(data_dir) -> dict:
    keys = Path(data_dir) / "keys"
    keys.mkdir(mode=0o700)
    (keys / "school-7.key").write_bytes((FIXTURES / "school-7.key").read_bytes())
    return json.loads((FIXTURES / "legacy.json").read_text())


def test_a_segment_blob_written_by_the_old_code_opens(legacy: dict) -> None:
    store = LocalStore(FIXTURES)
    meta = legacy["segment"]
    opening = Opening(meta["id"], bytes.fromhex(meta["wrapped_key"]), meta["key_id"])
    plaintext = sealing.read_object(store, "legacy-segment.wkseg", opening)
    assert plaintext == b"".join(hashlib.sha256(str(i).encode()).digest() for i in range(100))
    assert hashlib.sha256(plaintext).hexdigest() == meta["sha256"]
    assert b"".join(sealing.open_range(store, "legacy-segment.wkseg", opening, 10, 50)) == plaintext[10:50]
    with pytest.raises(Unreadable, match="damaged"):
        sealing.read_object(
            store, "legacy-segment.wkseg", Opening(f"{meta['id'][:-1]}1", opening.wrapped_key, "school-7")
        )


def test_a_package_stored_by_the_old_code_opens(legacy: dict) -> None:
    store = LocalStore(FIXTURES)
    meta = legacy["package"]
    opening = Opening(meta["file_id"], bytes.fromhex(meta["wrapped_key"]), meta["key_id"])
    chunks = list(sealing.open_object(store, "legacy-package.wkpkg", opening))
    assert len(chunks) == 3  # written in 4096-byte chunks
    plaintext = b"".join(chunks)
    assert plaintext == b"".join(hashlib.sha256(str(i).encode()).digest() for i in range(300))
    assert len(plaintext) == meta["size"] and hashlib.sha256(plaintext).hexdigest() == meta["sha256"]


def test_a_cut_legacy_package_is_refused(legacy: dict, store: LocalStore) -> None:
    meta = legacy["package"]
    raw = (FIXTURES / "legacy-package.wkpkg").read_bytes()
    store.put(meta["file_id"], [raw[: 6 + 16 + 4096 + 16]])  # the first chunk alone: it was not the last
    with pytest.raises(Unreadable):
        sealing.read_object(
            store, meta["file_id"], Opening(meta["file_id"], bytes.fromhex(meta["wrapped_key"]), "school-7")
        )
