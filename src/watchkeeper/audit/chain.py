"""Pure functions of the chain: how an event is hashed and how a sequence of events is checked.

hash_n = HMAC-SHA256(audit key, prev_hash_n || canonical JSON of event n's fields). A plain hash chain
can be recomputed by anyone who can write the table; the key, kept outside the database, stops that.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_details(details: dict[str, Any]) -> dict[str, Any]:
    """Details as they will read back from the database: JSON-native types only."""
    return json.loads(json.dumps(details, default=str, sort_keys=True))


def timestamp_text(at: datetime) -> str:
    return at.isoformat(timespec="microseconds")


def event_hash(key: bytes, prev_hash: str, fields: dict[str, Any]) -> str:
    body = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(key, (prev_hash + body).encode(), hashlib.sha256).hexdigest()


def head_seal(key: bytes, seq: int, head_hash: str) -> str:
    return hmac.new(key, f"head:{seq}:{head_hash}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainRow:
    seq: int
    prev_hash: str
    hash: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class Verdict:
    intact: bool
    count: int
    problem: str = ""


def verify_rows(key: bytes, rows: Iterable[ChainRow], head: tuple[int, str, str] | None) -> Verdict:
    """Walk rows in sequence order; name the first broken event, then check the sealed head."""
    expected_seq, prev, count = 1, GENESIS_HASH, 0
    for row in rows:
        if row.seq != expected_seq:
            kind = "missing" if row.seq > expected_seq else "duplicated or out of order"
            return Verdict(
                False, count, f"event {expected_seq} is {kind} (found event {row.seq} in its place)"
            )
        if row.prev_hash != prev:
            return Verdict(False, count, f"event {row.seq} does not link to event {row.seq - 1}")
        if not hmac.compare_digest(event_hash(key, prev, row.fields), row.hash):
            return Verdict(False, count, f"event {row.seq} has been altered (its hash does not match)")
        prev, expected_seq, count = row.hash, expected_seq + 1, count + 1
    return _check_head(key, head, count, prev)


def _check_head(key: bytes, head: tuple[int, str, str] | None, count: int, last_hash: str) -> Verdict:
    if head is None:
        if count == 0:
            return Verdict(True, 0)
        return Verdict(False, count, "the chain head record is missing")
    seq, head_hash, seal = head
    if not hmac.compare_digest(head_seal(key, seq, head_hash), seal):
        return Verdict(False, count, "the chain head record has been altered")
    if seq > count:
        return Verdict(
            False, count, f"events after event {count} are missing (the head records {seq} events)"
        )
    if seq != count or head_hash != last_hash:
        return Verdict(
            False, count, f"the head record is stale: it records {seq} events, the chain has {count}"
        )
    return Verdict(True, count)
