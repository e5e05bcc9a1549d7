"""The redaction engine on a real labelled clip (10.3, 10.4.1): real decoding, the real CenterFace model,
real x264 encoding. Every labelled face outside a kept track must be distorted, a kept face untouched, the
output must play and the master must be unchanged."""

from __future__ import annotations

import subprocess
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from tests.redaction.clips import XYWH, Clip, small_clip
from watchkeeper.redaction.engine import Box, Proposal, Track, UnreadableVideo, propose, render
from watchkeeper.redaction.engine.pipeline import sha256
from watchkeeper.redaction.engine.tracker import iou


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Clip:
    return small_clip(tmp_path_factory.mktemp("clip") / "master.mp4")


@pytest.fixture(scope="module")
def proposal(clip) -> Proposal:
    return propose(clip.path)


@pytest.fixture(scope="module")
def plain(clip, tmp_path_factory) -> list[np.ndarray]:
    """The clip re-encoded with nothing redacted: what "untouched" looks like after x264."""
    out = tmp_path_factory.mktemp("plain") / "plain.mp4"
    render(clip.path, out, Proposal(clip.width, clip.height, clip.fps, clip.frames, []))
    return frames_of(out)


def frames_of(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="bgr24") for f in container.decode(video=0)]


def region(image: np.ndarray, box: XYWH) -> np.ndarray:
    x, y, w, h = (round(v) for v in box)
    return image[y : y + h, x : x + w]


def detail(image: np.ndarray) -> float:
    return float(cv2.Laplacian(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), cv2.CV_64F).var())


def near_other_tracks(proposal: Proposal, keep: set[int], frame: int, box: XYWH) -> bool:
    x, y, w, h = box
    for track in proposal.tracks:
        if track.id in keep:
            continue
        for b in track.boxes:
            if b.frame == frame and b.x - b.w / 2 < x + w and x < b.x + 1.5 * b.w and b.y - b.h / 2 < y + h \
                    and y < b.y + 1.5 * b.h:  # fmt: skip
                return True
    return False


def same_detail(a: np.ndarray, b: np.ndarray) -> float:
    """Correlation of the fine detail (image minus its blur) of two pictures: ~1 same face, ~0 none left."""

    def fine(image: np.ndarray) -> np.ndarray:
        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(float)
        return (grey - cv2.GaussianBlur(grey, (0, 0), 2.0)).ravel()

    return float(np.corrcoef(fine(a), fine(b))[0, 1])


def tracks_of_actor(clip: Clip, proposal: Proposal, actor: int) -> set[int]:
    """Ids of the proposed tracks covering the actor's face centre on most of the frames it is labelled."""
    hits: dict[int, int] = {}
    labelled = [(f, box) for f in range(clip.frames) if (box := clip.face_box(actor, f))]
    for frame, (x, y, w, h) in labelled:
        cx, cy = x + w / 2, y + h / 2
        for track in proposal.tracks:
            for b in track.boxes:
                if b.frame == frame and b.x <= cx <= b.x + b.w and b.y <= cy <= b.y + b.h:
                    hits[track.id] = hits.get(track.id, 0) + 1
    return {tid for tid, n in hits.items() if n >= len(labelled) / 2}


def test_proposal_finds_every_labelled_face_and_the_walking_person(clip, proposal):
    assert (proposal.width, proposal.height, proposal.frames) == (640, 360, 75)
    for actor in (1, 2, 3, 4):
        assert tracks_of_actor(clip, proposal, actor), f"no track follows actor {actor}"
    walked = [(f, box) for f, labelled in clip.people.items() for _, box in labelled]
    matched = [f for f, (x, y, w, h) in walked if best_iou(proposal, "person", f, (x, y, w, h)) >= 0.3]
    assert len(matched) >= 0.9 * len(walked)  # the whole person, not just their face


