"""Where sealed objects live: one interface for the local disk today and S3 later (design/storage.md).

An object is a name (a relative path such as `7/12/2026-12-07/<uuid>.wkseg`) and its bytes, which are
always ciphertext: objects are sealed (sealing.py) before they reach a store, so no store ever holds
plaintext and a store needs no key. The contract every backend keeps:

* `put` returns only when the object is durable (locally: temp file + fsync + rename + fsync dir; on S3:
  a completed upload). Until then readers see the old object or none, never part of the new one.
* Objects stream in and out as iterables of byte chunks, so a one-hour package (~900 MB) or a DVR file
  (several GB) is never whole in memory.
* `partials` names the objects whose put never finished (a crash, a full disk): local temporary twins,
  on S3 incomplete multipart uploads. `delete` removes an object and any partial of it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import Protocol

from watchkeeper.storage.durable import (
    TMP_SUFFIX,
    ensure_dir,
    fsync_dir,
    unlink_durably,
    write_durably,
    write_fd,
)

READ_BYTES = 1 << 20


class ObjectMissing(FileNotFoundError):
    """No object of that name is in the store."""


class ObjectStore(Protocol):
    def put(self, name: str, chunks: Iterable[bytes]) -> int:
        """Store the object (replacing any of that name); its size once durable."""

    def create(self, name: str, chunks: Iterable[bytes]) -> bool:
        """Store the object only if none of that name exists; False (nothing written) when one does."""

    def get(self, name: str) -> Iterator[bytes]:
        """The object's bytes in chunks; ObjectMissing (raised at once, not when iterated) if absent."""

    def get_range(self, name: str, start: int, length: int) -> Iterator[bytes]:
        """Bytes [start, start + length) of the object, fewer where it ends first."""

    def size(self, name: str) -> int:
        """The object's size in bytes; ObjectMissing if absent."""

    def exists(self, name: str) -> bool: ...

    def delete(self, name: str) -> bool:
        """Remove the object and any partial put of it, durably; True when something went."""

    def delete_many(self, names: Iterable[str]) -> int:
        """`delete` for a batch (S3: one DeleteObjects per 1000); how many objects or partials went."""

    def list(self, prefix: str = "") -> Iterator[str]:
        """The names of whole objects starting with `prefix`."""

    def partials(self, prefix: str = "") -> Iterator[str]:
        """The names of objects whose put was started and never finished."""


class LocalStore:
    """Objects as files under `root` (mode 0600 in 0700 folders)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()

    def path(self, name: str) -> Path:
        path = (self.root / name).resolve()
        if self.root not in path.parents:
            raise ValueError(f"object name {name!r} leaves the store at {self.root}")
        return path

    def put(self, name: str, chunks: Iterable[bytes]) -> int:
        return write_durably(self.path(name), chunks)

    def create(self, name: str, chunks: Iterable[bytes]) -> bool:
        path = self.path(name)
        if path.exists():
            return False
        ensure_dir(path.parent)
        # A uniquely named temporary file linked into place: `link` fails if another writer won the race.
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}{TMP_SUFFIX}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            try:
                write_fd(fd, chunks)
            finally:
                os.close(fd)
            os.link(tmp, path)
            created = True
        except FileExistsError:
            created = False
        finally:
            tmp.unlink(missing_ok=True)
        fsync_dir(path.parent)
        return created

    def _existing(self, name: str) -> Path:
        path = self.path(name)
        if not path.is_file():
            raise ObjectMissing(f"no object {name!r} in {self.root}")
        return path

    def get(self, name: str) -> Iterator[bytes]:
        return _read(self._existing(name), 0, None)

    def get_range(self, name: str, start: int, length: int) -> Iterator[bytes]:
        return _read(self._existing(name), start, length)

    def size(self, name: str) -> int:
        try:
            return self.path(name).stat().st_size
        except FileNotFoundError:
            raise ObjectMissing(f"no object {name!r} in {self.root}") from None

    def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    def delete(self, name: str) -> bool:
        return unlink_durably(self.path(name))

    def delete_many(self, names: Iterable[str]) -> int:
        """Unlink every file, then fsync each directory once (a retention sweep erases thousands)."""
        removed, directories = 0, set()
        for name in names:
            path = self.path(name)
            for candidate in (path, path.with_name(path.name + TMP_SUFFIX)):
                with suppress(FileNotFoundError):
                    candidate.unlink()
                    removed += 1
            directories.add(path.parent)
        for directory in directories:
            if directory.exists():
                fsync_dir(directory)
        return removed

    def list(self, prefix: str = "") -> Iterator[str]:
        return (name for name in self._walk(prefix) if not name.endswith(TMP_SUFFIX))

    def partials(self, prefix: str = "") -> Iterator[str]:
        """Names that `delete` takes the unfinished files away with."""
        return (name[: -len(TMP_SUFFIX)] for name in self._walk(prefix) if name.endswith(TMP_SUFFIX))

    def _walk(self, prefix: str) -> Iterator[str]:
        for directory, _dirs, files in os.walk(self.root):
            for file in sorted(files):
                name = str((Path(directory) / file).relative_to(self.root))
                if name.startswith(prefix):
                    yield name


def _read(path: Path, start: int, length: int | None) -> Iterator[bytes]:
    """Chunks of the file from `start`, `length` bytes (None: to the end). Opened when first iterated, so
    a stream nobody reads holds no descriptor."""
    fd = os.open(path, os.O_RDONLY)
    try:
        left = length
        while left is None or left > 0:
            block = os.pread(fd, READ_BYTES if left is None else min(READ_BYTES, left), start)
            if not block:
                return
            yield block
            start += len(block)
            if left is not None:
                left -= len(block)
    finally:
        os.close(fd)
