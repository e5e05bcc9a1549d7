"""Sealed evidence packages (9.5, 11.3, 11.4, 11.6; design/evidence.md "Evidence packages").

One ZIP encrypted with WinZip AES-256 (pyzipper; 7-Zip opens it) holding:

- `master/<camera>/<UTC start>.mp4`: the original segments, bit-exact as recorded (never transcoded);
- `working-copy.mp4`: one MP4 for VLC and browsers with the local date and time burned into the picture;
- `manifest.json`: case, school, cameras, UTC range and Europe/London display, clock offsets, the SHA-256 of
  every other file, who asked, who authorised and when;
- `manifest.sig` + `signing-key.pub`: an Ed25519 signature of manifest.json by the school's signing key;
- `README.txt`: the cover letter (11.4) and how to verify.

The password is generated here, handed back once and never stored or logged (11.6).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import subprocess
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyzipper
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from watchkeeper.core.keyfiles import load_or_create_key

LONDON = ZoneInfo("Europe/London")
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"  # Debian fonts-dejavu-core
# No 0/O, 1/l/I: the password is read out or typed from a separate message (11.6).
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
PASSWORD_LENGTH = 24
MANIFEST, SIGNATURE, PUBLIC_KEY, README, WORKING_COPY = (
    "manifest.json",
    "manifest.sig",
    "signing-key.pub",
    "README.txt",
    "working-copy.mp4",
)
FFMPEG_TIMEOUT = 600


class PackageError(RuntimeError):
    """The package cannot be built."""


@dataclass(frozen=True)
class Piece:
    """One recorded segment to seal: its row's facts and its decrypted plaintext."""

    camera_id: int
    camera_name: str
    start: datetime
    end: datetime
    sha256: str
    clock_offset_ms: int | None
    plaintext: bytes


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


@dataclass(frozen=True)
class Verdict:
    ok: bool
    problem: str = ""


def new_password() -> str:
    """≥ 20 random characters from a clear alphabet (11.6). Returned once; never stored or logged."""
    return "".join(secrets.choice(ALPHABET) for _ in range(PASSWORD_LENGTH))


def signing_key(school_id: int) -> Ed25519PrivateKey:
    """The school's Ed25519 signing key: a 32-byte seed kept as a key file in the data dir."""
    return Ed25519PrivateKey.from_private_bytes(load_or_create_key(f"school-{school_id}-signing"))


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "camera"


def master_name(piece: Piece) -> str:
    stamp = piece.start.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%S.%fZ")
    return f"master/{piece.camera_id}-{_slug(piece.camera_name)}/{stamp}.mp4"


def _local(at: datetime) -> str:
    return at.astimezone(LONDON).strftime("%d/%m/%Y %H:%M:%S %Z")


def working_copy(pieces: list[Piece]) -> bytes:
    """One H.264 MP4 of every segment in order with the camera and local date and time burned in.

    Decoding and encoding happen only here: the working copy is a deliverable made for convenience, not a
    recording — the master copy beside it stays bit-exact. Each segment is encoded on its own so the burned
    clock restarts from that segment's recorded start (gaps between segments stay honest), then the
    parts are joined without re-encoding. Everything decrypted goes into a temporary directory that is
    deleted afterwards, so no plaintext footage is left on disk."""
    with tempfile.TemporaryDirectory(prefix="wk-export-") as tmp:
        parts = [_encode_part(Path(tmp), i, p) for i, p in enumerate(pieces)]
        listing = Path(tmp) / "parts.txt"
        listing.write_text("".join(f"file '{p.name}'\n" for p in parts))
        out = Path(tmp) / WORKING_COPY
        _ffmpeg(["-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy"], out)
        return out.read_bytes()


