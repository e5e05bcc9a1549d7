"""HTTP Range headers, typed by any browser or script that asks for footage (viewing/rules.py byte_range,
RFC 9110 §14). Whatever the header, the answer is the whole file (None), one range inside the file, or
416 (RangeNotSatisfiable) — never another exception, which would be a server error. And a range read
from a sealed object (storage/sealing.py) is exactly those bytes of its plaintext, whatever the chunks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from watchkeeper.storage import sealing
from watchkeeper.storage.sealing import Opening, Sealer
from watchkeeper.storage.store import LocalStore
from watchkeeper.viewing.rules import RangeNotSatisfiable, byte_range

sizes = st.integers(min_value=0, max_value=10**12)
numbers = st.integers(min_value=0, max_value=10**13).map(str)
# Headers near the grammar (so the interesting branches are reached), and any text at all.
near_grammar = st.builds(
    lambda unit, first, dash, last, tail: f"{unit}{first}{dash}{last}{tail}",
    st.sampled_from(["bytes=", "bytes= ", "Bytes=", "items=", ""]),
    st.one_of(numbers, st.just(""), st.text(max_size=3)),
    st.sampled_from(["-", "", "--", "–"]),
    st.one_of(numbers, st.just(""), st.text(max_size=3)),
    st.sampled_from(["", ",0-1", " ", "\x00"]),
)
headers = st.one_of(near_grammar, st.text(max_size=40), st.none())


@given(headers, sizes)
@example("bytes=²-", 100)  # a Unicode digit: str.isdigit() says yes, int() says no
@example("bytes=0-" + "9" * 5000, 100)  # past Python's limit on converting long digit strings
@pytest.mark.clause("9.2")
def test_any_header_gives_the_whole_file_one_range_inside_it_or_416(header: str | None, size: int) -> None:
    try:
        answer = byte_range(header, size)
    except RangeNotSatisfiable:
        return
    if answer is not None:
        first, last = answer
        assert 0 <= first <= last < size


@given(st.integers(min_value=1, max_value=10**12).flatmap(lambda size: st.tuples(st.just(size), st.data())))
def test_a_range_inside_the_file_round_trips(drawn) -> None:
    size, data = drawn
    first = data.draw(st.integers(min_value=0, max_value=size - 1))
    last = data.draw(st.integers(min_value=first, max_value=size - 1))
    assert byte_range(f"bytes={first}-{last}", size) == (first, last)
    assert byte_range(f"bytes={first}-", size) == (first, size - 1)


@given(st.integers(min_value=1, max_value=10**12), st.integers(min_value=1, max_value=10**13))
def test_a_suffix_range_is_the_last_bytes_and_never_before_the_start(size: int, count: int) -> None:
    assert byte_range(f"bytes=-{count}", size) == (max(0, size - count), size - 1)


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=10**6))
def test_a_range_starting_at_or_past_the_end_is_416(size: int, beyond: int) -> None:
    with pytest.raises(RangeNotSatisfiable):
        byte_range(f"bytes={size + beyond}-", size)


# --- The same ranges served from a sealed object (storage/sealing.py open_range) ------------------------


SMALL_CHUNK = 64  # small chunks, so a few hundred bytes cross many chunk boundaries


@pytest.fixture
def sealed_store(settings, tmp_path: Path) -> tuple[LocalStore, dict[int, tuple[bytes, Opening]]]:
    """A store in a data dir of its own, and the objects sealed so far by size (each example reuses them)."""
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return LocalStore(tmp_path / "objects"), {}


def sealed_of_size(
    store: LocalStore, made: dict[int, tuple[bytes, Opening]], size: int
) -> tuple[bytes, Opening]:
    if size not in made:
        plaintext, name = os.urandom(size), f"object-{size}"
        sealer = Sealer(name, "school-1", chunk=SMALL_CHUNK)
        store.put(name, sealer.sealed([plaintext[:7], plaintext[7:]]))
        made[size] = plaintext, Opening(name, sealer.result().wrapped_key, "school-1")
    return made[size]


@given(st.integers(min_value=0, max_value=5 * SMALL_CHUNK + 3), st.data())
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # the store is reused on purpose
@pytest.mark.clause("9.3")
def test_any_range_of_a_sealed_object_is_exactly_those_plaintext_bytes(sealed_store, size: int, data) -> None:
    store, made = sealed_store
    plaintext, opening = sealed_of_size(store, made, size)
    start = data.draw(st.integers(min_value=0, max_value=size + 10), label="start")
    end = data.draw(st.integers(min_value=0, max_value=size + 10), label="end")
    got = b"".join(sealing.open_range(store, opening.object_id, opening, start, end))
    assert got == plaintext[start:end]
