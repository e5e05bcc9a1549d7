"""The working copy: one MP4 per camera for VLC and browsers showing the camera and UK local date and time —
burned into the picture for short packages, a timed-text track for long ones, whose burned-in copy follows
as a second sealed package (evidence/burned_copy.py; design/evidence.md "Working copy and speed")."""

from __future__ import annotations

import math
import os
import re
import struct
import subprocess
from datetime import timedelta
from pathlib import Path

from watchkeeper.evidence.package.model import (
    WORKING_COPY,
    WORKING_COPY_DIR,
    PackageError,
    Piece,
    _Copy,
    _local,
    _Part,
    _slug,
)
from watchkeeper.evidence.package.mp4 import _mp4_facts, _probe
from watchkeeper.evidence.package.progress import _Count

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"  # Debian fonts-dejavu-core
FFMPEG_TIMEOUT = 3600
# Up to this much footage the working copy is re-encoded with the clock burned into the picture while the
# package is built (decode + x264 runs at ~68 frames/s on a 2-core server: 10 minutes take ~4 minutes);
# a longer package is issued at once with a timed-text clock over a stream copy (an hour seals in seconds,
# issue 5 §5), and its burned-in working copy follows as a job of its own (evidence/burned_copy.py,
# issue 13 §4): every working copy ends with the time in the picture. design/evidence.md "Working copy
# and speed".
BURN_IN_LIMIT = timedelta(minutes=10)
GAP_TOLERANCE = timedelta(seconds=1)  # more than this between segments is shown as a gap in the clock
GAP_NOTICE_SECONDS = 5


def _working_copies(parts: list[_Part], work: Path, burn_in: bool, encoded: _Count) -> list[_Copy]:
    """One MP4 per camera (one camera: `working-copy.mp4`). Runs in a worker thread: no database."""
    cameras: dict[int, list[_Part]] = {}
    for part in parts:
        cameras.setdefault(part.piece.camera_id, []).append(part)
    copies = []
    for camera_id, group in cameras.items():
        group.sort(key=lambda p: p.piece.start)
        name = (
            WORKING_COPY
            if len(cameras) == 1
            else f"{WORKING_COPY_DIR}{camera_id}-{_slug(group[0].piece.camera_name)}.mp4"
        )
        out = work / f"working-{camera_id}.mp4"
        clock = "burned-in" if burn_in else _timed_copy(group, work, out)
        if clock == "burned-in":
            _burned_copy(group, work, out, encoded)
        copies.append(_Copy(name, camera_id, group[0].piece.camera_name, clock, out))
    return copies


def _timed_copy(group: list[_Part], work: Path, out: Path) -> str:
    """The segments joined without re-encoding, with a timed-text track (mov_text, default and forced)
    giving the camera and UK local date and time every second. Returns "timed-text", or "burned-in" when
    the segments cannot be joined as they are (the camera's stream parameters changed part way: only
    re-encoding gives one playable file then).

    Each segment's real duration is given to the concat demuxer, so the cues and the pictures are placed by
    the same numbers. The index (moov) goes at the front in the space reserved for it (-moov_size): the
    file plays while it downloads, as with +faststart, without ffmpeg rewriting the whole file a second
    time (~1/3 of the join's cost)."""
    probes = [_probe(p.file) for p in group]
    if len({p.stream for p in probes}) != 1:
        return "burned-in"
    seconds = [p.seconds for p in probes]
    cues = work / f"{out.stem}.srt"
    cues.write_text(clock_cues([p.piece for p in group], seconds), encoding="utf-8")
    listing = _listing(work, out.stem, [p.file for p in group], seconds)
    args = ["-f", "concat", "-safe", "0", "-i", str(listing), "-i", str(cues), "-map", "0:v:0", "-map", "1:0"]
    args += ["-c:v", "copy", "-c:s", "mov_text", "-disposition:s:0", "default+forced"]
    args += ["-metadata:s:s:0", "language=eng", "-metadata:s:s:0", "title=Camera and UK local time"]
    # ~30 bytes of index a sample at most (size, time, chunk offset, sync), for the video and the cues.
    reserve = 65536 + 32 * (sum(p.samples for p in probes) + math.ceil(sum(seconds)))
    try:
        _ffmpeg([*args, "-moov_size", str(reserve)], out, faststart=False)
    except PackageError:  # the index did not fit after all: let ffmpeg move it (a second pass)
        _ffmpeg(args, out)
    return "timed-text"