def _encode_part(tmp: Path, index: int, piece: Piece) -> Path:
    source, part = tmp / f"in-{index}.mp4", tmp / f"part-{index}.mp4"
    source.write_bytes(piece.plaintext)
    label = re.sub(r"[^A-Za-z0-9 ]+", " ", piece.camera_name)[:40]
    epoch = f"{piece.start.timestamp():.3f}"
    text = f"{label}  %{{pts\\:localtime\\:{epoch}\\:%d/%m/%Y %H\\\\\\:%M\\\\\\:%S %Z}}"
    video_filter = (
        "scale=1280:720:force_original_aspect_ratio=decrease,pad=1280:720:(ow-iw)/2:(oh-ih)/2,"
        f"drawtext=fontfile={FONT}:text='{text}':x=12:y=12:fontsize=28:fontcolor=white:"
        "box=1:boxcolor=black@0.6:boxborderw=6"
    )
    args = ["-i", str(source), "-an", "-vf", video_filter, "-c:v", "libx264", "-preset", "veryfast"]
    _ffmpeg([*args, "-pix_fmt", "yuv420p", "-r", "25", "-video_track_timescale", "90000"], part)
    source.unlink()
    return part


def _ffmpeg(args: list[str], out: Path) -> None:
    command = ["ffmpeg", "-nostdin", "-v", "error", *args, "-movflags", "+faststart", "-y", str(out)]
    # The burned-in clock is the school's local time (Europe/London, summer time included).
    env = {**os.environ, "TZ": "Europe/London"}
    result = subprocess.run(command, capture_output=True, timeout=FFMPEG_TIMEOUT, env=env, check=False)
    if result.returncode != 0:
        raise PackageError(f"ffmpeg failed: {result.stderr.decode(errors='replace')[-500:]}")


def manifest_for(meta: Metadata, pieces: list[Piece], files: dict[str, bytes]) -> dict[str, Any]:
    cameras: dict[int, dict[str, Any]] = {}
    for p in pieces:
        entry = cameras.setdefault(p.camera_id, {"id": p.camera_id, "name": p.camera_name, "segments": []})
        entry["segments"].append(
            {
                "file": master_name(p),
                "start_utc": p.start.isoformat(),
                "end_utc": p.end.isoformat(),
                "start_local": _local(p.start),
                "clock_offset_ms": p.clock_offset_ms,
                "sha256": p.sha256,
            }
        )
    return {
        "format": "watchkeeper-evidence-package/1",
        "case_id": meta.case_id,
        "school": {"id": meta.school_id, "name": meta.school_name},
        "range_utc": [meta.start.isoformat(), meta.end.isoformat()],
        "range_local": [_local(meta.start), _local(meta.end)],
        "time_zone": "Europe/London",
        "cameras": list(cameras.values()),
        "requested_by": meta.requested_by,
        "authorised_by": meta.authorised_by,
        "authorised_at": meta.authorised_at.isoformat(),
        "reason": meta.reason,
        "created_at": meta.created_at.isoformat(),
        "files": {name: _sha(data) for name, data in sorted(files.items())},
    }


def readme(meta: Metadata) -> bytes:
    return (
        f"Evidence package {meta.case_id} from {meta.school_name}\n"
        f"Footage from {_local(meta.start)} to {_local(meta.end)} (UK local time).\n\n"
        "This recording remains the property of the school. It may not be passed on to anyone else without\n"
        "the school's written permission, and it must not be posted on social media or shared online\n"
        "(CCTV policy 11.4). The password was sent to you separately from this file (11.6).\n\n"
        "Contents\n"
        "  master/           the original recordings, bit-exact as recorded (never altered)\n"
        "  working-copy.mp4  a viewing copy with the date and time shown in the picture\n"
        "  manifest.json     what was recorded, by which camera, when, who asked and who authorised it,\n"
        "                    and the SHA-256 of every file\n"
        "  manifest.sig      the school's Ed25519 signature of manifest.json\n"
        "  signing-key.pub   the school's public signing key\n\n"
        "How to verify\n"
        "  watchkeeper export verify PACKAGE.zip --password-file FILE\n"
        "  or by hand: compute the SHA-256 of each file (e.g. `sha256sum`) and compare it with the value in\n"
        "  manifest.json (files, and each camera's segments for the master copy), and check manifest.sig\n"
        "  against signing-key.pub (Ed25519) and against the key the school publishes.\n"
    ).encode()


