"""The facts of a recorded segment read from its MP4 boxes: duration, sample count and sample description
(design/evidence.md "Working copy and speed")."""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from watchkeeper.evidence.package.model import PackageError


@dataclass(frozen=True)
class _Probe:
    seconds: float
    samples: int
    stream: (
        bytes  # what must match for a stream copy to decode: the sample description (codec, size, SPS/PPS)
    )


def _probe(file: Path) -> _Probe:
    """Duration, sample count and sample description of a segment's video track, from its MP4 boxes (a
    fragmented MP4 as the recorder writes, or a plain one). Reads only box headers, moov and moof: opening
    each segment with libavformat decodes frames and cost ~40 ms a segment — seconds for an hour."""
    try:
        return _mp4_facts(file)
    except (ValueError, struct.error, KeyError) as error:
        raise PackageError(f"{file.name} is not an MP4 segment this build can join: {error}") from error


def _boxes(data: bytes, start: int = 0, end: int | None = None) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, box end) of each box in data[start:end]."""
    end = len(data) if end is None else end
    while start + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, start)
        header = 8
        if size == 1:
            size, header = struct.unpack_from(">Q", data, start + 8)[0], 16
        elif size == 0:
            size = end - start
        if size < header:
            raise ValueError("a damaged box")
        yield kind, start + header, start + size
        start += size


def _child(data: bytes, start: int, end: int, *path: bytes) -> tuple[int, int]:
    for kind in path:
        start, end = next((s, e) for k, s, e in _boxes(data, start, end) if k == kind)
    return start, end


def _top_level(file: Path) -> Iterator[tuple[bytes, bytes]]:
    """Each top-level box's type and, for moov and moof, its payload (mdat is skipped, not read)."""
    with file.open("rb") as handle:
        size_of_file = os.fstat(handle.fileno()).st_size
        at = 0
        while at + 8 <= size_of_file:
            handle.seek(at)
            head = handle.read(16)
            size, kind = struct.unpack_from(">I4s", head)
            header = 8
            if size == 1:
                size, header = struct.unpack_from(">Q", head, 8)[0], 16
            elif size == 0:
                size = size_of_file - at
            if size < header:
                raise ValueError("a damaged box")
            if kind in (b"moov", b"moof"):
                handle.seek(at + header)
                yield kind, handle.read(size - header)
            at += size


def _mp4_facts(file: Path) -> _Probe:
    track, timescale, description, default_duration = 0, 0, b"", 0
    ticks = samples = 0
    for kind, payload in _top_level(file):
        if kind == b"moov":
            track, timescale, description, default_duration, ticks, samples = _video_track(payload)
        elif kind == b"moof" and timescale:
            for box, start, end in _boxes(payload):
                if box == b"traf":
                    more_ticks, more_samples = _fragment(payload, start, end, track, default_duration)
                    ticks, samples = ticks + more_ticks, samples + more_samples
    if not timescale or not samples:
        raise ValueError("no video samples")
    return _Probe(ticks / timescale, samples, description)


def _video_track(moov: bytes) -> tuple[int, int, bytes, int, int, int]:
    """(track id, timescale, stsd box, trex default sample duration, ticks and samples in stts)."""
    for kind, start, end in _boxes(moov):
        if kind != b"trak":
            continue
        h_start, _ = _child(moov, start, end, b"mdia", b"hdlr")
        if moov[h_start + 8 : h_start + 12] != b"vide":
            continue
        t_start, _ = _child(moov, start, end, b"tkhd")
        track = struct.unpack_from(">I", moov, t_start + (20 if moov[t_start] == 1 else 12))[0]
        m_start, _ = _child(moov, start, end, b"mdia", b"mdhd")
        timescale = struct.unpack_from(">I", moov, m_start + (20 if moov[m_start] == 1 else 12))[0]
        s_start, s_end = _child(moov, start, end, b"mdia", b"minf", b"stbl")
        d_start, d_end = _child(moov, s_start, s_end, b"stsd")
        stts_start, _ = _child(moov, s_start, s_end, b"stts")
        entries = struct.unpack_from(">I", moov, stts_start + 4)[0]
        pairs = [struct.unpack_from(">II", moov, stts_start + 8 + 8 * i) for i in range(entries)]
        default = 0
        for box, b_start, b_end in _boxes(moov):
            if box == b"mvex":
                for inner, i_start, _ in _boxes(moov, b_start, b_end):
                    if inner == b"trex" and struct.unpack_from(">I", moov, i_start + 4)[0] == track:
                        default = struct.unpack_from(">I", moov, i_start + 12)[0]
        ticks = sum(count * delta for count, delta in pairs)
        return track, timescale, moov[d_start - 8 : d_end], default, ticks, sum(c for c, _ in pairs)
    raise ValueError("no video track")


def _fragment(moof: bytes, start: int, end: int, track: int, default: int) -> tuple[int, int]:
    """(ticks, samples) of one track fragment of `track` (0, 0 for another track)."""
    t_start, _ = _child(moof, start, end, b"tfhd")
    flags = int.from_bytes(moof[t_start + 1 : t_start + 4], "big")
    if struct.unpack_from(">I", moof, t_start + 4)[0] != track:
        return 0, 0
    at = t_start + 8 + (8 if flags & 0x01 else 0) + (4 if flags & 0x02 else 0)
    if flags & 0x08:
        default = struct.unpack_from(">I", moof, at)[0]
    ticks = samples = 0
    for kind, r_start, _ in _boxes(moof, start, end):
        if kind != b"trun":
            continue
        run_flags = int.from_bytes(moof[r_start + 1 : r_start + 4], "big")
        count = struct.unpack_from(">I", moof, r_start + 4)[0]
        at = r_start + 8 + (4 if run_flags & 0x01 else 0) + (4 if run_flags & 0x04 else 0)
        if run_flags & 0x100:
            stride = 4 * bin(run_flags & 0xF00).count("1")
            ticks += sum(struct.unpack_from(">I", moof, at + i * stride)[0] for i in range(count))
        else:
            ticks += count * default
        samples += count
    return ticks, samples
