"""The exported audit head: pure functions that make, read and compare it (design/audit.md, "Exported head").

The sealed head inside the database shows a cut-off tail, but not a rollback of the whole database to an
earlier backup: the older head is sealed too. A copy of the head kept outside the database (a file the DPO
downloads, a folder on another volume) records how long the chain once was and what its event at that
point hashed to; a database rolled back since then has fewer events, or another hash at that point.

The file is signed with the audit key (HMAC-SHA256, its own "export:" domain so no chain or head seal can
be passed off as one): someone who can write the export folder but lacks the key cannot make a head that
hides a rollback by lowering it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import datetime

from watchkeeper.audit.chain import Verdict

FORMAT = "watchkeeper-audit-head/1"
HASH_PATTERN = re.compile(r"[0-9a-f]{64}")
# A head file is a few hundred bytes; anything much larger is not one, and is not read whole.
MAX_FILE_BYTES = 4096


class HeadFileError(ValueError):
    """The file given as an exported head cannot be trusted as one; the message says why in plain words."""


@dataclass(frozen=True)
class ExportedHead:
    seq: int
    hash: str
    exported_at: str  # ISO 8601 in UTC, as written; shown back to the person verifying


def signature(key: bytes, head: ExportedHead) -> str:
    message = f"export:{FORMAT}:{head.seq}:{head.hash}:{head.exported_at}"
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def make(key: bytes, seq: int, head_hash: str, at: datetime) -> bytes:
    """The file's bytes: JSON, one field a line, so a person can read it and compare it with a printout."""
    head = ExportedHead(seq, head_hash, at.isoformat(timespec="seconds"))
    body = {
        "format": FORMAT,
        "seq": head.seq,
        "hash": head.hash,
        "exported_at": head.exported_at,
        "signature": signature(key, head),
    }
    return (json.dumps(body, indent=1) + "\n").encode()


def parse(key: bytes, data: bytes) -> ExportedHead:
    """The head in `data`, its signature checked. Raises HeadFileError, and nothing else, on any input."""
    if len(data) > MAX_FILE_BYTES:
        raise HeadFileError("this is not an exported audit head (the file is far too large for one)")
    try:
        body = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise HeadFileError("this is not an exported audit head (it is not JSON text)") from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise HeadFileError(f"this is not an exported audit head (its format is not {FORMAT})")
    seq, head_hash, at, signed = (body.get(k) for k in ("seq", "hash", "exported_at", "signature"))
    if type(seq) is not int or seq < 0:
        raise HeadFileError("the exported head's sequence number is missing or not a whole number")
    if not isinstance(head_hash, str) or not HASH_PATTERN.fullmatch(head_hash):
        raise HeadFileError("the exported head's hash is missing or malformed")
    if not isinstance(at, str) or not isinstance(signed, str):
        raise HeadFileError("the exported head's time or signature is missing")
    head = ExportedHead(seq, head_hash, at)
    if not hmac.compare_digest(signature(key, head).encode(), signed.encode()):
        raise HeadFileError(
            "the exported head's signature does not match: the file was altered, or it was exported by "
            "another installation (or under another audit key)"
        )
    return head


def compare(exported: ExportedHead, chain: Verdict, hash_at_seq: str | None) -> Verdict:
    """The verdict on an intact chain of `chain.count` events whose event `exported.seq` hashes to
    `hash_at_seq` (None where there is no such event), against a head exported earlier."""
    if not chain.intact:
        return chain
    when = exported.exported_at
    if chain.count < exported.seq:
        return Verdict(
            False,
            chain.count,
            f"the database has been rolled back: the head exported at {when} records {exported.seq} "
            f"events, the chain now holds only {chain.count}",
        )
    expected = exported.hash if exported.seq else None
    if hash_at_seq != expected:
        return Verdict(
            False,
            chain.count,
            f"the database has been rolled back or rewritten: event {exported.seq} is not the event "
            f"recorded in the head exported at {when}",
        )
    return chain
