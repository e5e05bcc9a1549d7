"""Exact-size reads from a stream of chunks of any size (what a store's `get` yields)."""

from __future__ import annotations

from collections.abc import Iterable


class ChunkReader:
    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._buffer = bytearray()

    def _fill(self, size: int) -> None:
        while len(self._buffer) < size:
            block = next(self._chunks, b"")
            if not block:
                return
            self._buffer += block

    def read(self, size: int) -> bytes:
        """Up to `size` bytes: fewer only at the end of the stream."""
        self._fill(size)
        taken = bytes(self._buffer[:size])
        del self._buffer[:size]
        return taken

    def at_end(self) -> bool:
        self._fill(1)
        return not self._buffer
