"""Exact-size reads from a stream of chunks of any size (what a store's `get` yields).

Each byte is copied once (into the block `read` returns): sealed chunks are 28 bytes longer than the
store's read size, so nearly every block spans two of the stream's chunks."""

from __future__ import annotations

from collections.abc import Iterable


class ChunkReader:
    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._head = memoryview(b"")

    def _next(self) -> bool:
        while not self._head:
            block = next(self._chunks, None)
            if block is None:
                return False
            self._head = memoryview(block)
        return True

    def read(self, size: int) -> bytes:
        """Up to `size` bytes: fewer only at the end of the stream."""
        parts = []
        while size > 0 and self._next():
            part = self._head[:size]
            self._head = self._head[len(part) :]
            parts.append(part)
            size -= len(part)
        return b"".join(parts)

    def at_end(self) -> bool:
        return not self._next()
