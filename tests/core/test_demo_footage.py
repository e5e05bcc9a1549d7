"""The demo's footage for README walk-throughs 3 and 4 (issue 15 §1): where its windows lie, at any time of
day, and a scene whose people the redaction's face detector finds. The import itself runs in
tests/core/test_demo.py (the real command, in its own process) and tests/zones/test_dvr_import.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import av
import pytest

from watchkeeper.recording.scene import render
from watchkeeper.redaction.engine.detect import detect_faces
from watchkeeper.site.demo_footage import SECONDS, demo_windows
from watchkeeper.site.demo_package import SEGMENT_SECONDS


@pytest.mark.clause("13.1")
@pytest.mark.parametrize("hour", [0, 2, 9, 15, 23])
def test_the_windows_lie_in_the_cameras_one_day_before_the_demo_at_any_hour(hour: int) -> None:
    now = datetime(2026, 3, 29, hour, 17, 41, 123456, tzinfo=UTC)  # a clock change day, too
    windows = demo_windows(now)
    package = (now - timedelta(hours=2), now - timedelta(hours=2) + timedelta(seconds=3 * SEGMENT_SECONDS))
    for start, end in (windows.sar, windows.police):
        assert now - timedelta(days=1) < start < end < now  # inside one day's retention, in the past
        assert end - start == timedelta(seconds=SECONDS) and start.second == start.microsecond == 0
        assert end <= package[0] or start >= package[1]  # clear of the demo package's footage
    assert windows.sar[1] <= windows.police[0] or windows.police[1] <= windows.sar[0]


def test_the_demo_scene_shows_people_whose_faces_the_redaction_finds(tmp_path: Path) -> None:
    clip = render(tmp_path / "gate.mp4", "gate", 2, label="Main gate", start=datetime(2026, 12, 7, 15, 0))
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.width, stream.height) == ("h264", 640, 360)
        frame = next(f for i, f in enumerate(container.decode(stream)) if i == 10)
    faces = detect_faces(frame.to_ndarray(format="rgb24"))
    assert 3 <= len(faces) <= 6  # the scene's four people (one may be at the edge), not a test card's shapes
