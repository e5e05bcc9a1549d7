"""The recorder's packet rules (pure): merge split key frames, skip untimed packets, cut at key frames."""

from __future__ import annotations

from fractions import Fraction

from watchkeeper.recording.segmenter import Merger, Segmenter, Unit

TB = Fraction(1, 90000)
FRAME = 3600  # 25 fps


def units(merger: Merger, packets: list[tuple[bytes, int | None, bool]]) -> list[Unit]:
    out = []
    for data, pts, key in packets:
        out.extend(merger.push(data, pts, pts, key, FRAME))
    out.extend(merger.flush())
    return out


def test_packets_sharing_a_timestamp_become_one_unit() -> None:
    # A key frame sent as SPS, PPS and two slices, each its own packet with the same timestamp.
    merged = units(
        Merger(),
        [(b"sps", 0, True), (b"pps", 0, False), (b"s1", 0, False), (b"s2", 0, False), (b"p", FRAME, False)],
    )
    assert [(u.payload, u.pts, u.key) for u in merged] == [
        (b"spspps" + b"s1s2", 0, True),
        (b"p", FRAME, False),
    ]


def test_packets_without_timestamps_are_dropped() -> None:
    merged = units(Merger(), [(b"first", None, True), (b"k", 0, True), (b"p", FRAME, False)])
    assert [u.payload for u in merged] == [b"k", b"p"]


def frames(count: int, key_every: int, start: int = 0) -> list[Unit]:
    return [Unit(b"x", start + n * FRAME, start + n * FRAME, n % key_every == 0, FRAME) for n in range(count)]


def run(segmenter: Segmenter, stream: list[Unit]) -> list[tuple[int, int]]:
    """(first pts, end pts) of each segment the segmenter produces."""
    spans, first = [], None
    for unit in stream:
        decision = segmenter.accept(unit)
        if decision.cut is not None and first is not None:
            spans.append((first, decision.cut))
            first = None
        if decision.start:
            first = unit.pts
    end = segmenter.finish()
    if first is not None and end is not None:
        spans.append((first, end))
    return spans


def test_segments_start_at_key_frames_and_are_contiguous() -> None:
    # 10 s target, key frame every 2 s (50 frames), 25 s of video.
    spans = run(Segmenter(TB, 10), frames(625, 50))
    assert [s for s, _ in spans] == [0, 10 * 90000, 20 * 90000]
    assert all(end == next_start for (_, end), (next_start, _) in zip(spans, spans[1:], strict=False))
    assert spans[-1][1] == 625 * FRAME  # the last one ends after its last frame


def test_a_segment_is_cut_only_at_a_key_frame() -> None:
    # Key frame every 3 s: a 10 s target gives 12 s segments, never a cut in mid-GOP.
    spans = run(Segmenter(TB, 10), frames(750, 75))
    assert [(e - s) / 90000 for s, e in spans] == [12, 12, 6]


def test_frames_before_the_first_key_frame_are_skipped() -> None:
    stream = frames(100, 50, start=0)[10:]  # joins mid-GOP: first key frame is the 50th frame
    spans = run(Segmenter(TB, 10), stream)
    assert spans[0][0] == 50 * FRAME


def test_timestamps_going_backwards_end_the_segment_and_restart_at_a_key_frame() -> None:
    segmenter = Segmenter(TB, 10)
    for unit in frames(60, 50):
        segmenter.accept(unit)
    decision = segmenter.accept(Unit(b"x", 0, 0, False, FRAME))  # camera rebooted: timestamps reset
    assert decision.restart and decision.cut == 60 * FRAME and not decision.take
    decision = segmenter.accept(Unit(b"x", FRAME, FRAME, True, FRAME))
    assert decision.start and decision.take and decision.cut is None
