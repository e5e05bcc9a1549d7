"""Export benchmark (issue 5 §5): N minutes of 720p from encrypted 10 s segments to a sealed evidence package,
against a bare decrypt + concat of the same segments, measured in the same run.

    .venv/bin/python bench/export.py --minutes 60     # an hour: ~900 MB of footage, ~2.7 GB of disk in /tmp
    .venv/bin/python bench/export.py --minutes 5      # a quick run

One 10 s 720p clip (ffmpeg testsrc2, 2 Mb/s, a key frame every 2 s, fragmented MP4 like the recorder's
segments) is sealed N×6 times with recording/crypto.py as the recorder seals a segment (AES-256-GCM, its own
key wrapped by the school key, the segment id as associated data), each blob a file in a temporary data dir.
Then, each in a fresh process:

- baseline: open every blob (read, unwrap, decrypt) into a plaintext file, then
  `ffmpeg -f concat -c copy -movflags +faststart` to one MP4 — the least an export can do;
- package: `evidence.package.build` of the same segments, each opened when the build reaches it (a callable
  per piece, as the package job does), to a sealed WinZip-AES ZIP with the master copy, the working copy
  (more than BURN_IN_LIMIT: a stream copy with a timed-text clock), manifest, signature and cover letter;
- verify: `evidence.package.verify` of that package (informative; not part of the target).

Prints wall seconds, the ratio to the baseline (target ≤ 1.5×), CPU seconds (the process and its ffmpeg
children: steadier than wall time on a shared machine), and peak RSS of the Python process and of the
largest ffmpeg it ran. Never asserts timings: on a shared machine they move; the ratio is the figure.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SEGMENT_SECONDS = 10
FPS = 25


def clip_command(target: Path) -> list[str]:
    """The camera simulator's recipe (recording/simulator.py) for one 10 s segment, as fragmented MP4."""
    return [
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate={FPS}:duration={SEGMENT_SECONDS}",
        "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "main", "-pix_fmt", "yuv420p",
        "-bf", "0", "-g", str(FPS * 2), "-keyint_min", str(FPS * 2), "-sc_threshold", "0",
        "-b:v", "2M", "-maxrate", "2M", "-bufsize", "2M", "-an",
        "-movflags", "+frag_keyframe+empty_moov+default_base_moof", str(target),
    ]  # fmt: skip


