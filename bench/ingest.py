"""Ingest benchmark: `watchkeeper record` (PyAV, one process, thread per camera, encrypting) against one
`ffmpeg -c copy -f segment` process per camera, on N simulated cameras, measured in the same run.

    .venv/bin/python bench/ingest.py --cameras 16 --seconds 60

CPU is CPU time from /proc over the measured window (after a warm-up), as % of one core; memory is PSS
(proportional set size: shared libraries divided among the processes using them) at the end. For the
recorder, a run with no cameras gives its fixed cost, so the per-stream figure is the marginal one.
Afterwards `watchkeeper check` decrypts every segment and verifies its SHA-256; bad segments are counted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TICKS = os.sysconf("SC_CLK_TCK")
WARM_UP = 8.0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def pss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return 0


def environment(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "WATCHKEEPER_DATABASE_URL"}
    env["WATCHKEEPER_DATA_DIR"] = str(data_dir)
    return env


def watchkeeper(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "watchkeeper.cli", *args],
        cwd=REPO, env=environment(data_dir), capture_output=True, text=True, check=False,
    )  # fmt: skip


def seed(port: int, count: int) -> None:
    """Runs inside a child process with the benchmark's data dir: a school with `count` active cameras."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "watchkeeper.settings")
    import django

    django.setup()
    from django.utils import timezone

    from watchkeeper.compliance.models import SignPlacement
    from watchkeeper.compliance.services import approve_dpia, create_dpia, register_sign
    from watchkeeper.core.actors import SYSTEM
    from watchkeeper.estate.models import CameraStatus, LocationType, Purpose
    from watchkeeper.estate.services import change_camera_status, create_school, create_trust, register_camera
    from watchkeeper.recording.simulator import stream_url

    school = create_school(SYSTEM, create_trust(SYSTEM, "Bench Trust"), "Bench School")
    cameras = [
        register_camera(
            SYSTEM,
            school,
            name=f"cam{n}",
            location_description="bench",
            location_type=LocationType.ENTRANCE,
            purposes=[Purpose.SAFETY.value],
            main_stream_url=stream_url(port, n),
        )  # fmt: skip
        for n in range(1, count + 1)
    ]
    approve_dpia(SYSTEM, create_dpia(SYSTEM, school, "Bench", cameras), timezone.now())
    register_sign(SYSTEM, school, SignPlacement.ENTRANCE, "gate", last_checked_on=timezone.localdate())
    for camera in cameras:
        change_camera_status(SYSTEM, camera, CameraStatus.ACTIVE, today=timezone.localdate())


def prepare(data_dir: Path, port: int, cameras: int) -> None:
    if watchkeeper(data_dir, "migrate", "--no-input", "-v0").returncode != 0:
        raise SystemExit("migrate failed")
    if cameras:
        command = [sys.executable, __file__, "--seed", str(port), str(cameras)]
        subprocess.run(command, cwd=REPO, env=environment(data_dir), check=True)


