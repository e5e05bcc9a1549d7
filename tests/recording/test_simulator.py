"""The camera simulator: a continuous, real-time H.264 stream across the clip's loop point."""

from __future__ import annotations

import subprocess
import time

from tests.recording.conftest import Simulator
from watchkeeper.recording.simulator import CLIP_SECONDS, FPS, KEYFRAME_SECONDS, stream_url

READ_SECONDS = CLIP_SECONDS + 3  # past the loop point


def test_the_stream_is_continuous_across_the_loop_and_paced_in_real_time(simulator: Simulator) -> None:
    began = time.monotonic()
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-rtsp_transport", "tcp", "-read_intervals", f"%+{READ_SECONDS}",
         "-select_streams", "v", "-show_entries", "packet=pts,flags", "-of", "csv=p=0",
         stream_url(simulator.port, 2)],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    elapsed = time.monotonic() - began
    packets = [line.split(",") for line in probe.stdout.splitlines() if line.strip()]
    timed = [(int(pts), "K" in flags) for pts, flags, *_ in packets if pts != "N/A"]
    steps = {b - a for (a, _), (b, _) in zip(timed, timed[1:], strict=False)}
    assert steps == {90000 // FPS}  # every frame, in order, no jump at the loop point
    assert len(timed) >= READ_SECONDS * FPS - 2
    keys = [pts for pts, key in timed if key]
    assert {b - a for a, b in zip(keys, keys[1:], strict=False)} == {KEYFRAME_SECONDS * 90000}
    assert elapsed >= READ_SECONDS - 2  # served live, not as fast as the file can be read


def test_the_demo_scene_clip_is_encoded_as_the_test_clip_is(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Issue 15 §1: `simulate-cameras` serves the demo's playground scene, with the same 720p, frame rate,
    length and key-frame spacing as the test clip the simulator was built on."""
    import av

    from watchkeeper.recording.simulator import ensure_scene_clip

    clip = ensure_scene_clip(tmp_path)
    assert ensure_scene_clip(tmp_path) == clip and [p.name for p in tmp_path.iterdir()] == [clip.name]
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        assert (stream.width, stream.height, stream.average_rate) == (1280, 720, FPS)
        keys = [i for i, packet in enumerate(container.demux(stream)) if packet.size and packet.is_keyframe]
    assert abs(len(keys) * KEYFRAME_SECONDS - CLIP_SECONDS) <= KEYFRAME_SECONDS
    assert {b - a for a, b in zip(keys, keys[1:], strict=False)} == {KEYFRAME_SECONDS * FPS}