def setup_django(data_dir: Path) -> None:
    os.environ["WATCHKEEPER_DATA_DIR"] = str(data_dir)
    os.environ.pop("WATCHKEEPER_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "watchkeeper.settings")
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()


def prepare(work: Path, minutes: int) -> None:
    """The clip, sealed minutes × 6 times: blobs/<n>.seg and segments.json (id, wrapped key, sha256)."""
    from watchkeeper.recording import crypto

    clip = work / "clip.mp4"
    subprocess.run(clip_command(clip), check=True, timeout=300)
    plaintext = clip.read_bytes()
    key_id = crypto.school_key_id(1)
    school_key = crypto.school_key(key_id)
    (work / "blobs").mkdir()
    rows = []
    for number in range(minutes * 60 // SEGMENT_SECONDS):
        segment_id = uuid.uuid4()
        sealed = crypto.seal(plaintext, segment_id, key_id, school_key)
        blob = work / "blobs" / f"{number:05d}.seg"
        blob.write_bytes(sealed.blob)
        rows.append({"id": str(segment_id), "wrapped": sealed.wrapped_key.hex(), "sha256": sealed.sha256})
    (work / "segments.json").write_text(json.dumps({"key_id": key_id, "rows": rows}))


def opener(work: Path) -> tuple[list[dict[str, str]], object]:
    """The segment rows and a function giving segment n's plaintext (read, unwrap, decrypt: the read path)."""
    from watchkeeper.recording import crypto

    index = json.loads((work / "segments.json").read_text())
    school_key = crypto.existing_school_key(index["key_id"])
    rows = index["rows"]

    def open_segment(number: int) -> bytes:
        row = rows[number]
        blob = (work / "blobs" / f"{number:05d}.seg").read_bytes()
        return crypto.open_blob(blob, uuid.UUID(row["id"]), bytes.fromhex(row["wrapped"]), school_key)

    return rows, open_segment


def run_baseline(work: Path) -> dict[str, Any]:
    rows, open_segment = opener(work)
    out = work / "baseline"
    out.mkdir(exist_ok=True)
    started = time.perf_counter()
    files = []
    for number in range(len(rows)):
        files.append(out / f"{number:05d}.mp4")
        files[-1].write_bytes(open_segment(number))  # type: ignore[operator]
    listing = out / "list.txt"
    listing.write_text("".join(f"file '{f}'\n" for f in files))
    command = ["ffmpeg", "-nostdin", "-v", "error", "-f", "concat", "-safe", "0", "-i", str(listing)]
    subprocess.run(
        [*command, "-c", "copy", "-movflags", "+faststart", "-y", str(out / "all.mp4")], check=True
    )
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "bytes": (out / "all.mp4").stat().st_size}


def run_package(work: Path) -> dict[str, Any]:
    from datetime import UTC, datetime, timedelta

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from watchkeeper.evidence import package

    rows, open_segment = opener(work)
    start = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    step = timedelta(seconds=SEGMENT_SECONDS)
    pieces = [
        package.Piece(
            camera_id=1,
            camera_name="Bench gate",
            start=start + n * step,
            end=start + (n + 1) * step,
            sha256=row["sha256"],
            clock_offset_ms=0,
            plaintext=lambda n=n: open_segment(n),  # type: ignore[operator,misc]
        )
        for n, row in enumerate(rows)
    ]
    meta = package.Metadata(
        case_id="WK-BENCH",
        school_id=1,
        school_name="Bench School",
        start=pieces[0].start,
        end=pieces[-1].end,
        requested_by="Bench",
        authorised_by="Bench",
        authorised_at=start,
        reason="benchmark",
        created_at=datetime.now(UTC),
    )
    path, password = work / "exports" / "bench.zip", package.new_password()
    started = time.perf_counter()
    burn_in = {"auto": None, "timed-text": False, "burned-in": True}[os.environ["BENCH_CLOCK"]]
    manifest = package.build(path, pieces, meta, password, Ed25519PrivateKey.generate(), burn_in=burn_in)
    seconds = time.perf_counter() - started
    (work / "password.txt").write_text(password)
    clock = manifest["working_copies"][0]["clock"]
    return {"seconds": seconds, "bytes": path.stat().st_size, "clock": clock}


def run_verify(work: Path) -> dict[str, Any]:
    from watchkeeper.evidence import package

    started = time.perf_counter()
    verdict = package.verify(work / "exports" / "bench.zip", (work / "password.txt").read_text())
    return {"seconds": time.perf_counter() - started, "ok": verdict.ok, "problem": verdict.problem}


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of its finished children (ffmpeg)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class ChildPeak(threading.Thread):
    """The largest VmHWM of any child process (ffmpeg), sampled every 20 ms. ru_maxrss of children is no use
    here: a forked child keeps the parent's high-water mark across exec."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak, self.running = 0, True

    def run(self) -> None:
        me = str(os.getpid())
        while self.running:
            for status in Path("/proc").glob("[0-9]*/status"):
                try:
                    fields = dict(
                        line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
                    )
                except OSError:
                    continue
                if fields.get("PPid", "").strip() == me and "VmHWM" in fields:
                    self.peak = max(self.peak, int(fields["VmHWM"].split()[0]) * 1024)
            time.sleep(0.02)


def child(step: str, work: Path) -> None:
    setup_django(work / "data")
    if step == "prepare":
        prepare(work, int(os.environ["BENCH_MINUTES"]))
        return
    sampler = ChildPeak()
    sampler.start()
    cpu_before = cpu_seconds()
    result = {"baseline": run_baseline, "package": run_package, "verify": run_verify}[step](work)
    result["cpu"] = cpu_seconds() - cpu_before
    sampler.running = False
    result["python_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    result["ffmpeg_rss"] = sampler.peak
    print(json.dumps(result))


def spawn(step: str, work: Path, minutes: int, clock: str) -> dict[str, Any]:
    env = {**os.environ, "BENCH_MINUTES": str(minutes), "BENCH_CLOCK": clock}
    command = [sys.executable, __file__, "--step", step, "--work", str(work)]
    output = subprocess.run(command, cwd=REPO, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1]) if step != "prepare" else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=60)
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument(
        "--clock",
        choices=["auto", "timed-text", "burned-in"],
        default="auto",
        help="the working copy's clock (auto: burned in up to package.BURN_IN_LIMIT, else timed text)",
    )
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        child(args.step, args.work)
        return

    work = Path(tempfile.mkdtemp(prefix="wk-bench-export-"))
    try:
        spawn("prepare", work, args.minutes, args.clock)
        baseline = spawn("baseline", work, args.minutes, args.clock)
        shutil.rmtree(work / "baseline")  # disk: an hour is ~900 MB a copy
        ours = spawn("package", work, args.minutes, args.clock)
        checked = spawn("verify", work, args.minutes, args.clock)
        report(args.minutes, baseline, ours, checked)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def report(minutes: int, baseline: dict[str, Any], ours: dict[str, Any], checked: dict[str, Any]) -> None:
    mb = 1e6
    print(f"{minutes} min of 720p in {minutes * 60 // SEGMENT_SECONDS} encrypted 10 s segments "
          f"({os.cpu_count()} CPUs; one run, machine possibly shared)")  # fmt: skip
    print("| | seconds | ratio | CPU s | CPU ratio | output MB | peak RSS Python MB | peak RSS ffmpeg MB |")
    print("|---|---|---|---|---|---|---|---|")
    for label, r in [("decrypt + concat -c copy (baseline)", baseline), ("package.build (sealed ZIP)", ours)]:
        ratio, cpu_ratio = r["seconds"] / baseline["seconds"], r["cpu"] / baseline["cpu"]
        print(
            f"| {label} | {r['seconds']:.1f} | {ratio:.2f} | {r['cpu']:.1f} | {cpu_ratio:.2f} "
            f"| {r['bytes'] / mb:.0f} | {r['python_rss'] / mb:.0f} | {r['ffmpeg_rss'] / mb:.0f} |"
        )
    print(f"target: package ≤ 1.5 × baseline; working copy clock: {ours['clock']}")
    outcome = "package verified" if checked["ok"] else f"NOT verified: {checked['problem']}"
    print(
        f"package.verify: {checked['seconds']:.1f} s, {outcome}, peak RSS {checked['python_rss'] / mb:.0f} MB"
    )


if __name__ == "__main__":
    main()