def build(
    path: Path, pieces: list[Piece], meta: Metadata, password: str, key: Ed25519PrivateKey
) -> dict[str, Any]:
    """Write the sealed package to `path` (via a temporary file beside it); returns its manifest."""
    for p in pieces:
        if _sha(p.plaintext) != p.sha256:
            raise PackageError(f"9.3: segment of {p.camera_name} at {p.start} does not match its SHA-256")
    files: dict[str, bytes] = {master_name(p): p.plaintext for p in pieces}
    files[WORKING_COPY] = working_copy(pieces)
    files[README] = readme(meta)
    files[PUBLIC_KEY] = public_pem(key.public_key())
    manifest = json.dumps(manifest_for(meta, pieces, files), indent=2, ensure_ascii=False).encode()
    files[MANIFEST] = manifest
    files[SIGNATURE] = key.sign(manifest)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with pyzipper.AESZipFile(partial, "w", compression=zipfile.ZIP_STORED, encryption=pyzipper.WZ_AES) as z:
        z.setpassword(password.encode())
        z.setencryption(pyzipper.WZ_AES, nbits=256)
        for name, data in files.items():
            z.writestr(name, data)
    partial.replace(path)
    return json.loads(manifest)


def verify(path: Path, password: str, trusted: list[Ed25519PublicKey] | None = None) -> Verdict:
    """Decrypt every file, check every hash in the manifest and the signature (by the key in the package
    and, when given, by each `trusted` key). Names the first failure."""
    try:
        files = _read_all(path, password)
    except _Unreadable as error:
        return Verdict(False, str(error))
    for name in (MANIFEST, SIGNATURE, PUBLIC_KEY):
        if name not in files:
            return Verdict(False, f"{name} is missing from the package")
    try:
        manifest = json.loads(files[MANIFEST])
        listed: dict[str, str] = dict(manifest["files"])
    except (ValueError, KeyError, TypeError):
        return Verdict(False, f"{MANIFEST} is not a valid manifest")
    for name, expected in listed.items():
        if name not in files:
            return Verdict(False, f"{name} is listed in the manifest but missing")
        if _sha(files[name]) != expected:
            return Verdict(False, f"{name} does not match its SHA-256 in the manifest")
    extra = sorted(set(files) - set(listed) - {MANIFEST, SIGNATURE})
    if extra:
        return Verdict(False, f"{extra[0]} is not listed in the manifest")
    return _check_signature(files, trusted or [])


def _check_signature(files: dict[str, bytes], trusted: list[Ed25519PublicKey]) -> Verdict:
    try:
        embedded = serialization.load_pem_public_key(files[PUBLIC_KEY])
    except ValueError:
        return Verdict(False, f"{PUBLIC_KEY} is not a public key")
    if not isinstance(embedded, Ed25519PublicKey):
        return Verdict(False, f"{PUBLIC_KEY} is not an Ed25519 key")
    for label, key in [("the package's key", embedded), *(("the school's key", k) for k in trusted)]:
        try:
            key.verify(files[SIGNATURE], files[MANIFEST])
        except InvalidSignature:
            return Verdict(False, f"{SIGNATURE}: the signature of {MANIFEST} does not verify with {label}")
    return Verdict(True)


class _Unreadable(Exception):
    pass


def _read_all(path: Path, password: str) -> dict[str, bytes]:
    try:
        with pyzipper.AESZipFile(path) as z:
            z.setpassword(password.encode())
            files: dict[str, bytes] = {}
            for info in z.infolist():
                try:
                    files[info.filename] = z.read(info)
                except RuntimeError as error:  # pyzipper: "Bad password for file"
                    if "password" in str(error).lower():
                        raise _Unreadable("wrong password: the package cannot be decrypted") from error
                    raise _Unreadable(f"{info.filename}: {error}") from error
                except (zipfile.BadZipFile, pyzipper.BadZipFile, zlib.error, ValueError) as error:
                    raise _Unreadable(f"{info.filename} is damaged: {error}") from error
            return files
    except FileNotFoundError as error:
        raise _Unreadable(f"{path}: no such file") from error
    except (zipfile.BadZipFile, pyzipper.BadZipFile) as error:
        raise _Unreadable(f"{path} is not a ZIP file (or is damaged): {error}") from error


def read_member(path: Path, password: str, name: str) -> bytes:
    """One file of the package (decrypted); raises on any problem (verify() reports problems properly)."""
    with pyzipper.AESZipFile(path) as z:
        z.setpassword(password.encode())
        return bytes(z.read(name))
