"""A camera's stream addresses (9.1, 9.6; issue 14 §5). Only RTSP (rtsp:// or rtsps://) is accepted, so a
stream address cannot be made to point the server at an internal web page. The camera's password is split
off the address at entry and kept sealed under the school key (storage.secret): the address columns hold
`rtsp://user@host/…` only, and a page shows `rtsp://user:•••@host/…`. The password is put back in memory,
by `stream_address`, only by what connects to the camera (the recorder, live view, the reference frame).

Editing: sending the masked address back (`user:•••@`) keeps the stored password; typing a password
replaces it; an address without one has none.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from watchkeeper.core.clauses import enforces
from watchkeeper.storage.keys import school_key_id
from watchkeeper.storage.secret import open_secret, seal_secret

if TYPE_CHECKING:
    from watchkeeper.estate.models import Camera

MASK = "•••"
SCHEMES = ("rtsp://", "rtsps://")
FIELDS = {"main": "main_stream_url", "sub": "sub_stream_url"}
PURPOSE = "camera-stream-passwords"


@enforces("9.6")
def scheme_problem(url: str) -> str | None:
    """Why a stream address is refused, or None (an empty one is allowed: a camera not yet wired)."""
    if url and not url.lower().startswith(SCHEMES):
        return "9.6: a camera's stream address starts with rtsp:// or rtsps://"
    return None


def split_password(url: str) -> tuple[str, str | None]:
    """(the address without its password, the password or None), the password as typed (still %-encoded)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url, None
    netloc, slash, path = rest.partition("/")
    userinfo, at, host = netloc.rpartition("@")
    if not at or ":" not in userinfo:
        return url, None
    user, _, password = userinfo.partition(":")
    return f"{scheme}://{user}@{host}{slash}{path}", password


def with_password(url: str, password: str | None) -> str:
    """`url` (which has no password) with `password` put back after its user name."""
    if not password:
        return url
    scheme, _, rest = url.partition("://")
    netloc, slash, path = rest.partition("/")
    user, at, host = netloc.rpartition("@")
    if not at:
        return url
    return f"{scheme}://{user}:{password}@{host}{slash}{path}"


def _passwords(camera: Camera) -> dict[str, str]:
    if not camera.stream_secret:
        return {}
    opened = open_secret(camera.stream_secret, school_key_id(camera.school_id), PURPOSE)
    return dict(json.loads(opened))


@enforces("9.1")
def seal_streams(camera: Camera, typed: dict[str, str]) -> None:
    """Set the camera's addresses from `typed` ("main"/"sub" → the address as typed) and seal their passwords;
    a masked password keeps the one stored, and an address not in `typed` is left as it is."""
    passwords = _passwords(camera)
    for which, name in FIELDS.items():
        # An address stored before sealing still carries its password: a masked edit keeps that one too.
        legacy = split_password(getattr(camera, name))[1]
        if legacy:
            passwords.setdefault(which, legacy)
    for which, url in typed.items():
        bare, password = split_password(url.strip())
        if password == MASK:
            password = passwords.get(which)
        setattr(camera, FIELDS[which], bare)
        if password:
            passwords[which] = password
        else:
            passwords.pop(which, None)
    key_id = school_key_id(camera.school_id)
    camera.stream_secret = seal_secret(json.dumps(passwords), key_id, PURPOSE) if passwords else ""


def stream_address(camera: Camera, which: str = "main") -> str:
    """The address to connect to, password included: for the processes that connect, never for a page. An
    address that is not RTSP (saved before issue 14 §5) gives "" — nothing is connected to."""
    bare = getattr(camera, FIELDS[which])
    if not bare or scheme_problem(bare):
        return ""
    return with_password(bare, _passwords(camera).get(which))


def shown(camera: Camera, which: str = "main") -> str:
    """The address as a page or the audit log shows it: `rtsp://user:•••@host/…` when it has a password."""
    bare = getattr(camera, FIELDS[which])
    has_password = which in _passwords(camera) if bare else False
    return with_password(bare, MASK) if has_password else masked(bare)


def masked(url: str) -> str:
    """Any address with its password, if it still carries one (an address not yet sealed), masked."""
    bare, password = split_password(url)
    return with_password(bare, MASK) if password else url
