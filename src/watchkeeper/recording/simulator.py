"""Simulated cameras for the demo, the tests and the benchmark (design/recording.md, "Simulator").

`ensure_clip()` encodes a short H.264 test clip once (ffmpeg: moving test pattern, burned-in running
clock, a key frame every 2 s, several slices per frame as many real cameras send) and caches it in the
data dir. `ensure_scene_clip()` does the same with the demo's playground scene (recording/scene.py: people
walking and standing) instead of the test pattern: what the demo's `simulate-cameras` serves (issue 15 §1).
`start_simulator()` serves a clip from rtsp_simulator.py under Debian's /usr/bin/python3, which is where
PyGObject and the GStreamer RTSP server live.
"""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

from django.conf import settings

SCRIPT = Path(__file__).with_name("rtsp_simulator.py")
CLIP_NAME = "simulator-clip-v1.mp4"
SCENE_CLIP_NAME = "simulator-scene-v1.mp4"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
FPS = 25
KEYFRAME_SECONDS = 2
CLIP_SECONDS = 12


def clip_command(target: Path, size: str = "1280x720", source: Path | None = None) -> list[str]:
    """The simulator's clip: the test pattern, or (`source`) a video scaled to `size` and resampled."""
    text = "Watchkeeper simulated camera  %{pts\\:hms}  frame %{n}"
    drawtext = (
        f"drawtext=fontfile={FONT}:text='{text}':x=40:y=40:fontsize=36:fontcolor=white:box=1:boxcolor=black@0.6"
        if Path(FONT).exists()
        else "null"
    )
    if source is None:
        given = ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate={FPS}:duration={CLIP_SECONDS}"]
    else:
        given = ["-i", str(source), "-r", str(FPS)]
        drawtext = f"scale={size.replace('x', ':')}," + drawtext
    return [
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
        *given,
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


def ensure_scene_clip(directory: Path) -> Path:
    """The cached clip of the demo's playground scene, made on first use (a few seconds of CPU)."""
    from datetime import UTC, datetime

    from watchkeeper.recording.scene import render

    directory.mkdir(parents=True, exist_ok=True)
    clip = directory / SCENE_CLIP_NAME
    if not clip.exists():
        # No label: the simulator burns in its own running clock (the start is then unused).
        start = datetime(2000, 1, 1, tzinfo=UTC)
        scene = render(directory / "scene.partial.mp4", "playground", CLIP_SECONDS, label=None, start=start)
        partial = clip.with_suffix(".partial.mp4")
        subprocess.run(clip_command(partial, source=scene), check=True)
        scene.unlink()
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
