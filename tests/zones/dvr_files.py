"""DVR files made by ffmpeg, a minibus camera the gates allow and its storage: the fixtures of the DVR
import tests (5.2), from disk (test_dvr_import.py) and from the web (test_dvr_upload.py)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.factories import ApprovedDPIAFactory, CameraFactory, SignFactory, VehicleFactory
from watchkeeper.compliance.models import SignPlacement
from watchkeeper.estate.models import CameraStatus, LocationType

SECONDS = 5
FPS = 25
SEGMENT_SECONDS = 2
# The DVR's clock runs 90.5 s fast: true time = DVR time - offset.
OFFSET_MS = 90_500
DVR_START = (datetime.now(UTC) - timedelta(hours=3)).replace(microsecond=0)


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], check=True, timeout=60)


@dataclass(frozen=True)
class Files:
    mp4: Path
    ts: Path
    truncated: Path
    unfinished: Path
    text: Path
    audio: Path
    empty: Path
    mpeg4: Path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    """A few seconds of a DVR's H.264 (key frame every second, with sound) as MP4 and MPEG-TS, and the
    wrong files: cut off mid-frame, a text file, sound only, empty, and MPEG-4 Part 2 video."""
    d = tmp_path_factory.mktemp("dvr")
    video = ["-f", "lavfi", "-i", f"testsrc2=size=640x360:rate={FPS}:duration={SECONDS}"]
    sound = ["-f", "lavfi", "-i", f"sine=duration={SECONDS}"]
    h264 = ["-c:v", "libx264", "-preset", "veryfast", "-g", str(FPS), "-pix_fmt", "yuv420p", "-c:a", "aac"]
    stamp = ["-metadata", f"creation_time={DVR_START.isoformat().replace('+00:00', 'Z')}"]
    ffmpeg(*video, *sound, *h264, *stamp, "-movflags", "+faststart", str(d / "dvr.mp4"))
    ffmpeg(*video, *h264, *stamp, str(d / "index-at-end.mp4"))
    ffmpeg("-i", str(d / "dvr.mp4"), "-c", "copy", "-f", "mpegts", str(d / "dvr.ts"))
    data = (d / "dvr.mp4").read_bytes()
    (d / "truncated.mp4").write_bytes(data[: len(data) * 3 // 5])
    unfinished = (d / "index-at-end.mp4").read_bytes()  # a DVR that lost power before writing its index
    (d / "unfinished.mp4").write_bytes(unfinished[: len(unfinished) * 4 // 5])
    (d / "notes.txt").write_text("Minibus MB01 BUS trip log: left 08:10, back 15:40.\n" * 20)
    ffmpeg(*sound, "-c:a", "aac", str(d / "sound.m4a"))
    (d / "empty.mp4").write_bytes(b"")
    ffmpeg(*video, "-c:v", "mpeg4", str(d / "mpeg4.mp4"))
    return Files(
        d / "dvr.mp4", d / "dvr.ts", d / "truncated.mp4", d / "unfinished.mp4", d / "notes.txt",
        d / "sound.m4a", d / "empty.mp4", d / "mpeg4.mp4",
    )  # fmt: skip


@pytest.fixture
def storage(settings, tmp_path: Path) -> Path:
    settings.WATCHKEEPER_RECORDINGS_DIR = str(tmp_path / "recordings")
    settings.WATCHKEEPER_SEGMENT_SECONDS = SEGMENT_SECONDS
    return tmp_path / "recordings"


@pytest.fixture
def bus_camera(school):
    """An active minibus camera that the gates allow (approved DPIA, checked sign inside the minibus)."""
    vehicle = VehicleFactory(school=school)
    camera = CameraFactory(
        school=school,
        vehicle=vehicle,
        name="Minibus internal",
        location_type=LocationType.VEHICLE_INTERNAL,
        main_stream_url="",
        status=CameraStatus.ACTIVE,
    )
    ApprovedDPIAFactory(school=school, cameras=[camera])
    SignFactory(school=school, vehicle=vehicle, placement=SignPlacement.INSIDE_VEHICLE)
    return camera
