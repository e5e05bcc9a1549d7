"""Redaction review benchmark (issue 16 §2): the proposal plus the final render after review, on a long 720p
window, against real time: the floor is ≤ 1.0× (a 10-minute window ready in 10 minutes).

    .venv/bin/python bench/redaction_review.py --minutes 10 [--clip current|queue]

The window is cheap to make: one labelled clip of `--loop` seconds (tests/redaction/clips.py) copied
end to end with ffmpeg's stream loop (no re-encoding) to `--minutes`. The "review" keeps the first
proposed face track (the requester) and blurs everything else, as the review page's default does.
Prints wall and CPU seconds of each step and their ratios to the window's duration. The machine may be
shared with other work: the CPU figure is the one to compare between runs (2 CPUs: CPU seconds / 2 is the
best wall time possible).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # tests.redaction.clips: the same clip makers the tests use
sys.path.insert(0, str(REPO / "src"))

from tests.redaction.clips import bench_clip, queue_clip  # noqa: E402

from watchkeeper.redaction.engine import propose, render  # noqa: E402

CLIPS = {"current": bench_clip, "queue": queue_clip}


def window(folder: Path, clip: str, loop: float, minutes: float) -> Path:
    """A `minutes` long 720p window made by repeating one short clip (stream copy: seconds, not minutes)."""
    piece = CLIPS[clip](folder / "piece.mp4", seconds=loop)
    out = folder / "window.mp4"
    command = ["ffmpeg", "-v", "error", "-stream_loop", "-1", "-i", str(piece.path), "-t", str(minutes * 60),
               "-c", "copy", "-movflags", "+faststart", str(out)]  # fmt: skip
    subprocess.run(command, check=True)
    return out


def timed(step):  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    result = step()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--clip", choices=list(CLIPS), default="current")
    parser.add_argument("--loop", type=float, default=10.0, help="seconds of the repeated clip")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-review-") as tmp:
        folder = Path(tmp)
        src = window(folder, args.clip, args.loop, args.minutes)
        seconds = args.minutes * 60
        print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start (shared machine?)")
        print(f"window: 1280x720 at 25 fps, {seconds:.0f} s ({args.clip} clip of {args.loop:.0f} s repeated)")
        proposal, p_wall, p_cpu = timed(lambda: propose(src))
        faces = [t.id for t in proposal.tracks if t.kind == "face"]
        keep = faces[:1]  # the requester; everyone else is blurred
        _, r_wall, r_cpu = timed(lambda: render(src, folder / "out.mp4", proposal, keep=keep, mode="blur"))
        print(f"{proposal.frames} frames, {len(proposal.tracks)} tracks ({len(faces)} faces)")
        print(f"{'':20}{'wall s':>10}{'x real time':>13}{'CPU s':>10}{'CPU / 2 cores':>15}")
        for name, wall, cpu in (("propose", p_wall, p_cpu), ("render", r_wall, r_cpu),
                                ("together", p_wall + r_wall, p_cpu + r_cpu)):  # fmt: skip
            print(f"{name:20}{wall:10.1f}{wall / seconds:13.2f}{cpu:10.1f}{cpu / 2 / seconds:15.2f}")
        print(f"proposal + final render: {(p_wall + r_wall) / seconds:.2f}x real time (wall; floor 1.0x), "
              f"{(p_cpu + r_cpu) / 2 / seconds:.2f}x on 2 fully available cores (CPU / 2)")  # fmt: skip


if __name__ == "__main__":
    main()