def best_iou(proposal: Proposal, kind: str, frame: int, box: XYWH) -> float:
    x, y, w, h = box
    truth = np.array([[x, y, x + w, y + h]])
    found = [[b.x, b.y, b.x + b.w, b.y + b.h] for t in proposal.tracks if t.kind == kind for b in t.boxes
             if b.frame == frame]  # fmt: skip
    return float(iou(truth, np.array(found)).max()) if found else 0.0


@pytest.mark.clause("10.4.1", "R17", "R23")
def test_every_labelled_face_is_blurred_and_the_master_is_unchanged(clip, proposal, tmp_path):
    before = sha256(clip.path)
    out = tmp_path / "redacted.mp4"
    result = render(clip.path, out, proposal)
    assert result.sha256_in == before == sha256(clip.path)
    assert result.sha256_out == sha256(out) and result.frames == clip.frames
    original, redacted = frames_of(clip.path), frames_of(out)
    checked = 0
    for index, labelled in clip.faces.items():
        for actor, box in labelled:
            a, b = region(original[index], box), region(redacted[index], box)
            assert detail(b) < 0.2 * detail(a), f"face of actor {actor} not blurred on frame {index}"
            checked += 1
    assert checked > 250  # every face on every frame, not a sample


@pytest.mark.clause("10.3", "10.4.1")
def test_a_kept_track_is_untouched_and_the_others_are_still_blurred(clip, proposal, plain, tmp_path):
    keep = tracks_of_actor(clip, proposal, 1)
    out = tmp_path / "kept.mp4"
    render(clip.path, out, proposal, keep=keep)
    redacted = frames_of(out)
    kept_checked = 0
    for index, labelled in clip.faces.items():
        for actor, box in labelled:
            got, untouched = region(redacted[index], box).astype(int), region(plain[index], box).astype(int)
            if actor == 1 and not near_other_tracks(proposal, keep, index, box):
                kept_checked += (
                    1  # x264 noise only (a blur moves pixels by tens of levels and removes detail)
                )
                assert np.abs(got - untouched).mean() < 5.0, f"kept face changed on frame {index}"
                assert detail(got.astype(np.uint8)) > 0.7 * detail(untouched.astype(np.uint8))
            elif actor != 1:
                assert detail(got.astype(np.uint8)) < 0.2 * detail(untouched.astype(np.uint8))
    assert kept_checked >= 0.8 * clip.frames  # where another person's box touches the kept face, blur wins


def test_output_plays_as_h264_without_audio_with_its_index_first(clip, proposal, tmp_path):
    out = tmp_path / "redacted.mp4"
    render(clip.path, out, proposal)
    streams = ["-show_entries", "stream=codec_type,codec_name", "-of", "csv=p=0"]
    probe = subprocess.run(
        ["ffprobe", "-v", "error", *streams, str(out)], capture_output=True, text=True, check=True
    )
    assert probe.stdout.split() == ["h264,video"]  # the master's audio track is gone
    decoded = subprocess.run(["ffmpeg", "-v", "error", "-xerror", "-i", str(out), "-f", "null", "-"],
                             capture_output=True, text=True, check=False)  # fmt: skip
    assert decoded.returncode == 0 and decoded.stderr == ""
    data = out.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")  # faststart: plays while downloading


def test_pixelate_and_fill_modes(clip, proposal, tmp_path):
    original = frames_of(clip.path)
    for mode in ("pixelate", "fill"):
        out = tmp_path / f"{mode}.mp4"
        render(clip.path, out, proposal, mode=mode)
        redacted = frames_of(out)
        for index in (0, 40, 74):
            for actor, box in clip.faces[index]:
                got = region(redacted[index], box)
                if mode == "fill":
                    assert got.mean() < 12, f"face of actor {actor} not filled"
                else:  # blocks: none of the face's fine detail survives, and it is not blacked out
                    assert same_detail(got, region(original[index], box)) < 0.3
                    assert got.mean() > 30


