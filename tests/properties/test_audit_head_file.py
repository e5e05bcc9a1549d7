"""The exported audit head (audit/head_file.py, R10) is a file handed back by a person: whatever it holds,
reading it gives the head or a plain HeadFileError; what was made reads back; and any change to a made
file's text is either refused or leaves the head it names unchanged (JSON whitespace, say)."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given
from hypothesis import strategies as st

from watchkeeper.audit import head_file
from watchkeeper.audit.head_file import ExportedHead, HeadFileError

KEY = bytes(range(32))
hashes = st.binary(min_size=32, max_size=32).map(bytes.hex)
moments = st.datetimes(min_value=dt.datetime(2000, 1, 1), timezones=st.just(dt.UTC))
heads = st.builds(head_file.make, st.just(KEY), st.integers(0, 2**63), hashes, moments)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=70),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=10,
)


def read(data: bytes) -> ExportedHead | None:
    try:
        return head_file.parse(KEY, data)
    except HeadFileError as error:
        assert str(error)
        return None


@given(st.one_of(st.binary(max_size=300), json_values.map(lambda v: json.dumps(v).encode())))
def test_any_file_gives_a_head_or_a_plain_refusal(data: bytes) -> None:
    assert read(data) is None  # without the key nothing else can be a head


@given(st.integers(0, 2**63), hashes, moments)
def test_a_made_head_reads_back(seq: int, head_hash: str, at: dt.datetime) -> None:
    assert read(head_file.make(KEY, seq, head_hash, at)) == ExportedHead(
        seq, head_hash, at.isoformat(timespec="seconds")
    )


@given(heads, st.data())
def test_a_changed_byte_is_refused_or_names_the_same_head(made: bytes, data) -> None:
    at = data.draw(st.integers(0, len(made) - 1))
    changed = bytearray(made)
    changed[at] = data.draw(st.integers(0, 255).filter(lambda b: b != made[at]))
    got = read(bytes(changed))
    assert got is None or got == read(made)


@given(heads, st.sampled_from(["seq", "hash", "exported_at"]), json_values)
def test_a_changed_field_is_refused(made: bytes, name: str, value) -> None:
    body = json.loads(made)
    if body[name] == value:
        return
    body[name] = value
    assert read(json.dumps(body).encode()) is None
