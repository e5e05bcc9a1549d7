"""Files in the data dir are Watchkeeper's alone (issue 11 §4, §5). No Django here: settings.py uses it.

The data dir holds personal data (subject access requesters), camera stream addresses with passwords,
keys, footage and documents, so no other local user may read any of it (9.1):

* `private_umask()`: every Watchkeeper process sets umask 077 at start, so whatever it creates — SQLite
  databases, the job queue, keys, documents, recordings, exports — is 0600 in 0700 folders.
* `correct_modes(root)`: for data dirs made before that, takes group and other permissions off every path
  (or only the top level, cheap enough for every start: a 0700 folder already shuts others out of all
  below it). One message per path corrected.
* `create_once(path, content)`: creates a key file atomically. The content goes to a temporary file in the
  same folder, is fsynced, and is linked into place; `link` fails if another thread or process won the
  race, and then the winner's key is read. A key file is never seen empty or half written.
"""

from __future__ import annotations

import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path

from watchkeeper.core.clauses import enforces

PRIVATE_UMASK = 0o077


@enforces("9.1")
def private_umask() -> None:
    os.umask(PRIVATE_UMASK)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def create_once(path: Path, content: bytes) -> bytes:
    """What `path` holds; if it does not exist yet, it is created holding `content` (mode 0600).

    Exactly one caller's content wins, however many threads and processes race; the others get it."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        try:
            view = memoryview(content)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(temporary, path)  # atomic: the name appears with the whole content, or not at all
        except FileExistsError:
            content = path.read_bytes()  # another won the race; theirs was complete when it appeared
    finally:
        temporary.unlink(missing_ok=True)
    fsync_dir(path.parent)
    return content


@dataclass
class ModeReport:
    corrected: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


@enforces("9.1")
def correct_modes(root: Path, *, recursive: bool = True) -> ModeReport:
    """Take group and other permissions off `root` and what is in it (files 0600, folders 0700 when they
    had the usual 0644/0755). Symbolic links are left alone and not followed."""
    report = ModeReport()
    if not root.exists():
        return report
    _correct(root, report)
    if recursive:
        for directory, folders, files in os.walk(root):
            for name in [*folders, *files]:
                _correct(Path(directory) / name, report)
    else:
        for entry in os.scandir(root):
            _correct(Path(entry.path), report)
    return report


def _correct(path: Path, report: ModeReport) -> None:
    try:
        info = path.lstat()
    except FileNotFoundError:
        return  # went while we looked (a temporary file)
    if stat.S_ISLNK(info.st_mode):
        return
    mode = stat.S_IMODE(info.st_mode)
    if not mode & 0o077:
        return
    private = mode & 0o700
    kind = "folder" if stat.S_ISDIR(info.st_mode) else "file"
    try:
        os.chmod(path, private)
    except OSError as error:
        report.failed.append(f"{kind} {path} is {mode:04o} and could not be corrected: {error.strerror}")
        return
    report.corrected.append(f"{kind} {path} was {mode:04o} (open to other local users), now {private:04o}")
