"""Readers for objects written before the one sealed format (issue 12 §5): they stay on schools' disks.

* `WKSEG\\x01` (recording segments): MAGIC, a 12-byte nonce, then the whole segment as one AES-256-GCM
  ciphertext-and-tag; associated data `watchkeeper-segment:<segment id>`.
* `WKPKG\\x01` (stored packages): MAGIC, then chunks of `4-byte big-endian length + 12-byte nonce +
  ciphertext-and-tag`; associated data `watchkeeper-package:<file id>:<index>:<1 if last else 0>`.

Nothing writes these formats any more. Fixtures written by the old code are in tests/storage/fixtures/.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from watchkeeper.storage.keys import Unreadable
from watchkeeper.storage.reader import ChunkReader

SEGMENT_MAGIC = b"WKSEG\x01"
PACKAGE_MAGIC = b"WKPKG\x01"
NONCE = 12
TAG = 16
LENGTH = struct.Struct(">I")


def _decrypt(aead: AESGCM, nonce: bytes, sealed: bytes, aad: str, where: str) -> bytes:
    try:
        return aead.decrypt(nonce, sealed, aad.encode())
    except InvalidTag:
        raise Unreadable(f"authentication failed: the {where} is damaged or belongs to another") from None


def segment(reader: ChunkReader, aead: AESGCM, object_id: str) -> Iterator[bytes]:
    nonce = reader.read(NONCE)
    rest = b"".join(iter(lambda: reader.read(1 << 20), b""))
    if len(nonce) < NONCE or len(rest) < TAG:
        raise Unreadable("not a Watchkeeper segment blob")
    yield _decrypt(aead, nonce, rest, f"watchkeeper-segment:{object_id}", "segment blob")


def package(reader: ChunkReader, aead: AESGCM, object_id: str) -> Iterator[bytes]:
    index = 0
    while True:
        header = reader.read(LENGTH.size + NONCE)
        if len(header) < LENGTH.size + NONCE:
            raise Unreadable("the stored copy is cut short")
        (length,) = LENGTH.unpack(header[: LENGTH.size])
        sealed = reader.read(length)
        final = reader.at_end()
        aad = f"watchkeeper-package:{object_id}:{index}:{int(final)}"
        yield _decrypt(aead, header[LENGTH.size :], sealed, aad, f"stored copy (chunk {index})")
        if final:
            return
        index += 1


FORMATS: dict[bytes, Callable[[ChunkReader, AESGCM, str], Iterator[bytes]]] = {
    SEGMENT_MAGIC: segment,
    PACKAGE_MAGIC: package,
}
