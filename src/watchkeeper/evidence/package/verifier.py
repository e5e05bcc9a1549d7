"""Verifying a sealed package: decrypt every file, check every hash in the manifest and the Ed25519
signature (design/evidence.md "Evidence packages"); and reading single members."""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyzipper
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from watchkeeper.core.clauses import enforces
from watchkeeper.evidence.package.model import CHUNK, MANIFEST, PUBLIC_KEY, SIGNATURE
from watchkeeper.evidence.package.zipcrypt import _SealedZip


@dataclass(frozen=True)
class Verdict:
    ok: bool
    problem: str = ""


@enforces("R18")
def verify(path: Path, password: str, trusted: list[Ed25519PublicKey] | None = None) -> Verdict:
    """Decrypt every file, check every hash in the manifest and the signature (by the key in the package
    and, when given, by each `trusted` key). Names the first failure. Streams: memory stays small however
    large the package."""
    try:
        small, hashes = _read_package(path, password)
    except _Unreadable as error:
        return Verdict(False, str(error))
    for name in (MANIFEST, SIGNATURE, PUBLIC_KEY):
        if name not in small:
            return Verdict(False, f"{name} is missing from the package")
    try:
        manifest = json.loads(small[MANIFEST])
        listed: dict[str, str] = dict(manifest["files"])
    except (ValueError, KeyError, TypeError):
        return Verdict(False, f"{MANIFEST} is not a valid manifest")
    for name, expected in listed.items():
        if name not in hashes:
            return Verdict(False, f"{name} is listed in the manifest but missing")
        if hashes[name] != expected:
            return Verdict(False, f"{name} does not match its SHA-256 in the manifest")
    extra = sorted(set(hashes) - set(listed) - {MANIFEST, SIGNATURE})
    if extra:
        return Verdict(False, f"{extra[0]} is not listed in the manifest")
    return _check_signature(small, trusted or [])


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


SMALL = (MANIFEST, SIGNATURE, PUBLIC_KEY)


def _read_package(path: Path, password: str) -> tuple[dict[str, bytes], dict[str, str]]:
    """(the manifest, signature and key as bytes; the SHA-256 of every member), reading each member in
    chunks. Raises _Unreadable naming the problem."""
    with _opened(path, password) as z:
        small: dict[str, bytes] = {}
        hashes: dict[str, str] = {}
        infos = sorted(z.infolist(), key=lambda i: i.filename not in SMALL)  # a wrong password shows first
        for info in infos:
            with _member_errors(info.filename), z.open(info) as member:
                digest = hashlib.sha256()
                kept = bytearray() if info.filename in SMALL else None
                while chunk := member.read(CHUNK):
                    digest.update(chunk)
                    if kept is not None:
                        kept += chunk
            hashes[info.filename] = digest.hexdigest()
            if kept is not None:
                small[info.filename] = bytes(kept)
        return small, hashes


@contextmanager
def _opened(path: Path, password: str) -> Iterator[_SealedZip]:
    try:
        with _SealedZip(path) as z:
            z.setpassword(password.encode())
            yield z
    except FileNotFoundError as error:
        raise _Unreadable(f"{path}: no such file") from error
    except (zipfile.BadZipFile, pyzipper.BadZipFile) as error:
        raise _Unreadable(f"{path} is not a ZIP file (or is damaged): {error}") from error


@contextmanager
def _member_errors(name: str) -> Iterator[None]:
    try:
        yield
    except RuntimeError as error:  # pyzipper: "Bad password for file"
        if "password" in str(error).lower():
            raise _Unreadable("wrong password: the package cannot be decrypted") from error
        raise _Unreadable(f"{name}: {error}") from error
    except (zipfile.BadZipFile, pyzipper.BadZipFile, zlib.error, ValueError, EOFError) as error:
        raise _Unreadable(f"{name} is damaged: {error}") from error


def read_member(path: Path, password: str, name: str) -> bytes:
    """One file of the package (decrypted); raises on any problem (verify() reports problems properly)."""
    with _SealedZip(path) as z:
        z.setpassword(password.encode())
        return bytes(z.read(name))


def extract_member(path: Path, password: str, name: str, target: IO[bytes]) -> None:
    """Copy one member (decrypted) into `target` in chunks (e.g. the working copy for the in-app player)."""
    with _SealedZip(path) as z:
        z.setpassword(password.encode())
        with z.open(name) as member:
            while chunk := member.read(CHUNK):
                target.write(chunk)