def test_manual_boxes_are_redacted_even_over_a_kept_track(clip, proposal, plain, tmp_path):
    keep = {t.id for t in proposal.tracks}  # the reviewer keeps everything the detector found …
    face = clip.face_box(3, 30)  # … but draws a box over the still head (actor 3) from frame 20 to 40
    assert face is not None
    x, y, w, h = face
    manual = Track(1, "manual", [Box(20, x - 4, y - 4, w + 8, h + 8), Box(40, x - 4, y - 4, w + 8, h + 8)])
    out = tmp_path / "manual.mp4"
    render(clip.path, out, proposal, keep=keep, manual=[manual], mode="fill")
    redacted = frames_of(out)
    assert region(redacted[30], face).mean() < 12
    assert np.abs(region(redacted[10], face).astype(int) - region(plain[10], face).astype(int)).mean() < 5.0


def test_unknown_kept_track_or_mode_is_refused(clip, proposal, tmp_path):
    with pytest.raises(ValueError, match="10.4.1"):
        render(clip.path, tmp_path / "x.mp4", proposal, keep=[999])
    with pytest.raises(ValueError, match="10.4.1"):
        render(clip.path, tmp_path / "x.mp4", proposal, mode="smudge")
    with pytest.raises(ValueError, match="10.3"):
        render(clip.path, clip.path, proposal)
    assert not (tmp_path / "x.mp4").exists()


def test_progress_is_reported_up_to_one(clip):
    seen: list[float] = []
    propose(clip.path, progress=seen.append)
    assert seen[-1] == 1.0 and seen == sorted(seen) and len(seen) >= 3


def unreadable_inputs(folder: Path) -> dict[str, Path]:
    text = folder / "notes.mp4"
    text.write_text("not a video\n" * 100)
    empty = folder / "empty.ts"
    empty.write_bytes(b"")
    audio = folder / "audio.mp4"
    with av.open(str(audio), "w") as out:
        stream = out.add_stream("aac", rate=16000)
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="flt", layout="mono")
        frame.sample_rate = 16000
        out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return {"text": text, "empty": empty, "audio only": audio, "missing": folder / "nowhere.mp4"}


def test_unreadable_inputs_raise_a_clear_error(clip, tmp_path):
    inputs = unreadable_inputs(tmp_path)
    truncated = tmp_path / "truncated.mp4"
    truncated.write_bytes(clip.path.read_bytes()[: clip.path.stat().st_size // 3])
    inputs["truncated"] = truncated
    for name, path in inputs.items():
        with pytest.raises(UnreadableVideo) as error:
            propose(path)
        assert str(path) in str(error.value) and "\n" not in str(error.value), name


def test_mpeg_ts_input_is_accepted(clip, tmp_path):
    ts = tmp_path / "master.ts"
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(clip.path), "-c", "copy", "-an", str(ts)], check=True)
    proposal = propose(ts)
    assert proposal.frames == clip.frames and len([t for t in proposal.tracks if t.kind == "face"]) >= 4


def test_the_walking_person_is_redacted_whole_not_only_the_face(clip, proposal, tmp_path):
    out = tmp_path / "redacted.mp4"
    render(clip.path, out, proposal, mode="fill")
    redacted = frames_of(out)
    for index in range(20, clip.frames):
        ((_, (x, y, w, h)),) = clip.people[index]
        body = (x + w * 0.2, y + h * 0.6, w * 0.6, h * 0.3)  # the chest, well below the face
        assert region(redacted[index], body).mean() < 12, f"the person's body is visible on frame {index}"


def test_an_odd_sized_input_is_cropped_to_even_sides_and_redacted(clip, tmp_path):
    odd = tmp_path / "odd.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(clip.path), "-vf", "scale=321:181", "-an",
                    "-c:v", "libx264", "-pix_fmt", "yuv444p", str(odd)], check=True)  # fmt: skip
    out = tmp_path / "out.mp4"
    result = render(odd, out, propose(odd))
    frames = frames_of(out)
    assert result.frames == len(frames) == clip.frames and frames[0].shape[:2] == (180, 320)