def clock_cues(pieces: list[Piece], seconds: list[float]) -> str:
    """SubRip cues, one a second, placed where the concat demuxer places each segment (after the real
    durations of those before it). Each segment's clock starts from its own recorded start, so a gap
    between segments shows as a jump in the time (and a note), never as a clock running through it."""
    cues: list[str] = []
    offset = 0.0
    previous: Piece | None = None
    for piece, length in zip(pieces, seconds, strict=True):
        gap = piece.start - previous.end if previous is not None else timedelta()
        label = f"{piece.camera_name}  {{}}"
        for second in range(math.ceil(length - 0.0005)):
            text = label.format(_local(piece.start + timedelta(seconds=second)))
            if gap > GAP_TOLERANCE and second < GAP_NOTICE_SECONDS:
                text += f"\nrecording resumes after a gap of {_duration(gap)}"
            begin, end = offset + second, offset + min(second + 1.0, length)
            cues.append(f"{len(cues) + 1}\n{_srt_time(begin)} --> {_srt_time(end)}\n{text}\n")
        offset += length
        previous = piece
    return "\n".join(cues)


def _srt_time(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d},{rest % 1000:03d}"


def _duration(gap: timedelta) -> str:
    total = round(gap.total_seconds())
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    units = [(hours, "h"), (minutes, "min"), (secs, "s")]
    return " ".join(f"{value} {unit}" for value, unit in units if value) or "1 s"


def _listing(work: Path, stem: str, files: list[Path], seconds: list[float] | None = None) -> Path:
    """A concat demuxer list; with `seconds`, each file's duration (where the next one starts)."""
    listing = work / f"{stem}.txt"
    lines = []
    for index, file in enumerate(files):
        quoted = str(file.resolve()).replace("'", "'\\''")
        lines.append(f"file '{quoted}'\n")
        if seconds is not None:
            lines.append(f"duration {seconds[index]:.6f}\n")
    listing.write_text("".join(lines), encoding="utf-8")
    return listing


def _burned_copy(group: list[_Part], work: Path, out: Path, encoded: _Count) -> None:
    """H.264 with the camera and UK local date and time burned into the picture, at the camera's own size
    (at most 1280×720; every part the same size, so they join). Each segment is encoded on its own so the
    burned clock restarts from that segment's recorded start (gaps stay honest), then the parts are joined
    without re-encoding."""
    size = _picture_size(group[0].file)
    files = []
    for index, part in enumerate(group):
        files.append(_encode_part(work, f"{out.stem}-{index}", part, size))
        encoded.value += 1
    _ffmpeg(["-f", "concat", "-safe", "0", "-i", str(_listing(work, out.stem, files)), "-c", "copy"], out)
    for file in files:
        file.unlink()


def _picture_size(file: Path) -> tuple[int, int]:
    """The first segment's picture size from its sample description, fitted into 1280×720 (even numbers,
    as H.264 4:2:0 needs); 1280×720 when it cannot be read."""
    try:
        description = _mp4_facts(file).stream
        width, height = struct.unpack_from(">HH", description, 48)  # stsd header, entry header, 24 bytes
    except (ValueError, struct.error, KeyError):
        return 1280, 720
    scale = min(1.0, 1280 / max(width, 1), 720 / max(height, 1))
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


def _encode_part(work: Path, stem: str, part: _Part, size: tuple[int, int]) -> Path:
    encoded = work / f"{stem}.mp4"
    width, height = size
    label = re.sub(r"[^A-Za-z0-9 ]+", " ", part.piece.camera_name)[:40]
    epoch = f"{part.piece.start.timestamp():.3f}"
    text = f"{label}  %{{pts\\:localtime\\:{epoch}\\:%d/%m/%Y %H\\\\\\:%M\\\\\\:%S %Z}}"
    font, margin = max(12, height // 26), max(4, height // 60)
    video_filter = (
        f"scale={width}:{height}:force_original_aspect_ratio=decrease,"
        f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2,"
        f"drawtext=fontfile={FONT}:text='{text}':x={margin * 2}:y={margin * 2}:fontsize={font}:"
        f"fontcolor=white:box=1:boxcolor=black@0.6:boxborderw={margin}"
    )
    args = ["-i", str(part.file), "-an", "-vf", video_filter, "-c:v", "libx264", "-preset", "veryfast"]
    _ffmpeg([*args, "-pix_fmt", "yuv420p", "-r", "25", "-video_track_timescale", "90000"], encoded)
    return encoded


def _ffmpeg(args: list[str], out: Path, *, faststart: bool = True) -> None:
    moov = ["-movflags", "+faststart"] if faststart else []
    command = ["ffmpeg", "-nostdin", "-v", "error", *args, *moov, "-y", str(out)]
    # The burned-in clock is the school's local time (Europe/London, summer time included).
    env = {**os.environ, "TZ": "Europe/London"}
    result = subprocess.run(command, capture_output=True, timeout=FFMPEG_TIMEOUT, env=env, check=False)
    if result.returncode != 0:
        raise PackageError(f"ffmpeg failed: {result.stderr.decode(errors='replace')[-500:]}")
