"""Redacting in the decoder's own YUV 4:2:0 planes (issue 16 §2, speed; 10.4.1): the copy must look as the
RGB way makes it, box for box, in every mode, with the caption, and every labelled face still hidden."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from tests.redaction.clips import small_clip
from tests.redaction.test_engine import frames_of
from watchkeeper.redaction.engine import propose, render


@pytest.mark.clause("10.4.1")
def test_the_planar_copy_matches_the_rgb_one_in_every_mode(tmp_path):
    clip = small_clip(tmp_path / "master.mp4", audio=False)  # 4:2:0: redacted in its planes
    full = tmp_path / "master-444.mp4"  # the same pictures in 4:4:4, which goes the RGB way
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(clip.path), "-c:v", "libx264", "-qp", "0",
                    "-pix_fmt", "yuv444p", str(full)], check=True)  # fmt: skip
    proposal = propose(clip.path)

    def caption(index: int, fps: float) -> str:
        return "Main gate  15/01/2026 14:00:00 GMT"

    for mode in ("blur", "pixelate", "fill"):
        render(clip.path, tmp_path / "planar.mp4", proposal, mode=mode, caption=caption)
        render(full, tmp_path / "rgb.mp4", proposal, mode=mode, caption=caption)
        planar, rgb = frames_of(tmp_path / "planar.mp4"), frames_of(tmp_path / "rgb.mp4")
        assert len(planar) == len(rgb) == clip.frames
        for a, b in zip(planar, rgb, strict=True):
            error = np.mean((a.astype(float) - b.astype(float)) ** 2)
            assert 10 * np.log10(255**2 / max(error, 1e-9)) > 32, mode  # dB: compression noise only
    # Every labelled face black in the planar "fill" copy (video-range black is RGB 0).
    for index, labelled in clip.faces.items():
        for _, (x, y, w, h) in labelled:
            face = planar[index][round(y) : round(y + h), round(x) : round(x + w)]
            assert face.max(axis=2).mean() < 24
