"""The manifest, the cover letter (README.txt, 11.3, 11.4), the password (11.6), the school's signing key."""

from __future__ import annotations

import secrets
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from watchkeeper.core.clauses import enforces
from watchkeeper.core.keyfiles import load_or_create_key
from watchkeeper.core.release_terms import image_line, no_social_media
from watchkeeper.evidence.package.model import (
    MANIFEST,
    PUBLIC_KEY,
    SIGNATURE,
    Metadata,
    Piece,
    _Copy,
    _local,
    master_name,
)

# No 0/O, 1/l/I: the password is read out or typed from a separate message (11.6).
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
PASSWORD_LENGTH = 24
FORMAT = "watchkeeper-evidence-package/1"


@enforces("11.6", "R16")
def new_password() -> str:
    """≥ 20 random characters from a clear alphabet (11.6). Returned once; never stored or logged."""
    return "".join(secrets.choice(ALPHABET) for _ in range(PASSWORD_LENGTH))


def signing_key(school_id: int) -> Ed25519PrivateKey:
    """The school's Ed25519 signing key: a 32-byte seed kept as a key file in the data dir."""
    return Ed25519PrivateKey.from_private_bytes(load_or_create_key(f"school-{school_id}-signing"))


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


@enforces("R18", "R20")
def manifest_for(
    meta: Metadata,
    pieces: list[Piece],
    hashes: dict[str, str],
    *,
    include_master: bool = True,
    copies: list[_Copy] | None = None,
) -> dict[str, Any]:
    """`hashes`: the SHA-256 of every member but the manifest and its signature."""
    cameras: dict[int, dict[str, Any]] = {}
    for p in pieces:
        entry = cameras.setdefault(p.camera_id, {"id": p.camera_id, "name": p.camera_name, "segments": []})
        segment: dict[str, Any] = {"file": master_name(p)} if include_master else {}
        segment |= {
            "start_utc": p.start.isoformat(),
            "end_utc": p.end.isoformat(),
            "start_local": _local(p.start),
            "clock_offset_ms": p.clock_offset_ms,
            "sha256": p.sha256,
        }
        entry["segments"].append(segment)
    return {
        "format": FORMAT,
        "case_id": meta.case_id,
        "school": {"id": meta.school_id, "name": meta.school_name},
        "range_utc": [meta.start.isoformat(), meta.end.isoformat()],
        "range_local": [_local(meta.start), _local(meta.end)],
        "time_zone": "Europe/London",
        "master_included": include_master,
        "cameras": list(cameras.values()),
        "working_copies": [
            {"file": c.name, "camera_id": c.camera_id, "clock": c.clock} for c in copies or []
        ],
        "requested_by": meta.requested_by,
        "authorised_by": meta.authorised_by,
        "authorised_at": meta.authorised_at.isoformat(),
        "reason": meta.reason,
        "hold_releases": list(meta.hold_releases),
        **({"still": meta.still} if meta.still else {}),
        **({"working_copy_of": meta.working_copy_of} if meta.working_copy_of else {}),
        "created_at": meta.created_at.isoformat(),
        "files": dict(sorted(hashes.items())),
    }


def readme(
    meta: Metadata,
    include_master: bool = True,
    copies: list[_Copy] | None = None,
    extras: list[str] | None = None,
) -> bytes:
    contents = []
    if meta.still:
        contents.append(("(no master/)", "a still image only: the recording it comes from is not included"))
        contents.append(
            (
                meta.still["file"],
                f"a still image of {meta.still['camera_name']} at {meta.still['frame_at_local']}, full"
                " resolution, the camera and UK date and time burned into the picture,",
            )
        )
        contents.append(("", f'and at its foot: "{image_line()}"'))
        extras = [name for name in extras or [] if name != meta.still["file"]]
    elif include_master:
        contents.append(("master/", "the original recordings, bit-exact as recorded (never altered)"))
    elif meta.working_copy_of:
        contents.append(
            (
                "(no master/)",
                f"the original recordings are in package {meta.working_copy_of}; this package adds its "
                "working copy with the date and time burned into the picture",
            )
        )
    else:
        contents.append(("(no master/)", "the original recordings are not included (redacted copy only)"))
    for copy in copies or []:
        how = (
            "the date and time burned into the picture"
            if copy.clock == "burned-in"
            else "the date and time as a subtitle track (shown by VLC; choose it if hidden)"
        )
        contents.append((copy.name, f"a viewing copy of {copy.camera_name} with {how}"))
    contents += [(name, "supplied with this package (listed in manifest.json)") for name in extras or []]
    contents += [
        (MANIFEST, "what was recorded, by which camera, when, who asked and who authorised it,"),
        ("", "and the SHA-256 of every file"),
        (SIGNATURE, "the school's Ed25519 signature of manifest.json"),
        (PUBLIC_KEY, "the school's public signing key"),
    ]
    width = max(len(name) for name, _ in contents) + 2
    listing = "".join(f"  {name:<{width}}{what}\n" for name, what in contents)
    return (
        f"Evidence package {meta.case_id} from {meta.school_name}\n"
        f"Footage from {_local(meta.start)} to {_local(meta.end)} (UK local time).\n\n"
        "This recording remains the property of the school, and both the recording and the information\n"
        "on it are to be treated in accordance with the school's CCTV policy. It may not be passed on to\n"
        "anyone else without the school's written permission (CCTV policy 11.3).\n"
        f"{no_social_media()}\n"
        "The password was sent to you separately from this file (11.6).\n\n"
        f"Contents\n{listing}\n"
        "How to verify\n"
        "  watchkeeper export verify PACKAGE.zip --password-file FILE\n"
        "  or by hand: compute the SHA-256 of each file (e.g. `sha256sum`) and compare it with the value in\n"
        "  manifest.json (files, and each camera's segments for the master copy), and check manifest.sig\n"
        "  against signing-key.pub (Ed25519) and against the key the school publishes.\n"
    ).encode()
