"""Motion per second (design/viewing.md, the motion strip): the pure score on synthetic frames, then real
encrypted segments made from ffmpeg clips, analysed in memory (9.3) and their scores stored."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from django.utils import timezone

from tests.factories import CameraFactory
from tests.recording.helpers import plaintext_markers, store
from watchkeeper.recording.models import Segment
from watchkeeper.recording.motion import (
    MOTION_THRESHOLD,
    NOISE_FLOOR,
    analyse_pending,
    decode_grey,
    motion_scores,
    segment_motion,
)

FPS = 10
W, H = 160, 90


def frames(seconds: int, moving: set[int], noise: int = 0) -> list[tuple[float, np.ndarray]]:
    """A grey picture with a 12×12 white square that moves 3 px a frame during the `moving` seconds."""
    rng = np.random.default_rng(7)
    out, x = [], 10
    for n in range(seconds * FPS):
        at = n / FPS
        if int(at) in moving:
            x += 3
        picture = np.full((H, W), 90, dtype=np.int16)
        picture[40:52, x : x + 12] = 250
        if noise:
            picture += rng.integers(-noise, noise + 1, size=picture.shape)
        out.append((at, np.clip(picture, 0, 255).astype(np.uint8)))
    return out


def test_a_still_picture_scores_zero_even_with_sensor_noise() -> None:
    assert motion_scores(frames(4, set()), 4.0) == [0.0, 0.0, 0.0, 0.0]
    noisy = motion_scores(frames(4, set(), noise=NOISE_FLOOR // 2), 4.0)
    assert noisy == [0.0, 0.0, 0.0, 0.0]


def test_a_moving_square_scores_in_the_seconds_it_moves() -> None:
    scores = motion_scores(frames(5, {2, 3}, noise=4), 5.0)
    assert len(scores) == 5
    assert scores[2] > MOTION_THRESHOLD and scores[3] > MOTION_THRESHOLD
    assert scores[0] == scores[1] == scores[4] == 0.0
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_a_whole_picture_change_scores_one_and_seconds_follow_the_duration() -> None:
    dark, light = np.zeros((H, W), np.uint8), np.full((H, W), 200, np.uint8)
    assert motion_scores([(0.0, dark), (1.5, light)], 2.5) == [0.0, 1.0, 0.0]
    assert motion_scores([], 0.0) == []
    assert motion_scores([(0.0, dark)], 1.0) == [0.0]


# --- real segments ------------------------------------------------------------------------------------


@pytest.fixture
def data_dir(settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


def clip(source: str, seconds: int = 3) -> bytes:
    """A fragmented MP4 like the recorder's segments, encoded by ffmpeg into memory (never a file)."""
    lavfi = f"{source}{':' if '=' in source else '='}size=320x180:rate=25"
    command = ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", lavfi, "-t", str(seconds)]
    command += ["-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-bf", "0", "-pix_fmt", "yuv420p"]
    command += ["-f", "mp4"]
    command += ["-movflags", "frag_keyframe+empty_moov+default_base_moof", "pipe:1"]
    return subprocess.run(command, check=True, capture_output=True, timeout=60).stdout


@pytest.mark.django_db
def test_real_segments_are_scored_from_their_encrypted_blobs(data_dir: Path) -> None:
    camera = CameraFactory()
    now = timezone.now()
    moving = store(camera, now - timedelta(minutes=2), 3, clip("testsrc2"))
    still = store(camera, now - timedelta(minutes=1), 3, clip("color=c=0x336699"))
    broken = store(camera, now - timedelta(seconds=30), 3)  # random bytes, not video
    old = store(camera, now - timedelta(days=2), 3, clip("color=c=black"))

    result = analyse_pending(now)

    assert (result.analysed, result.failed, result.waiting) == (2, 1, 0)
    scores = {s.pk: s.motion for s in Segment.objects.all()}
    assert len(scores[moving.pk]) == 3 and all(s > MOTION_THRESHOLD for s in scores[moving.pk])
    assert scores[still.pk] == [0.0, 0.0, 0.0]
    assert scores[broken.pk] == []  # tried once, not every minute
    assert scores[old.pk] is None  # older than a day: not the job's
    assert segment_motion(moving) == scores[moving.pk]
    # Nothing decrypted was left on disk (9.3): every file in the data dir is still ciphertext or a key.
    for path in data_dir.rglob("*"):
        assert not path.is_file() or not plaintext_markers(path.read_bytes()), path
    assert analyse_pending(now).analysed == 0  # done once


def test_decoding_keeps_every_other_frame_timed_from_the_first() -> None:
    decoded = decode_grey(clip("testsrc2", 1))
    assert len(decoded) == 13 and decoded[0][0] == 0.0
    assert decoded[0][1].shape == (90, 160) and decoded[0][1].dtype == np.uint8
    assert decoded[1][0] == pytest.approx(2 / 25)
