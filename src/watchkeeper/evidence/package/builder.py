"""Building a sealed package (9.3, 9.5, 10.4.1; design/evidence.md "Evidence packages").

The build streams: a piece's plaintext may be given as bytes, as a file, or as a callable that returns one
segment's bytes when it is needed, and every member is written to the ZIP in chunks, so an hour of footage
(~900 MB) is never held in memory.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections import deque
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from watchkeeper.core.clauses import enforces
from watchkeeper.evidence.package.model import (
    CHUNK,
    RESERVED,
    WORKING_COPY,
    WORKING_COPY_DIR,
    Extra,
    Metadata,
    PackageError,
    Piece,
    _Part,
)
from watchkeeper.evidence.package.progress import Progress, _Copies, _Count, _Ticker
from watchkeeper.evidence.package.seal import _seal
from watchkeeper.evidence.package.working_copy import BURN_IN_LIMIT, _working_copies


@enforces("9.3", "R16", "R17", "R18", "R19")
def build(
    path: Path,
    pieces: list[Piece],
    meta: Metadata,
    password: str,
    key: Ed25519PrivateKey,
    *,
    include_master: bool = True,
    working_copy: bool = True,
    extra_files: Mapping[str, Extra] | None = None,
    burn_in: bool | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Write the sealed package to `path` (via a temporary file beside it); returns its manifest.

    `include_master=False` leaves the original segments out (a redacted subject-access package: no
    unredacted footage leaves, 10.4.1) — they are still described in the manifest with their SHA-256;
    `working_copy=False` leaves the working copy out; `extra_files` adds members (bytes or a file), hashed
    into the manifest like every other file. `burn_in` forces the working copy's clock to be burned in
    (True) or a timed-text track (False); None chooses by length (BURN_IN_LIMIT). Decrypted footage only
    touches a temporary directory beside `path`, deleted afterwards."""
    extras = dict(extra_files or {})
    for name in extras:
        _check_extra_name(name)
    needed = include_master or (working_copy and bool(pieces))
    ticker = _Ticker(progress)
    with tempfile.TemporaryDirectory(prefix=".wk-build-", dir=_ensure_dir(path.parent)) as tmp:
        work = Path(tmp)
        ticker.stage(0.0, 0.25, len(pieces))
        parts = _materialise(pieces, work, ticker) if needed else []
        encoded = _Count()
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="wk-working-copy") as pool:
            # The working copy (ffmpeg) is made while the masters are being sealed: two cores, two jobs.
            copies: _Copies | None = None
            if working_copy and parts:
                choose = burn_in if burn_in is not None else _footage(pieces) <= BURN_IN_LIMIT
                copies = _Copies(
                    pool.submit(_working_copies, parts, work, choose, encoded), encoded, len(parts)
                )
            manifest = _seal(path, parts, pieces, meta, password, key, extras, copies, ticker, include_master)
    ticker.finish()
    return manifest


def _ensure_dir(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _check_extra_name(name: str) -> None:
    clean = name.replace("\\", "/")
    parts = clean.split("/")
    if (
        not name
        or clean != name
        or name.startswith("/")
        or any(p in ("", ".", "..") for p in parts)
        or name in RESERVED
        or name.startswith(("master/", WORKING_COPY_DIR))
        or name == WORKING_COPY
    ):
        raise PackageError(f"{name!r} cannot be added to a package: a relative name not used by the package")


def _footage(pieces: list[Piece]) -> timedelta:
    return sum((p.end - p.start for p in pieces), timedelta())


def _materialise(pieces: list[Piece], work: Path, ticker: _Ticker) -> list[_Part]:
    """Each piece as a plaintext file, its SHA-256 checked against the recorded one (9.3) before anything
    is sealed. Bytes and callables are written into `work`; files are only read. The caller's callables run
    in this thread (they may use the database); hashing and writing run in a helper thread, one segment
    behind, so decrypting the next segment overlaps them — at most two segments are in memory."""
    parts: list[_Part] = []
    pending: deque[tuple[Piece, Path, Future[str]]] = deque()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="wk-materialise") as helper:
        for index, piece in enumerate(pieces):
            source = piece.plaintext
            if isinstance(source, Path):
                pending.append((piece, source, helper.submit(_file_sha, source)))
            else:
                data = source() if callable(source) else source
                file = work / f"in-{index}.mp4"
                pending.append((piece, file, helper.submit(_write_and_hash, data, file)))
                del data
            while len(pending) > 1:
                parts.append(_checked(*pending.popleft(), ticker))
        while pending:
            parts.append(_checked(*pending.popleft(), ticker))
    return parts


def _checked(piece: Piece, file: Path, digest: Future[str], ticker: _Ticker) -> _Part:
    if digest.result() != piece.sha256:
        raise PackageError(f"9.3: segment of {piece.camera_name} at {piece.start} does not match its SHA-256")
    ticker.add(1)
    return _Part(piece, file)


def _write_and_hash(data: bytes, file: Path) -> str:
    file.write_bytes(data)
    return _sha(data)


def _file_sha(file: Path) -> str:
    digest = hashlib.sha256()
    with file.open("rb", buffering=0) as handle:
        buffer = bytearray(CHUNK)
        view = memoryview(buffer)
        while count := handle.readinto(buffer):
            digest.update(view[:count])
    return digest.hexdigest()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
