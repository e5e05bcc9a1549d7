"""Durable local files: what "written" means on a POSIX disk (design/storage.md, "Write procedure").

A file is durable when its bytes and its directory entry are both on disk: write a temporary twin, fsync
it, rename it into place, fsync the directory. A crash at any point leaves either the old state or the
new one, and at worst a temporary twin that the next collection removes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path

from watchkeeper.core.private_files import fsync_dir

TMP_SUFFIX = ".tmp"

__all__ = ["TMP_SUFFIX", "ensure_dir", "fsync_dir", "unlink_durably", "write_durably", "write_fd"]


def ensure_dir(path: Path) -> None:
    """mkdir -p, fsyncing each parent whose entry we created, so a new day's directory survives a crash."""
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        probe = probe.parent
    for directory in reversed(missing):
        with suppress(FileExistsError):
            directory.mkdir(mode=0o700)
        fsync_dir(directory.parent)


def write_fd(fd: int, chunks: Iterable[bytes]) -> int:
    """Write every chunk to `fd` and fsync it; the number of bytes written."""
    total = 0
    for chunk in chunks:
        view = memoryview(chunk)
        while view:
            view = view[os.write(fd, view) :]
        total += len(chunk)
    os.fsync(fd)
    return total


def write_durably(path: Path, chunks: Iterable[bytes]) -> int:
    """Write `path` via its temporary twin: fsync the file, rename, fsync the directory. Bytes written."""
    ensure_dir(path.parent)
    tmp = path.with_name(path.name + TMP_SUFFIX)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        total = write_fd(fd, chunks)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    os.rename(tmp, path)
    fsync_dir(path.parent)
    return total


def unlink_durably(path: Path) -> bool:
    """Remove `path` and its temporary twin if present; fsync the directory. True when a file went."""
    removed = False
    for candidate in (path, path.with_name(path.name + TMP_SUFFIX)):
        with suppress(FileNotFoundError):
            candidate.unlink()
            removed = True
    if path.parent.exists():
        fsync_dir(path.parent)
    return removed
