"""A file read back from its sealed pieces (issue 16 §3): a seekable, read-only file object over an
upload's pieces, decrypting one piece at a time in memory. PyAV reads a DVR file through it, seeking as an
MP4 needs (the index is often at the end), and no plaintext of the file ever reaches the disk (9.3)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from watchkeeper.storage import sealing
from watchkeeper.storage.store import ObjectStore


@dataclass(frozen=True)
class Piece:
    name: str  # in the store
    size: int  # plaintext bytes
    opening: sealing.Opening


class SealedPieces(io.RawIOBase):
    """The pieces, in order, as one file. `seen` is told how far into the file reading has got."""

    def __init__(
        self, store: ObjectStore, pieces: Sequence[Piece], seen: Callable[[int], None] = lambda _: None
    ):
        super().__init__()
        self._store, self._pieces, self._seen = store, list(pieces), seen
        self._starts = [sum(p.size for p in self._pieces[:i]) for i in range(len(self._pieces))]
        self.size = sum(p.size for p in self._pieces)
        self._position = 0
        self._cached: tuple[int, bytes] | None = None  # (piece index, plaintext)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._position >= self.size or not len(buffer):
            return 0
        index = self._piece_at(self._position)
        plain = self._plaintext(index)
        local = self._position - self._starts[index]
        count = min(len(buffer), len(plain) - local)
        buffer[:count] = plain[local : local + count]
        self._position += count
        self._seen(self._position)
        return count

    def _piece_at(self, position: int) -> int:
        index = len(self._starts) - 1
        while self._starts[index] > position:
            index -= 1
        return index

    def _plaintext(self, index: int) -> bytes:
        if self._cached is None or self._cached[0] != index:
            piece = self._pieces[index]
            self._cached = (index, sealing.read_object(self._store, piece.name, piece.opening))
        return self._cached[1]