def recorder_baseline(work: Path) -> int:
    """PSS of a recorder with no cameras: its fixed cost (Python, Django, PyAV)."""
    data_dir = work / "baseline"
    prepare(data_dir, 0, 0)
    process = subprocess.Popen(
        [sys.executable, "-m", "watchkeeper.cli", "record"], cwd=REPO, env=environment(data_dir),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(5)
    pss = pss_bytes(process.pid)
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    return pss


def ffmpeg_command(url: str, out: Path) -> list[str]:
    return [
        "ffmpeg", "-nostdin", "-loglevel", "error", "-rtsp_transport", "tcp", "-i", url,
        "-c", "copy", "-f", "segment", "-segment_time", "10", "-segment_format", "mp4",
        "-reset_timestamps", "1", str(out / "%05d.mp4"),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cameras", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--port", type=int, default=18554)
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--seed", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        seed(*args.seed)
        return

    sys.path.insert(0, str(REPO / "src"))
    from watchkeeper.recording.simulator import ensure_clip, start_simulator, stream_url, wait_until_serving

    n = args.cameras
    work = Path(tempfile.mkdtemp(prefix="wk-bench-"))
    processes: list[subprocess.Popen] = []
    try:
        baseline = recorder_baseline(work)
        data_dir = work / "recorder"
        prepare(data_dir, args.port, n)
        clip = ensure_clip(work / "clip")
        simulator = start_simulator(clip, n, args.port, stdout=subprocess.DEVNULL)
        processes.append(simulator)
        wait_until_serving(simulator, args.port)
        recorder = subprocess.Popen(
            [sys.executable, "-m", "watchkeeper.cli", "record"], cwd=REPO, env=environment(data_dir),
            stdout=subprocess.DEVNULL, stderr=(work / "recorder.log").open("w"),
        )  # fmt: skip
        processes.append(recorder)
        ffmpegs = []
        for number in range(1, n + 1):
            out = work / "ffmpeg" / f"cam{number}"
            out.mkdir(parents=True)
            ffmpegs.append(subprocess.Popen(ffmpeg_command(stream_url(args.port, number), out)))
        processes.extend(ffmpegs)
        time.sleep(WARM_UP)
        pids = {"recorder": [recorder.pid], "ffmpeg": [p.pid for p in ffmpegs], "simulator": [simulator.pid]}
        before = {name: {pid: cpu_seconds(pid) for pid in group} for name, group in pids.items()}
        time.sleep(args.seconds)
        cpu = {
            name: sum(cpu_seconds(pid) - before[name][pid] for pid in group) for name, group in pids.items()
        }
        pss = {name: sum(pss_bytes(pid) for pid in group) for name, group in pids.items()}
        recorder.send_signal(signal.SIGTERM)
        recorder.wait(timeout=60)
        for process in ffmpegs:
            process.send_signal(signal.SIGINT)
        for process in ffmpegs:
            process.wait(timeout=30)
        check = watchkeeper(data_dir, "check")
        report(n, args.seconds, cpu, pss, baseline, check, work)
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def report(
    n: int,
    seconds: int,
    cpu: dict[str, float],
    pss: dict[str, int],
    baseline: int,
    check: subprocess.CompletedProcess,
    work: Path,
) -> None:
    def pct(name: str) -> float:
        return 100 * cpu[name] / seconds / n

    ours_cpu, ffmpeg_cpu = pct("recorder"), pct("ffmpeg")
    ours_mb, ffmpeg_mb = (pss["recorder"] - baseline) / n / 1e6, pss["ffmpeg"] / n / 1e6
    ffmpeg_segments = len(list((work / "ffmpeg").rglob("*.mp4")))
    bad = check.stdout.count("PROBLEM") + check.stderr.count("PROBLEM")
    print(f"{n} cameras, {seconds} s measured after {WARM_UP:.0f} s warm-up ({os.cpu_count()} CPUs)")
    print("| per stream | watchkeeper record | ffmpeg -c copy -f segment | ratio |")
    print("|---|---|---|---|")
    print(f"| CPU % of a core | {ours_cpu:.2f} | {ffmpeg_cpu:.2f} | {ours_cpu / ffmpeg_cpu:.2f} |")
    print(f"| PSS MB (marginal for ours) | {ours_mb:.1f} | {ffmpeg_mb:.1f} | {ours_mb / ffmpeg_mb:.2f} |")
    print(f"recorder fixed PSS {baseline / 1e6:.0f} MB; total {pss['recorder'] / 1e6:.0f} MB")
    print(f"simulator: {pct('simulator'):.2f} % of a core per camera")
    summary = check.stdout.strip().splitlines()[-1] if check.stdout.strip() else check.stderr.strip()
    failed = "" if check.returncode == 0 else " (check FAILED)"
    print(f"segments: ours {summary}; bad {bad}{failed}; ffmpeg wrote {ffmpeg_segments}")


if __name__ == "__main__":
    main()
