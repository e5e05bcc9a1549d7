"""Simulated cameras for the demo, the tests and the benchmark (design/recording.md, "Simulator").

`ensure_clip()` encodes a short H.264 test clip once (ffmpeg: moving test pattern, burned-in running
clock, a key frame every 2 s, several slices per frame as many real cameras send) and caches it in the
data dir. `start_simulator()` serves it from rtsp_simulator.py under Debian's /usr/bin/python3, which is
where PyGObject and the GStreamer RTSP server live.
"""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

from django.conf import settings

SCRIPT = Path(__file__).with_name("rtsp_simulator.py")
CLIP_NAME = "simulator-clip-v1.mp4"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
FPS = 25
KEYFRAME_SECONDS = 2
CLIP_SECONDS = 12


def clip_command(target: Path, size: str = "1280x720") -> list[str]:
    text = "Watchkeeper simulated camera  %{pts\\:hms}  frame %{n}"
    drawtext = (
        f"drawtext=fontfile={FONT}:text='{text}':x=40:y=40:fontsize=36:fontcolor=white:box=1:boxcolor=black@0.6"
        if Path(FONT).exists()
        else "null"
    )
    return [
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={FPS}:duration={CLIP_SECONDS}",
        "-vf", drawtext,
        "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "main", "-pix_fmt", "yuv420p",
        "-bf", "0", "-g", str(FPS * KEYFRAME_SECONDS), "-keyint_min", str(FPS * KEYFRAME_SECONDS),
        "-sc_threshold", "0", "-b:v", "2M", "-maxrate", "2M", "-bufsize", "2M",
        "-x264-params", "slices=4",
        "-an", "-movflags", "+faststart", str(target),
    ]  # fmt: skip


def ensure_clip(directory: Path) -> Path:
    """The cached clip, encoded on first use (about 2 s of CPU)."""
    directory.mkdir(parents=True, exist_ok=True)
    clip = directory / CLIP_NAME
    if not clip.exists():
        partial = clip.with_suffix(".partial.mp4")
        subprocess.run(clip_command(partial), check=True)
        partial.rename(clip)
    return clip


def port_answers(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def start_simulator(clip: Path, count: int, port: int, **popen: object) -> subprocess.Popen:
    command = [
        settings.WATCHKEEPER_SIMULATOR_PYTHON,
        str(SCRIPT),
        "--clip",
        str(clip),
        "--count",
        str(count),
        "--port",
        str(port),
    ]
    return subprocess.Popen(command, **popen)  # type: ignore[call-overload]


def wait_until_serving(process: subprocess.Popen, port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the camera simulator exited with status {process.returncode}")
        if port_answers(port):
            return
        time.sleep(0.2)
    raise RuntimeError(f"the camera simulator did not answer on port {port} within {timeout:.0f} s")


def stream_url(port: int, number: int) -> str:
    return f"rtsp://127.0.0.1:{port}/cam{number}"
