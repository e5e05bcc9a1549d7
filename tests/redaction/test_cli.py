"""`watchkeeper redact` as an operator runs it (issue 6 §3, 10.4.1): a real subprocess on a real clip."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

import pytest

from tests.redaction.clips import Clip, small_clip
from tests.redaction.test_engine import unreadable_inputs
from watchkeeper.redaction.engine import proposal_from_json
from watchkeeper.redaction.engine.pipeline import sha256


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Clip:
    return small_clip(tmp_path_factory.mktemp("cli") / "master.mp4")


def redact(*args: object) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.setdefault("WATCHKEEPER_DATA_DIR", tempfile.mkdtemp(prefix="redact-cli-"))  # never the checkout
    return subprocess.run(
        [sys.executable, "-m", "watchkeeper.cli", "redact", *map(str, args)],
        capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip


def test_redact_writes_the_copy_tracks_and_report_with_progress(clip, tmp_path):
    before = sha256(clip.path)
    out, tracks, report = tmp_path / "out.mp4", tmp_path / "tracks.json", tmp_path / "report.json"
    result = redact(clip.path, out, "--tracks-out", tracks, "--report", report, "--mode", "pixelate")
    assert result.returncode == 0, result.stderr
    assert "finding people" in result.stderr and "100%" in result.stderr  # the progress bar
    proposal = proposal_from_json(json.loads(tracks.read_text()))
    assert proposal.frames == clip.frames and len(proposal.tracks) >= 4
    data = json.loads(report.read_text())
    assert data["sha256_input"] == before == sha256(clip.path)
    assert data["sha256_output"] == sha256(out)
    assert data["mode"] == "pixelate" and data["frames"] == clip.frames and data["policy"] == "10.4.1"
    assert len(data["tracks_redacted"]) == len(proposal.tracks) and data["tracks_kept"] == []
    assert data["started_at"] and data["seconds"] > 0


def test_reviewed_tracks_with_a_manual_box_and_a_kept_track(clip, tmp_path):
    tracks, report = tmp_path / "tracks.json", tmp_path / "report.json"
    assert redact(clip.path, tmp_path / "first.mp4", "--tracks-out", tracks, "--quiet").returncode == 0
    document = json.loads(tracks.read_text())
    kept = document["tracks"][0]["id"]
    document["tracks"].append(
        {"id": 900, "kind": "manual", "boxes": [[0, 10, 10, 40, 40], [30, 60, 10, 40, 40]]}
    )
    tracks.write_text(json.dumps(document))
    options = ("--tracks-in", tracks, "--keep", kept, "--report", report, "--quiet")
    result = redact(clip.path, tmp_path / "second.mp4", *options)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # --quiet: no progress bar
    data = json.loads(report.read_text())
    assert [t["id"] for t in data["tracks_kept"]] == [kept]
    assert data["manual_edits"] == [
        {"id": 900, "kind": "manual", "first_frame": 0, "last_frame": 30, "key_frames": 2}
    ]


def test_unreadable_input_is_one_clear_line_and_exit_status_2(tmp_path):
    for name, path in unreadable_inputs(tmp_path).items():
        result = redact(path, tmp_path / "out.mp4")
        assert result.returncode == 2, name
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "cannot read the input" in lines[0] and str(path) in lines[0], name
        assert "Traceback" not in result.stderr
        assert not (tmp_path / "out.mp4").exists()


def test_bad_arguments_are_refused_without_a_traceback(clip, tmp_path):
    garbage = tmp_path / "tracks.json"
    garbage.write_text("{not json")
    cases = [
        (("--keep", "999"), "no proposed track with id 999"),
        (("--tracks-in", garbage), "not a usable tracks file"),
    ]
    for extra, message in cases:
        result = redact(clip.path, tmp_path / "out.mp4", "--quiet", *extra)
        assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    result = redact(clip.path, clip.path)
    assert result.returncode == 2 and "10.3" in result.stderr
    result = redact(clip.path, tmp_path / "no" / "such" / "out.mp4")
    assert result.returncode == 2 and "no such folder" in result.stderr
