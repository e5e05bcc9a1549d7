"""The retention decision (13.1, 9.6) as a pure function with the clock passed in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from watchkeeper.recording.retention import HoldSpan, held_past_retention, segments_to_erase

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
MS = timedelta(milliseconds=1)


@dataclass(frozen=True)
class Seg:
    camera_id: int
    start: datetime
    end: datetime


def seg(camera_id: int, age: timedelta, length: timedelta = timedelta(seconds=10)) -> Seg:
    return Seg(camera_id, NOW - age, NOW - age + length)


@pytest.mark.clause("13.1", "R11")
def test_exactly_the_segments_past_retention_are_erased() -> None:
    cameras = {1: 30, 2: 7}
    old = seg(1, timedelta(days=30) + MS)
    at_limit = seg(1, timedelta(days=30))
    young = seg(1, timedelta(days=29))
    short_old = seg(2, timedelta(days=7, seconds=1))
    short_young = seg(2, timedelta(days=6, hours=23))
    chosen = segments_to_erase([old, at_limit, young, short_old, short_young], [], cameras, NOW)
    assert chosen == [old, short_old]


@pytest.mark.clause("13.1", "R11")
def test_retention_never_exceeds_thirty_days_whatever_the_camera_row_says() -> None:
    beyond = seg(1, timedelta(days=31))
    assert segments_to_erase([beyond], [], {1: 90}, NOW) == [beyond]
    assert segments_to_erase([beyond], [], {}, NOW) == [beyond]  # unknown camera: the policy maximum


@pytest.mark.parametrize(
    ("hold_start", "hold_end", "kept"),
    [
        (timedelta(days=40), timedelta(days=35), True),  # covers the segment
        (timedelta(days=35, seconds=15), timedelta(days=34), True),  # overlaps its last 5 s
        (timedelta(days=35, seconds=10), timedelta(days=34), False),  # starts exactly where it ends
        (timedelta(days=50), timedelta(days=35, seconds=20), False),  # ends before it starts
    ],
)
@pytest.mark.clause("9.6", "R12")
def test_a_hold_keeps_expired_footage_it_overlaps(
    hold_start: timedelta, hold_end: timedelta, kept: bool
) -> None:
    segment = Seg(1, NOW - timedelta(days=35, seconds=20), NOW - timedelta(days=35, seconds=10))
    hold = HoldSpan(frozenset({1}), NOW - hold_start, NOW - hold_end)
    assert (segments_to_erase([segment], [hold], {1: 30}, NOW) == []) is kept
    assert (held_past_retention([segment], [hold], {1: 30}, NOW) == [segment]) is kept


def test_a_hold_protects_only_its_own_cameras() -> None:
    segment = seg(2, timedelta(days=31))
    hold = HoldSpan(frozenset({1}), NOW - timedelta(days=60), NOW)
    assert segments_to_erase([segment], [hold], {1: 30, 2: 30}, NOW) == [segment]


def test_a_released_hold_no_longer_protects() -> None:
    segment = seg(1, timedelta(days=31))
    released = HoldSpan(frozenset({1}), NOW - timedelta(days=60), NOW, released_at=NOW - timedelta(hours=1))
    released_later = HoldSpan(
        frozenset({1}), NOW - timedelta(days=60), NOW, released_at=NOW + timedelta(hours=1)
    )
    assert segments_to_erase([segment], [released], {1: 30}, NOW) == [segment]
    assert segments_to_erase([segment], [released_later], {1: 30}, NOW) == []


def test_footage_inside_retention_is_kept_with_or_without_holds() -> None:
    young = seg(1, timedelta(days=1))
    hold = HoldSpan(frozenset({1}), NOW - timedelta(days=2), NOW)
    assert segments_to_erase([young], [hold], {1: 30}, NOW) == []
    assert held_past_retention([young], [hold], {1: 30}, NOW) == []
