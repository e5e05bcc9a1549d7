"""Minibus DVR files (recording/dvr.py, 5.2) come from outside: a USB stick from the minibus's recorder.
Whatever their header holds — a damaged MP4 box, bytes that are no video at all, a creation time in any
form — opening one, finding its video and reading when it was recorded gives the DVR's start or a plain
DvrImportError, never another exception; and a creation time written by a DVR reads back as that moment."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from watchkeeper.recording.dvr import EARLIEST_PLAUSIBLE, DvrImportError, _file_start, _open, _video_stream

RECORDED = dt.datetime(2026, 11, 20, 8, 10, 0, tzinfo=dt.UTC)


HEADER_BYTES = 4096  # ftyp and moov (the index is written first): the boxes the import parses


class DvrFile:
    def __init__(self, folder: Path, data: bytes) -> None:
        self.folder, self.data = folder, data

    def __repr__(self) -> str:  # not the whole file in a failure's report
        return f"DvrFile({self.folder}, {len(self.data)} bytes)"


@pytest.fixture(scope="module")
def dvr_file(tmp_path_factory: pytest.TempPathFactory) -> DvrFile:
    """One second of H.264 in an MP4 with its index first and a creation time, as a DVR writes it."""
    folder = tmp_path_factory.mktemp("dvr-headers")
    path = folder / "dvr.mp4"
    command = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi"]
    command += ["-i", "testsrc2=size=160x90:rate=10:duration=1", "-c:v", "libx264", "-pix_fmt", "yuv420p"]
    command += [
        "-metadata",
        "creation_time=2026-11-20T08:10:00.000000Z",
        "-movflags",
        "+faststart",
        str(path),
    ]
    subprocess.run(command, check=True, timeout=60)
    return DvrFile(folder, path.read_bytes())


def recorded_at(path: Path) -> dt.datetime:
    """What the import reads from a file before it reads any frame."""
    with _open(path) as container:
        stream = _video_stream(container, path)
        return _file_start(container, stream, None)


def test_the_untouched_file_reads_its_creation_time(dvr_file) -> None:
    assert recorded_at(dvr_file.folder / "dvr.mp4") == RECORDED


@given(
    st.lists(st.tuples(st.integers(0, HEADER_BYTES - 1), st.integers(0, 255)), min_size=1, max_size=8),
    st.one_of(st.none(), st.integers(0, 20_000)),
)
@example(flips=[(8, 0x80)], cut=None)  # the brand "isom" as "\x80som": av could not decode it as text
@example(flips=[(324, 1)], cut=None)  # a damaged sample description: the stream had no codec context
@pytest.mark.clause("5.2")
def test_a_damaged_header_gives_the_start_or_a_plain_import_error(dvr_file, flips, cut) -> None:
    damaged = bytearray(dvr_file.data)
    for at, byte in flips:
        damaged[at % len(damaged)] = byte
    path = dvr_file.folder / "damaged.mp4"
    path.write_bytes(bytes(damaged[:cut]))
    try:
        start = recorded_at(path)
    except DvrImportError:
        return
    assert start.tzinfo is not None and start >= EARLIEST_PLAUSIBLE


@given(st.binary(max_size=2048))
def test_bytes_that_are_no_video_are_a_plain_import_error(dvr_file, blob: bytes) -> None:
    path = dvr_file.folder / "not-video.mp4"
    path.write_bytes(blob)
    with pytest.raises(DvrImportError):
        recorded_at(path)


def tagged(tag: str | None, on_stream: bool) -> tuple[SimpleNamespace, SimpleNamespace]:
    """A container and its stream whose metadata hold `tag` as creation_time (on one or the other)."""
    metadata = {} if tag is None else {"creation_time": tag}
    return SimpleNamespace(metadata={} if on_stream else metadata), SimpleNamespace(
        metadata=metadata if on_stream else {}
    )


@given(st.one_of(st.none(), st.text(max_size=40)), st.booleans())
def test_any_creation_time_text_gives_a_plausible_moment_or_asks_for_the_start(tag, on_stream) -> None:
    container, stream = tagged(tag, on_stream)
    try:
        start = _file_start(container, stream, None)
    except DvrImportError as error:
        assert "give the start time (--start)" in str(error)
        return
    assert start.tzinfo is not None and start >= EARLIEST_PLAUSIBLE


@given(
    st.datetimes(min_value=dt.datetime(2000, 1, 1, 0, 0, 1), max_value=dt.datetime(2099, 12, 31)),
    st.sampled_from(["Z", "+00:00", "", "+01:00", "-05:30"]),
)
def test_a_creation_time_reads_back_as_that_moment(wall: dt.datetime, zone: str) -> None:
    """ffmpeg writes "…Z"; other recorders an offset, or none (MP4 times are UTC)."""
    container, stream = tagged(wall.isoformat() + zone, on_stream=True)
    offset = dt.datetime.fromisoformat("2000-01-01T00:00:00" + (zone or "+00:00")).utcoffset()
    assert offset is not None
    expected = wall.replace(tzinfo=dt.timezone(offset))
    if expected < EARLIEST_PLAUSIBLE:
        return
    assert _file_start(container, stream, None) == expected
