"""Redaction benchmark (issue 6 §4, issue 16 §2): our engine (`watchkeeper.redaction.engine`: propose +
render) against the `deface` tool, on the same labelled 720p clips, in the same run.

    .venv/bin/python bench/redaction.py --seconds 10 [--clip current|queue|motion] [--runs 3] [--profile]

Clips (tests/redaction/clips.py): "current" (bench_clip, below), "queue" (queue_clip: a queue at the gate,
22 heads of 18-40 px standing and shuffling forward, two passers-by and one upper body walking) and
"motion" (motion_clip: no people; a swaying tree, a drifting cloud shadow, a passing car), on which the
figures are the face tracks (should be 0) and the person-sized tracks per minute (review groups,
redaction/services/groups.py `group_of`). Each tool runs `--runs` times; the medians are printed.

The clip (tests/redaction/clips.py bench_clip) pastes real photographs shipped inside PyPI packages
(scikit-image's astronaut, matplotlib's Grace Hopper) over a static scene with sensor noise: heads of
20-200 px, moving or standing, some partly hidden, and whole people (upper bodies) walking across.

Figures printed:
- frames/s: clip frames / wall seconds of the whole redaction (decode, detect, encode), and the same per CPU
  second (the machine may be shared: the CPU figure and the ratio in the same run are the honest ones).
  Ours is timed before and after deface, and the two averaged.
- face recall, IoU ≥ 0.3 (ours only: deface writes no boxes): labelled faces matched by a proposed face box.
- faces covered / people covered (both tools): labelled boxes of which ≥ 70 % of the informative pixels are
  filled black in the output (both run in "fill"/"solid" mode so the check reads pixels, not claims).
- person recall, IoU ≥ 0.3 (ours): labelled whole people matched by a proposed person box; and by the boxes
  of the tracks the review lists under People only (group_of), which must not lose anyone to "other motion".
With --profile, one more run of ours under cProfile (the main thread's CPU time) prints where the time goes.
Needs the dev packages: scikit-image, matplotlib, and deface's CLI deps (imageio, imageio-ffmpeg, tqdm).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # tests.redaction.clips: the same clip maker the tests use
sys.path.insert(0, str(REPO / "src"))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "watchkeeper.settings")
os.environ.setdefault("WATCHKEEPER_DATA_DIR", tempfile.mkdtemp(prefix="bench-redaction-data-"))
import django  # noqa: E402

django.setup()  # the review groups (group_of) live beside the review's Django models

from tests.redaction.clips import Clip, bench_clip, motion_clip, queue_clip  # noqa: E402

from watchkeeper.redaction.engine import proposal_to_json, propose, render  # noqa: E402
from watchkeeper.redaction.engine.tracker import iou  # noqa: E402
from watchkeeper.redaction.services.groups import PEOPLE, group_of  # noqa: E402

COVERED = 0.7


def xyxy(box: tuple[float, float, float, float]) -> np.ndarray:
    x, y, w, h = box
    return np.array([[x, y, x + w, y + h]], np.float64)


def iou_recall(truth: dict[int, list], proposed: dict[int, list[np.ndarray]]) -> tuple[float, int]:
    found = total = 0
    for frame, labelled in truth.items():
        boxes = proposed.get(frame)
        for _, box in labelled:
            total += 1
            if boxes is not None and len(boxes) and iou(xyxy(box), np.stack(boxes)).max() >= 0.3:
                found += 1
    return found / max(1, total), total


def coverage(clip: Clip, output: Path) -> tuple[float, float]:
    """Fractions of labelled faces and people whose informative pixels are ≥ 70 % black in `output`."""
    faces = people = faces_total = people_total = 0
    with av.open(str(clip.path)) as a, av.open(str(output)) as b:
        pairs = zip(a.decode(video=0), b.decode(video=0), strict=False)
        for index, (fa, fb) in enumerate(pairs):
            orig, out = fa.to_ndarray(format="rgb24"), fb.to_ndarray(format="rgb24")
            for truth, is_face in ((clip.faces, True), (clip.people, False)):
                for _, box in truth.get(index, []):
                    hit = _covered(orig, out, box)
                    if is_face:
                        faces_total += 1
                        faces += hit
                    else:
                        people_total += 1
                        people += hit
    return faces / max(1, faces_total), people / max(1, people_total)


def _covered(orig: np.ndarray, out: np.ndarray, box: tuple[float, float, float, float]) -> bool:
    x, y, w, h = (round(v) for v in box)
    region_in, region_out = orig[y : y + h, x : x + w], out[y : y + h, x : x + w]
    informative = region_in.max(axis=2) >= 48  # dark pixels cannot show a fill
    if not informative.any():
        return True
    black = region_out.max(axis=2) < 24
    return bool((black & informative).sum() >= COVERED * informative.sum())


def run_ours(clip: Clip, out: Path) -> dict[str, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    proposal = propose(clip.path)
    propose_wall = time.perf_counter() - wall
    render(clip.path, out, proposal, mode="fill")
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    faces: dict[int, list[np.ndarray]] = {}
    people: dict[int, list[np.ndarray]] = {}
    grouped: dict[int, list[np.ndarray]] = {}  # only the tracks the review lists under People
    tracks = proposal_to_json(proposal)["tracks"]
    for track, row in zip(proposal.tracks, tracks, strict=True):
        targets = [faces] if track.kind == "face" else [people]
        if group_of(row, clip.height) == PEOPLE:
            targets.append(grouped)
        for b in track.boxes:
            for target in targets:
                target.setdefault(b.frame, []).append(np.array([b.x, b.y, b.x + b.w, b.y + b.h]))
    face_recall, _ = iou_recall(clip.faces, faces)
    small = {f: [(i, b) for i, b in v if b[2] <= 40] for f, v in clip.faces.items()}
    small_recall, _ = iou_recall(small, faces)
    person_recall, _ = iou_recall(clip.people, people)
    grouped_recall, _ = iou_recall(clip.people, grouped)
    covered_faces, covered_people = coverage(clip, out)
    return {
        "wall": wall, "cpu": cpu, "propose": propose_wall,
        "face_tracks": sum(1 for t in tracks if t["kind"] == "face"),
        "person_sized": sum(1 for t in tracks if group_of(t, clip.height) == PEOPLE),
        "face_recall": face_recall, "small_recall": small_recall, "person_recall": person_recall,
        "grouped_recall": grouped_recall,
        "faces_covered": covered_faces, "people_covered": covered_people,
        "tracks": len(proposal.tracks),
    }  # fmt: skip


def run_deface(clip: Clip, out: Path) -> dict[str, float] | None:
    exe = shutil.which("deface", path=str(Path(sys.executable).parent)) or shutil.which("deface")
    if exe is None:
        return None
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    command = [exe, str(clip.path), "-o", str(out), "--replacewith", "solid", "--ep", "CPUExecutionProvider"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0 or not out.exists():
        print("deface failed:", result.stderr[-2000:], file=sys.stderr)
        return None
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    covered_faces, covered_people = coverage(clip, out)
    return {"wall": wall, "cpu": cpu, "faces_covered": covered_faces, "people_covered": covered_people}


CLIPS = {"current": bench_clip, "queue": queue_clip, "motion": motion_clip}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=None, help="another seed, another clip")
    parser.add_argument("--clip", choices=[*CLIPS, "all"], default="all")
    parser.add_argument("--runs", type=int, default=3, help="runs of each tool; medians are printed")
    parser.add_argument("--no-deface", action="store_true", help="skip the (slow) deface runs")
    parser.add_argument("--profile", action="store_true", help="where our time goes (one more run)")
    parser.add_argument("--keep", type=Path, help="copy the clips and outputs to this folder")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start (shared machine?)")
    for name in CLIPS if args.clip == "all" else [args.clip]:
        with tempfile.TemporaryDirectory(prefix="bench-redaction-") as tmp:
            folder = Path(tmp)
            seed = {} if args.seed is None else {"seed": args.seed}
            clip = CLIPS[name](folder / f"{name}.mp4", seconds=args.seconds, **seed)
            report(name, clip, folder, args.runs, not args.no_deface and name != "motion")
            if args.profile:
                profile(clip, folder / "profiled.mp4")
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                for f in folder.glob("*.mp4"):
                    shutil.copy(f, args.keep / f.name)


def report(name: str, clip: Clip, folder: Path, runs: int, deface: bool) -> None:
    labels = [b for v in clip.faces.values() for _, b in v]
    sizes = sorted(b[2] for b in labels)
    people = sum(len(v) for v in clip.people.values())
    print(f"\n== {name}: {clip.width}x{clip.height}, {clip.frames} frames at {clip.fps} fps, "
          f"{len(labels)} labelled faces ({sum(1 for w in sizes if w <= 40)} of <= 40 px; widths "
          f"{_size_range(sizes)}), {people} labelled people")  # fmt: skip
    # Ours and deface alternate, run by run: on a shared machine the load changes during the run, and
    # alternating keeps it from favouring either tool.
    ours_runs, their_runs = [], []
    for _ in range(runs):
        ours_runs.append(run_ours(clip, folder / "ours.mp4"))
        if deface:
            theirs = run_deface(clip, folder / "deface.mp4")
            if theirs:
                their_runs.append(theirs)
    ours, theirs = _median(ours_runs), _median(their_runs) if their_runs else None
    n = clip.frames
    print(f"{'median of ' + str(runs) + ' runs':28}{'ours':>12}{'deface':>12}")
    print(f"{'frames/s (wall)':28}{n / ours['wall']:12.1f}{_f(theirs, lambda t: n / t['wall'])}")
    print(f"{'frames/s per CPU second':28}{n / ours['cpu']:12.1f}{_f(theirs, lambda t: n / t['cpu'])}")
    busy = _f(theirs, lambda t: t["cpu"] / t["wall"], 2)
    print(f"{'CPU s / wall s':28}{ours['cpu'] / ours['wall']:12.2f}{busy}")
    if labels:
        print(f"{'face recall (IoU >= 0.3)':28}{ours['face_recall']:12.3f}{'n/a':>12}")
        print(f"{'  small faces (<= 40 px)':28}{ours['small_recall']:12.3f}{'n/a':>12}")
        covered = _f(theirs, lambda t: t["faces_covered"], 3)
        print(f"{'faces covered (pixels)':28}{ours['faces_covered']:12.3f}{covered}")
    if people:
        print(f"{'person recall (IoU >= 0.3)':28}{ours['person_recall']:12.3f}{'n/a':>12}")
        print(f"{'  by People tracks only':28}{ours['grouped_recall']:12.3f}{'n/a':>12}")
        covered = _f(theirs, lambda t: t["people_covered"], 3)
        print(f"{'people covered (pixels)':28}{ours['people_covered']:12.3f}{covered}")
    minutes = n / clip.fps / 60
    print(f"{'proposed tracks':28}{ours['tracks']:12.0f}")
    print(f"{'  face tracks':28}{ours['face_tracks']:12.0f}")
    sized = ours["person_sized"]
    print(f"{'  person-sized per minute':28}{sized / minutes:12.1f}  ({sized:.0f} tracks)")
    print(f"{'propose / render (wall s)':28}{ours['propose']:6.1f} / {ours['wall'] - ours['propose']:.1f}")
    if theirs:
        print(f"speed ratio ours/deface: {theirs['wall'] / ours['wall']:.1f}x (wall), "
              f"{theirs['cpu'] / ours['cpu']:.1f}x (CPU)")  # fmt: skip


def profile(clip: Clip, out: Path) -> None:
    """Where the time goes: one run of ours under cProfile, timed by the main thread's CPU clock (the crops'
    detector runs on pool threads: their share is what the main thread spends waiting, reported apart)."""
    profiler = cProfile.Profile(timer=time.thread_time)
    cpu = time.process_time()
    profiler.enable()
    proposal = propose(clip.path)
    render(clip.path, out, proposal, mode="fill")
    profiler.disable()
    cpu = time.process_time() - cpu
    stats = pstats.Stats(profiler)
    main_thread = sum(row[2] for row in stats.stats.values())  # type: ignore[attr-defined]
    others = "crop detector pool, onnxruntime, x264, decoding"
    print(f"profile: {cpu:.1f} CPU s in all, {main_thread:.1f} on the main thread, "  # fmt: skip
          f"{cpu - main_thread:.1f} on other threads ({others})")  # fmt: skip
    stats.sort_stats("tottime").print_stats(12)


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


def _size_range(sizes: list[float]) -> str:
    return f"{sizes[0]:.0f}-{sizes[-1]:.0f} px, median {statistics.median(sizes):.0f}" if sizes else "-"


def _f(result: dict[str, float] | None, figure, digits: int = 1) -> str:  # type: ignore[no-untyped-def]
    return f"{figure(result):12.{digits}f}" if result else f"{'n/a':>12}"


if __name__ == "__main__":
    main()
