"""The camera and the time burned into a redacted copy (9.3; issue 13 §2): pure caption text, and the
render that carries it in the picture, never blurred."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.redaction.clips import small_clip
from tests.redaction.test_engine import frames_of
from watchkeeper.redaction.engine import Proposal, render
from watchkeeper.redaction.engine.caption import segment_caption

WINTER = datetime(2026, 1, 15, 14, 0, 0, tzinfo=UTC)
SUMMER = datetime(2026, 7, 15, 14, 0, 0, tzinfo=UTC)


@pytest.mark.clause("9.3")
def test_a_frames_time_is_its_segments_start_plus_its_place_in_it_in_uk_time():
    segments = [
        {"start": WINTER.isoformat(), "first_frame": 0},
        # A gap in the recording: the second segment starts 10 minutes later, at frame 50.
        {"start": WINTER.replace(minute=10).isoformat(), "first_frame": 50},
    ]
    caption = segment_caption("Main gate", segments)
    assert caption(0, 25.0) == "Main gate  15/01/2026 14:00:00 GMT"
    assert caption(49, 25.0) == "Main gate  15/01/2026 14:00:01 GMT"
    assert caption(75, 25.0) == "Main gate  15/01/2026 14:10:01 GMT"
    summer = segment_caption("Hall", [{"start": SUMMER.isoformat()}])  # before the proposal counted frames
    assert summer(25, 25.0) == "Hall  15/07/2026 15:00:01 BST"


@pytest.mark.clause("9.3", "10.4.1")
def test_the_render_burns_the_caption_into_every_frame_after_the_blur(tmp_path):
    clip = small_clip(tmp_path / "master.mp4", audio=False)
    empty = Proposal(clip.width, clip.height, clip.fps, clip.frames, [])
    plain, captioned = tmp_path / "plain.mp4", tmp_path / "captioned.mp4"
    render(clip.path, plain, empty)
    seen: list[int] = []

    def caption(index: int, fps: float) -> str:
        seen.append(index)
        return "Main gate  15/01/2026 14:00:00 GMT"

    render(clip.path, captioned, empty, caption=caption)
    assert seen == list(range(clip.frames))
    before, after = frames_of(plain), frames_of(captioned)
    corner = (slice(0, 12), slice(0, 200))  # the caption's black box, above the white text
    for a, b in zip(before, after, strict=True):
        assert b[corner].mean() < 40 < a[corner].mean() or a[corner].mean() < 40
        assert (abs(a[200:, 300:].astype(int) - b[200:, 300:].astype(int)).mean()) < 3  # the rest untouched
