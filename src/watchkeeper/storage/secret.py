"""A small secret sealed under the school key for a short trip (11.6): the authoriser's package password on
its way to the build job, in the job's payload. Never in the database, a job record, a log or the audit
trail in the clear. Kept beside the object sealing so that AES-GCM is done in one app (issue 12 §5).

Format (unchanged from evidence.storage, so payloads queued before still open): base64 of a 12-byte nonce
and the AES-256-GCM ciphertext-and-tag under the school key itself, associated data
`watchkeeper-secret:<purpose>` (e.g. the request and attempt), so a secret opens only for its purpose.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from watchkeeper.storage.keys import Unreadable, existing_school_key, school_key

NONCE = 12


def _aad(purpose: str) -> bytes:
    return f"watchkeeper-secret:{purpose}".encode()


def seal_secret(secret: str, key_id: str, purpose: str) -> str:
    """`secret` sealed under the school key `key_id`, bound to `purpose`: safe to put in a job's payload."""
    nonce = os.urandom(NONCE)
    sealed = AESGCM(school_key(key_id)).encrypt(nonce, secret.encode(), _aad(purpose))
    return base64.b64encode(nonce + sealed).decode()


def open_secret(sealed: str, key_id: str, purpose: str) -> str:
    """The secret; Unreadable when it was sealed for another purpose or under another key."""
    raw = base64.b64decode(sealed)
    try:
        plain = AESGCM(existing_school_key(key_id)).decrypt(raw[:NONCE], raw[NONCE:], _aad(purpose))
    except InvalidTag:
        raise Unreadable("the sealed secret does not open for this purpose") from None
    return plain.decode()
