"""Sealing: every object is encrypted before it reaches a store, and opened only in memory (9.1, 9.3, 13.1).

Format `WKOBJ\\x01` (design/storage.md, "Formats"): MAGIC, a 4-byte big-endian chunk size, then chunks of
`12-byte nonce + AES-256-GCM ciphertext-and-tag`. Every chunk but the last holds exactly `chunk size`
plaintext bytes and the last holds at most that (an empty object is one empty chunk), so a byte range of
the plaintext maps to a byte range of the object without reading the rest. The associated data of a chunk
binds the object id, the chunk's index and whether it is the last, so chunks cannot be swapped between
objects, reordered or cut off the end unnoticed. Files written before this format (`WKSEG\\x01` segments,
`WKPKG\\x01` packages) still open: `legacy.py`, chosen by their magic.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from watchkeeper.core.clauses import enforces
from watchkeeper.storage import legacy
from watchkeeper.storage.keys import Unreadable, new_object_key, school_key, unwrap
from watchkeeper.storage.reader import ChunkReader
from watchkeeper.storage.store import ObjectStore

MAGIC = b"WKOBJ\x01"
CHUNK_SIZE = struct.Struct(">I")
HEADER_BYTES = len(MAGIC) + CHUNK_SIZE.size
NONCE = 12
TAG = 16
OVERHEAD = NONCE + TAG
CHUNK = 1 << 20  # 1 MiB: little memory per stream, 0.003% overhead, a short read for a player's seek
MAGIC_BYTES = len(MAGIC)  # every format's magic is six bytes


@dataclass(frozen=True)
class Sealed:
    """What the database keeps about a sealed object (the object itself is in a store)."""

    wrapped_key: bytes
    key_id: str
    size: int  # plaintext bytes
    stored_bytes: int  # object bytes
    sha256: str  # of the plaintext


@dataclass(frozen=True)
class Opening:
    """What opening an object needs: the id its chunks are bound to, and its wrapped key."""

    object_id: str
    wrapped_key: bytes | None
    key_id: str
    wrapping_key: bytes | None = None  # None: the school key `key_id` from the key store


def _aad(object_id: str, index: int, final: bool) -> bytes:
    return f"watchkeeper-object:{object_id}:{index}:{int(final)}".encode()


def _blocks(plaintext: Iterable[bytes], size: int) -> Iterator[tuple[bytes, bool]]:
    """The plaintext re-cut into `size`-byte blocks, each with whether it is the last. A block leaves only
    once a byte after it has arrived, so the last is known; an empty plaintext is one empty block."""
    buffer = bytearray()
    for piece in plaintext:
        buffer += piece
        while len(buffer) > size:
            yield bytes(buffer[:size]), False
            del buffer[:size]
    yield bytes(buffer), True


class Sealer:
    """Seals one object as it streams past, under a fresh key wrapped by the school key."""

    def __init__(
        self, object_id: str, key_id: str, *, wrapping_key: bytes | None = None, chunk: int = CHUNK
    ) -> None:
        self.object_id, self.key_id, self.chunk = object_id, key_id, chunk
        key, self.wrapped_key = new_object_key(wrapping_key or school_key(key_id))
        self._aead = AESGCM(key)
        self._digest = hashlib.sha256()
        self.size = 0
        self.stored_bytes = 0

    @enforces("9.3", "R15")
    def sealed(self, plaintext: Iterable[bytes]) -> Iterator[bytes]:
        yield self._count(MAGIC + CHUNK_SIZE.pack(self.chunk))
        for index, (block, final) in enumerate(_blocks(plaintext, self.chunk)):
            self._digest.update(block)
            self.size += len(block)
            nonce = os.urandom(NONCE)
            yield self._count(nonce + self._aead.encrypt(nonce, block, _aad(self.object_id, index, final)))

    def _count(self, data: bytes) -> bytes:
        self.stored_bytes += len(data)
        return data

    def result(self) -> Sealed:
        """Once the stream is consumed: what the database keeps."""
        return Sealed(self.wrapped_key, self.key_id, self.size, self.stored_bytes, self._digest.hexdigest())


def seal_bytes(
    plaintext: bytes, object_id: str, key_id: str, wrapping_key: bytes | None = None
) -> tuple[bytes, Sealed]:
    """A small object (a segment) sealed in memory: its bytes and what the database keeps."""
    sealer = Sealer(object_id, key_id, wrapping_key=wrapping_key)
    blob = b"".join(sealer.sealed([plaintext]))
    return blob, sealer.result()


def put_sealed(
    store: ObjectStore, name: str, plaintext: Iterable[bytes], object_id: str, key_id: str
) -> Sealed:
    """Seal the stream into the store; returns once the object is durable."""
    sealer = Sealer(object_id, key_id)
    store.put(name, sealer.sealed(plaintext))
    return sealer.result()


# --- opening ------------------------------------------------------------------------------------------------


@enforces("9.3", "R15")
def opened(chunks: Iterable[bytes], opening: Opening) -> Iterator[bytes]:
    """The plaintext of a sealed object's bytes, chunk by chunk. The key is unwrapped at once (Unreadable
    here when it is destroyed); damage is found, and raised, as the stream reaches it."""
    key = unwrap(opening.wrapped_key, opening.key_id, opening.wrapping_key)
    return _opened(ChunkReader(chunks), AESGCM(key), opening.object_id)


def _opened(reader: ChunkReader, aead: AESGCM, object_id: str) -> Iterator[bytes]:
    magic = reader.read(MAGIC_BYTES)
    if magic == MAGIC:
        yield from _chunks(reader, aead, object_id)
    elif magic in legacy.FORMATS:
        yield from legacy.FORMATS[magic](reader, aead, object_id)
    else:
        raise Unreadable("not a Watchkeeper sealed object")


def _chunks(reader: ChunkReader, aead: AESGCM, object_id: str) -> Iterator[bytes]:
    (chunk,) = CHUNK_SIZE.unpack(reader.read(CHUNK_SIZE.size).rjust(CHUNK_SIZE.size, b"\0"))
    index = 0
    while True:
        block = reader.read(chunk + OVERHEAD)
        if len(block) < OVERHEAD:
            raise Unreadable(f"the object is cut short (chunk {index})")
        final = reader.at_end()
        yield _decrypt(aead, block, _aad(object_id, index, final), index)
        if final:
            return
        index += 1


def _decrypt(aead: AESGCM, block: bytes, aad: bytes, index: int) -> bytes:
    view = memoryview(block)  # slices without copying a megabyte
    try:
        return aead.decrypt(view[:NONCE], view[NONCE:], aad)
    except InvalidTag:
        raise Unreadable(
            f"authentication failed: the object is damaged or belongs to another (chunk {index})"
        ) from None


def open_object(store: ObjectStore, name: str, opening: Opening) -> Iterator[bytes]:
    """The plaintext of the stored object `name`, streamed; ObjectMissing or Unreadable at once when the
    object or its key is gone."""
    return opened(store.get(name), opening)


def read_object(store: ObjectStore, name: str, opening: Opening) -> bytes:
    """A small object's plaintext, whole, in memory (never on disk)."""
    return b"".join(open_object(store, name, opening))


