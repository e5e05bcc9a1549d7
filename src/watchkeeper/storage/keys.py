"""Object keys and the school keys that wrap them (9.1, 9.3, 13.1).

Each object gets a fresh AES-256 key. At rest that key exists only wrapped (RFC 3394 AES key wrap) by its
school's key, and the wrapped key lives in the database row that names the object. The school key is a
file in the data dir (mode 0600, core/keyfiles.py), never in the database: a copy of the database alone
opens nothing, and a copy of the store alone opens nothing. Destroying a wrapped key (clearing or deleting
its row) makes the object, and every backup of it, undecryptable.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

from watchkeeper.core.keyfiles import key_path, load_or_create_key


class Unreadable(ValueError):
    """A sealed object cannot be opened: its key is destroyed or wrong, it belongs to another object, it
    is damaged or cut short, or it is not a sealed object at all."""


def school_key_id(school_id: int) -> str:
    return f"school-{school_id}"


def school_key(key_id: str) -> bytes:
    """The school key for sealing, created on first use."""
    return load_or_create_key(key_id)


def existing_school_key(key_id: str) -> bytes:
    """The school key for opening: never created here, since a new key opens nothing."""
    try:
        return key_path(key_id).read_bytes()
    except FileNotFoundError:
        raise Unreadable(f"school key {key_id} is missing from the key store") from None


def new_object_key(wrapping_key: bytes) -> tuple[bytes, bytes]:
    """A fresh object key and the same key wrapped by `wrapping_key`."""
    key = AESGCM.generate_key(bit_length=256)
    return key, aes_key_wrap(wrapping_key, key)


def unwrap(wrapped_key: bytes | None, key_id: str, wrapping_key: bytes | None = None) -> bytes:
    """The object key; Unreadable when it was destroyed (erasure) or does not open with the school key."""
    if not wrapped_key:
        raise Unreadable("13.2: this object's key has been destroyed — the object is erased")
    try:
        return aes_key_unwrap(wrapping_key or existing_school_key(key_id), bytes(wrapped_key))
    except (InvalidUnwrap, ValueError):
        raise Unreadable("the wrapped key does not open with this school key") from None
