"""The pure rules of viewing, without I/O: what an authorisation covers (9.2), byte ranges, the MP4
initialisation split and the HLS playlist."""

from __future__ import annotations

import struct
from datetime import UTC, datetime, timedelta

import pytest

from watchkeeper.viewing.rules import (
    AuthorisationTerms,
    PlaylistEntry,
    RangeNotSatisfiable,
    authorisation_covers,
    byte_range,
    hls_playlist,
    init_length,
    timeline,
    why_not_covered,
)

START = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # the night the clocks go forward
END = START + timedelta(hours=1)
NOW = END + timedelta(days=1)
EXPIRES = NOW + timedelta(days=6)
S = timedelta(seconds=1)


def terms(status: str = "approved", cameras: frozenset[int] = frozenset({7, 8}), expires=EXPIRES):
    return AuthorisationTerms(status=status, camera_ids=cameras, start=START, end=END, expires_at=expires)


@pytest.mark.parametrize(
    ("start", "end", "covered"),
    [
        (START, START + 10 * S, True),  # starts exactly at the window's start
        (END - 10 * S, END, True),  # ends exactly at the window's end
        (START - 1 * S, START + 9 * S, False),  # reaches before the window
        (END - 9 * S, END + 1 * S, False),  # reaches after it
        (END, END + 10 * S, False),  # wholly after
        (START - 10 * S, START, False),  # wholly before
        (START + 5 * S, START + 5 * S, False),  # empty
    ],
)
@pytest.mark.clause("9.2", "R9")
def test_only_whole_segments_inside_the_window_are_covered(start, end, covered) -> None:
    assert authorisation_covers(terms(), 7, start, end, NOW) is covered


def test_another_camera_is_not_covered() -> None:
    assert not authorisation_covers(terms(), 9, START, START + 10 * S, NOW)
    assert why_not_covered(terms(), 9, START, START + 10 * S, NOW) == (
        "9.2: this authorisation does not cover that camera"
    )


@pytest.mark.clause("9.2")
def test_expiry_is_exclusive() -> None:
    segment = (7, START, START + 10 * S)
    assert authorisation_covers(terms(), *segment, EXPIRES - timedelta(microseconds=1))
    assert not authorisation_covers(terms(), *segment, EXPIRES)
    assert "expired" in (why_not_covered(terms(), *segment, EXPIRES + S) or "")


@pytest.mark.parametrize("status", ["pending", "declined"])
@pytest.mark.clause("9.2", "R9")
def test_nothing_is_covered_unless_approved(status: str) -> None:
    assert not authorisation_covers(terms(status, expires=EXPIRES), 7, START, START + S, NOW)
    assert not authorisation_covers(terms("approved", expires=None), 7, START, START + S, NOW)


@pytest.mark.parametrize(
    ("header", "wanted"),
    [
        (None, None),
        ("bytes=0-", (0, 999)),
        ("bytes=0-0", (0, 0)),
        ("bytes=100-199", (100, 199)),
        ("bytes=900-5000", (900, 999)),
        ("bytes=-100", (900, 999)),
        ("bytes=-5000", (0, 999)),
        ("bytes=5-2", None),  # invalid: ignored, the whole file is sent
        ("bytes=0-1,5-6", None),  # several ranges: ignored
        ("items=0-1", None),
        ("bytes=a-b", None),
        ("bytes=-", None),
    ],
)
def test_byte_ranges(header: str | None, wanted: tuple[int, int] | None) -> None:
    assert byte_range(header, 1000) == wanted


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=2000-2100", "bytes=-0"])
def test_ranges_beyond_the_end_are_not_satisfiable(header: str) -> None:
    with pytest.raises(RangeNotSatisfiable):
        byte_range(header, 1000)


def box(kind: bytes, payload: bytes = b"") -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def test_the_initialisation_ends_where_the_first_fragment_starts() -> None:
    init = box(b"ftyp", b"iso6") + box(b"moov", b"x" * 50)
    assert init_length(init + box(b"moof", b"y" * 9) + box(b"mdat", b"z" * 99)) == len(init)
    large = struct.pack(">I4sQ", 1, b"moov", 16 + 4) + b"abcd"  # a 64-bit box size
    assert init_length(large + box(b"moof")) == len(large)
    with pytest.raises(ValueError):
        init_length(init)


def test_the_playlist_is_vod_with_one_entry_per_segment() -> None:
    entries = [
        PlaylistEntry(START, START + 10 * S, "/i/1", "/m/1"),
        PlaylistEntry(START + 10 * S, START + 20 * S, "/i/2", "/m/2"),
        PlaylistEntry(START + 40 * S, START + 49.5 * S, "/i/3", "/m/3"),  # after a gap
    ]
    text = hls_playlist(entries)
    lines = text.splitlines()
    assert lines[0] == "#EXTM3U" and lines[-1] == "#EXT-X-ENDLIST"
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in lines and "#EXT-X-TARGETDURATION:10" in lines
    assert [line for line in lines if line.startswith("/m/")] == ["/m/1", "/m/2", "/m/3"]
    assert lines.count("#EXT-X-DISCONTINUITY") == 2
    assert '#EXT-X-MAP:URI="/i/3"' in lines and "#EXTINF:9.500," in lines
    assert "#EXT-X-PROGRAM-DATE-TIME:2026-03-29T00:30:40.000Z" in lines


def test_timeline_blocks_are_percentages_of_the_window() -> None:
    blocks = timeline([(START, START + timedelta(minutes=6)), (END - timedelta(minutes=30), END)], START, END)
    assert blocks == [{"left": 0.0, "width": 10.0}, {"left": 50.0, "width": 50.0}]