def plaintext_size(store: ObjectStore, name: str, opening: Opening) -> int:
    """How many plaintext bytes the stored object holds: a `WKOBJ` object's from its layout, without
    opening it; an object in a legacy format's by opening it as a stream (they are small: segments)."""
    head = b"".join(store.get_range(name, 0, HEADER_BYTES))
    if head.startswith(MAGIC) and len(head) == HEADER_BYTES:
        (chunk,) = CHUNK_SIZE.unpack(head[MAGIC_BYTES:])
        unwrap(opening.wrapped_key, opening.key_id, opening.wrapping_key)  # a destroyed key: Unreadable now
        return Layout(chunk, store.size(name)).plaintext_size
    return sum(len(piece) for piece in open_object(store, name, opening))


def open_range(store: ObjectStore, name: str, opening: Opening, start: int, end: int) -> Iterator[bytes]:
    """Plaintext bytes [start, end) of a stored object, reading only the chunks that hold them. Objects in
    a legacy format have no fixed chunk layout: they are streamed from the start and cut."""
    key = unwrap(opening.wrapped_key, opening.key_id, opening.wrapping_key)
    head = b"".join(store.get_range(name, 0, HEADER_BYTES))
    if not head.startswith(MAGIC) or len(head) < HEADER_BYTES:
        return _cut(_opened(ChunkReader(store.get(name)), AESGCM(key), opening.object_id), start, end)
    (chunk,) = CHUNK_SIZE.unpack(head[MAGIC_BYTES:])
    layout = Layout(chunk, store.size(name))
    return _range(store, name, AESGCM(key), opening.object_id, layout, start, min(end, layout.plaintext_size))


@dataclass(frozen=True)
class Layout:
    """Where the chunks of a `WKOBJ` object lie."""

    chunk: int
    stored_bytes: int

    @property
    def chunks(self) -> int:
        step = self.chunk + OVERHEAD
        return max(1, -(-(self.stored_bytes - HEADER_BYTES) // step))

    @property
    def plaintext_size(self) -> int:
        return max(0, self.stored_bytes - HEADER_BYTES - self.chunks * OVERHEAD)

    def offset(self, index: int) -> int:
        return HEADER_BYTES + index * (self.chunk + OVERHEAD)


def _range(
    store: ObjectStore, name: str, aead: AESGCM, object_id: str, layout: Layout, start: int, end: int
) -> Iterator[bytes]:
    if end <= start:
        return
    first, last = start // layout.chunk, (end - 1) // layout.chunk
    reader = ChunkReader(
        store.get_range(name, layout.offset(first), layout.offset(last + 1) - layout.offset(first))
    )
    for index in range(first, last + 1):
        block = reader.read(layout.chunk + OVERHEAD)
        if len(block) < OVERHEAD:
            raise Unreadable(f"the object is cut short (chunk {index})")
        plain = _decrypt(aead, block, _aad(object_id, index, index == layout.chunks - 1), index)
        base = index * layout.chunk
        yield plain[max(0, start - base) : end - base]


def _cut(chunks: Iterator[bytes], start: int, end: int) -> Iterator[bytes]:
    at = 0
    for piece in chunks:
        if at >= end:
            return
        if at + len(piece) > start:
            yield piece[max(0, start - at) : end - at]
        at += len(piece)
