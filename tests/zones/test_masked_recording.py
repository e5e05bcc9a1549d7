"""Privacy zones burned into the recording (5.3): the real recorder, the real simulator, one camera with
zones and one without. Masked areas are black in every stored frame; the rest of the picture is not; the
camera without zones is still a pure stream copy (its stored frames are the camera's own bytes)."""

from __future__ import annotations

import io
import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import pytest

from tests.recording.conftest import Simulator
from tests.recording.helpers import SegmentRow, query, segments
from tests.recording.test_recorder import REPO, environment, seed, wait_for, watchkeeper
from tests.zones.video import pictures, zone_samples
from watchkeeper.recording.crypto import open_blob

SEGMENT_SECONDS = 2
# A rectangle over the simulator's burned-in clock (top left) and a triangle lower right.
ZONES = [
    [[0.0, 0.0], [0.55, 0.0], [0.55, 0.16], [0.0, 0.16]],
    [[0.62, 0.45], [0.97, 0.93], [0.55, 0.93]],
]
BLACK_LUMA = 20  # Y of black is 16; the encoder may leave a little noise (17 seen)
NEUTRAL_CHROMA = 8  # |Cb - 128|, |Cr - 128|


@dataclass
class Recorded:
    data_dir: Path
    masked: list[SegmentRow]
    copied: list[SegmentRow]

    def plaintext(self, row: SegmentRow) -> bytes:
        blob = (self.data_dir / "recordings" / row.blob_path).read_bytes()
        key = (self.data_dir / "keys" / f"{row.key_id}.key").read_bytes()
        return open_blob(blob, row.id, row.wrapped_key, key)


@pytest.fixture(scope="module")
def recorded(simulator_clip: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recorded]:
    data_dir = tmp_path_factory.mktemp("zones")
    simulator = Simulator(simulator_clip, 2, _free_port())
    simulator.start()
    env = environment(data_dir) | {"WATCHKEEPER_SEGMENT_SECONDS": str(SEGMENT_SECONDS)}
    process = None
    try:
        assert watchkeeper(data_dir, "migrate", "--no-input", "-v0").returncode == 0
        seed(data_dir, "cameras", str(simulator.port), "2")
        seed(data_dir, "zones", "cam1", json.dumps(ZONES))
        ids = {name: pk for pk, name in query(data_dir, "SELECT id, name FROM estate_camera")}
        log = (data_dir / "recorder.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "-m", "watchkeeper.cli", "record"], cwd=REPO, env=env, stdout=log, stderr=log
        )

        def rows(name: str) -> list[SegmentRow]:
            return [s for s in segments(data_dir) if s.camera_id == ids[name]]

        wait_for(lambda: len(rows("cam1")) >= 3 and len(rows("cam2")) >= 2, 40, "segments of both cameras")
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        yield Recorded(data_dir, rows("cam1"), rows("cam2"))
    finally:
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
        simulator.stop()


def _free_port() -> int:
    from tests.recording.conftest import free_port

    return free_port()


def test_the_zones_are_black_in_every_stored_frame_and_the_rest_is_not(recorded: Recorded) -> None:
    frames = 0
    within, without = zone_samples(ZONES, 1280, 720)  # the simulator's picture size
    # Colour is stored at half resolution (4:2:0) and coded in blocks of 8×8 of those samples, so the
    # encoder's blur of colour across a zone's edge reaches up to 16 picture pixels (seen at 6.6 px).
    colourless, _ = zone_samples(ZONES, 1280, 720, margin_px=16)
    assert len(within) > 1000 and len(without) > 1000 and len(colourless) > 800
    for row in recorded.masked:
        for n, picture in enumerate(pictures(recorded.plaintext(row))):
            assert (picture.width, picture.height) == (1280, 720)
            for x, y in within:
                assert picture.luma(x, y) <= BLACK_LUMA, (row.id, n, x, y, picture.luma(x, y))
            for x, y in colourless:
                assert all(abs(c - 128) <= NEUTRAL_CHROMA for c in picture.chroma(x, y)), (row.id, n, x, y)
            lit = sum(picture.luma(x, y) > 2 * BLACK_LUMA for x, y in without)
            assert lit > 0.5 * len(without), (row.id, n, lit, len(without))  # the picture itself is there
            frames += 1
    assert frames >= 2 * SEGMENT_SECONDS * 25


def test_masked_segments_are_whole_segments_starting_at_key_frames(recorded: Recorded) -> None:
    target = SEGMENT_SECONDS * 1000
    for row in recorded.masked[:-1]:  # the last one ends where the recorder stopped
        # A key frame is forced on the first frame at least one segment length after the last one: exactly
        # the target, or a frame or two later when the camera dropped a frame (seen on a loaded machine).
        assert target <= row.duration_ms <= target + 200, row
    for before, after in zip(recorded.masked, recorded.masked[1:], strict=False):
        assert before.end == after.start
    for row in recorded.masked:
        first = next(pictures(recorded.plaintext(row)))
        assert first.key


def _samples(plaintext: bytes) -> list[bytes]:
    with av.open(io.BytesIO(plaintext)) as container:
        return [bytes(p) for p in container.demux(container.streams.video[0]) if p.size]


def test_the_masked_camera_is_re_encoded_the_other_is_a_pure_stream_copy(
    recorded: Recorded, simulator_clip: Path
) -> None:
    clip = set(_samples(simulator_clip.read_bytes()))
    copied = [s for row in recorded.copied for s in _samples(recorded.plaintext(row))]
    masked = [s for row in recorded.masked for s in _samples(recorded.plaintext(row))]
    # Key frames carry in-band parameter sets the camera adds; every other frame is the clip's own bytes.
    assert sum(s in clip for s in copied) >= 0.9 * len(copied)
    assert not any(s in clip for s in masked)


def test_a_recorder_log_without_errors(recorded: Recorded) -> None:
    log = (recorded.data_dir / "recorder.log").read_text()
    assert "Traceback" not in log and "could not be stored" not in log, log
