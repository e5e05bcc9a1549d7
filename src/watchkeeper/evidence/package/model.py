"""What a sealed evidence package is made of: the member names, the pieces and facts a build is given, and the
names the members take (design/evidence.md "Evidence packages")."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
MANIFEST, SIGNATURE, PUBLIC_KEY, README, WORKING_COPY = (
    "manifest.json",
    "manifest.sig",
    "signing-key.pub",
    "README.txt",
    "working-copy.mp4",
)
WORKING_COPY_DIR = "working-copy/"  # one file per camera when a package has several
RESERVED = (MANIFEST, SIGNATURE, PUBLIC_KEY, README)
CHUNK = 1 << 18  # 256 KiB: ~10 % less CPU than 64 KiB for the sealing loop, still cache-sized

Source = bytes | Path | Callable[[], bytes]
Extra = bytes | Path


class PackageError(RuntimeError):
    """The package cannot be built."""


@dataclass(frozen=True)
class Piece:
    """One recorded segment to seal: its row's facts and its decrypted plaintext — as bytes, as a plaintext
    file, or as a callable that returns the bytes when the build reaches it (one segment in memory at a
    time)."""

    camera_id: int
    camera_name: str
    start: datetime
    end: datetime
    sha256: str
    clock_offset_ms: int | None
    plaintext: Source


@dataclass(frozen=True)
class Metadata:
    case_id: str
    school_id: int
    school_name: str
    start: datetime
    end: datetime
    requested_by: str
    authorised_by: str
    authorised_at: datetime
    reason: str
    created_at: datetime
    # 9.6: the CCTV administrator's release of each evidential hold over the footage (evidence/holds.py).
    hold_releases: tuple[dict[str, Any], ...] = field(default=())
    # A still image instead of footage (evidence/stills.py): its file, camera and moment.
    still: dict[str, Any] | None = None
    # A package that only adds the burned-in working copy of a long package (evidence/burned_copy.py, 9.3):
    # the case id of the package that holds the masters.
    working_copy_of: str | None = None


@dataclass(frozen=True)
class _Part:
    """A piece as a plaintext file (the caller's, or written into the build's temporary directory)."""

    piece: Piece
    file: Path


@dataclass(frozen=True)
class _Copy:
    name: str  # member name in the ZIP
    camera_id: int
    camera_name: str
    clock: str  # "burned-in" or "timed-text"
    file: Path


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "camera"


def master_name(piece: Piece) -> str:
    stamp = piece.start.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%S.%fZ")
    return f"master/{piece.camera_id}-{_slug(piece.camera_name)}/{stamp}.mp4"


def _local(at: datetime) -> str:
    return at.astimezone(LONDON).strftime("%d/%m/%Y %H:%M:%S %Z")
