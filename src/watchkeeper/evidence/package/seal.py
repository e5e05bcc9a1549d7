"""Sealing: every member streamed into the encrypted ZIP in chunks and hashed in the same pass, then the
manifest and its signature (design/evidence.md "Evidence packages")."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyzipper
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyzipper.zipfile_aes import AESZipInfo

from watchkeeper.evidence.package.manifest import manifest_for, public_pem, readme
from watchkeeper.evidence.package.model import (
    CHUNK,
    LONDON,
    MANIFEST,
    PUBLIC_KEY,
    README,
    SIGNATURE,
    Extra,
    Metadata,
    Piece,
    _Part,
    master_name,
)
from watchkeeper.evidence.package.progress import _Copies, _Ticker
from watchkeeper.evidence.package.zipcrypt import _SealedZip


def _seal(
    path: Path,
    parts: list[_Part],
    pieces: list[Piece],
    meta: Metadata,
    password: str,
    key: Ed25519PrivateKey,
    extras: dict[str, Extra],
    copies: _Copies | None,
    ticker: _Ticker,
    include_master: bool,
) -> dict[str, Any]:
    partial = path.with_name(path.name + ".partial")
    stamp = meta.created_at.astimezone(LONDON).timetuple()[:6]
    hashes: dict[str, str] = {}
    try:
        with _SealedZip(partial, "w", compression=zipfile.ZIP_STORED, encryption=pyzipper.WZ_AES) as z:
            z.setpassword(password.encode())
            writer = _Writer(z, stamp, ticker)
            if include_master:
                ticker.stage(0.25, 0.5, sum(part.file.stat().st_size for part in parts))
                for part in parts:  # already checked against the recorded SHA-256
                    writer.add(master_name(part.piece), part.file)
                    hashes[master_name(part.piece)] = part.piece.sha256
            ticker.stage(0.5, 0.55, sum(d.stat().st_size for d in extras.values() if isinstance(d, Path)))
            for name, data in extras.items():
                hashes[name] = writer.add(name, data)
            made = copies.wait(ticker) if copies is not None else []
            ticker.stage(0.8, 0.99, sum(copy.file.stat().st_size for copy in made))
            for copy in made:
                hashes[copy.name] = writer.add(copy.name, copy.file)
            hashes[README] = writer.add(README, readme(meta, include_master, made, list(extras)))
            hashes[PUBLIC_KEY] = writer.add(PUBLIC_KEY, public_pem(key.public_key()))
            manifest = manifest_for(meta, pieces, hashes, include_master=include_master, copies=made)
            encoded = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            writer.add(MANIFEST, encoded)
            writer.add(SIGNATURE, key.sign(encoded))
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


class _Writer:
    """Streams members into the open ZIP in chunks, hashing them in the same pass."""

    def __init__(self, z: _SealedZip, stamp: tuple[int, ...], ticker: _Ticker) -> None:
        self._z, self._stamp, self._ticker = z, stamp, ticker

    def add(self, name: str, source: Extra) -> str:
        info = AESZipInfo(name, date_time=self._stamp)
        info.compress_type = zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        info.file_size = source.stat().st_size if isinstance(source, Path) else len(source)
        digest = hashlib.sha256()
        with self._z.open(info, "w") as out:
            for chunk in _chunks(source):
                digest.update(chunk)
                out.write(chunk)
                if isinstance(source, Path):
                    self._ticker.add(len(chunk))
        return digest.hexdigest()


def _chunks(source: Extra) -> Iterator[Any]:
    if not isinstance(source, Path):
        view = memoryview(source)
        for at in range(0, len(view), CHUNK):
            yield view[at : at + CHUNK]
        return
    with source.open("rb", buffering=0) as handle:
        buffer = bytearray(CHUNK)
        view = memoryview(buffer)
        while count := handle.readinto(buffer):
            yield view[:count]
