"""`watchkeeper redact INPUT OUTPUT`: a redacted copy of any MP4/MPEG-TS file (policy 10.4.1, issue 6 §3).

Runs the engine without the database: propose (or read reviewed tracks with --tracks-in), render every track
except --keep ones, write a report. The input is only read. Errors are one line on stderr; exit status 2
for input that cannot be used (unreadable video, bad tracks file, unknown track id).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import av
from django.core.management.base import BaseCommand, CommandError, CommandParser

from watchkeeper.redaction.engine import (
    Proposal,
    UnreadableVideo,
    proposal_from_json,
    proposal_to_json,
    propose,
    render,
)
from watchkeeper.redaction.engine.detect import ModelMissing
from watchkeeper.redaction.engine.pipeline import MODES

ENGINE = "watchkeeper-redaction/1"


class Command(BaseCommand):
    help = (
        "Redact a video file (10.4.1): blur, pixelate or fill every face and moving person except the tracks "
        "kept with --keep. The input is never modified; the output is an H.264 MP4 without audio."
    )
    requires_system_checks: list[str] = []  # no database needed: a file in, a file out

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", type=Path, help="MP4 or MPEG-TS file to redact (only read)")
        parser.add_argument("output", type=Path, help="where to write the redacted MP4")
        parser.add_argument("--mode", choices=MODES, default="blur")
        parser.add_argument(
            "--keep", type=int, nargs="+", default=[], metavar="TRACK_ID",
            help="track ids to leave visible (the data subject); see --tracks-out",
        )  # fmt: skip
        parser.add_argument("--tracks-out", type=Path, help="write the proposed tracks (JSON) here")
        parser.add_argument("--tracks-in", type=Path, help="use these (reviewed) tracks instead of proposing")
        parser.add_argument("--report", type=Path, help="write the redaction report (JSON) here")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        src: Path = options["input"]
        dst: Path = options["output"]
        _check_paths(src, dst)
        started = datetime.now(UTC)
        clock = time.monotonic()
        bar = (lambda label: None) if options["quiet"] else (lambda label: ProgressBar(label, sys.stderr))
        try:
            if options["tracks_in"]:
                proposal = _read_tracks(options["tracks_in"])
            else:
                proposal = propose(src, progress=_call(bar("finding people")))
            if options["tracks_out"]:
                options["tracks_out"].write_text(json.dumps(proposal_to_json(proposal)))
            result = render(src, dst, proposal, keep=options["keep"], mode=options["mode"],
                            progress=_call(bar("redacting     ")))  # fmt: skip
        except UnreadableVideo as error:
            raise CommandError(f"cannot read the input: {error}", returncode=2) from None
        except ModelMissing as error:
            raise CommandError(str(error), returncode=1) from None
        except av.FFmpegError as error:  # encoding failed: say so in one line, keep no half-written copy
            raise CommandError(f"cannot write the redacted copy: {error}", returncode=1) from None
        except ValueError as error:
            raise CommandError(str(error), returncode=2) from None
        except OSError as error:
            raise CommandError(f"{error.filename or dst}: {error.strerror or error}", returncode=1) from None
        report = build_report(src, dst, proposal, options["keep"], options["mode"], result, started,
                              time.monotonic() - clock)  # fmt: skip
        if options["report"]:
            options["report"].write_text(json.dumps(report, indent=2))
        kept = len(report["tracks_kept"])
        self.stdout.write(
            f"redacted {len(report['tracks_redacted'])} tracks, kept {kept}, {result.frames} frames → {dst}"
        )


def _check_paths(src: Path, dst: Path) -> None:
    if not src.is_file():
        raise CommandError(f"cannot read the input: {src}: no such file", returncode=2)
    if dst.exists() and dst.resolve() == src.resolve():
        raise CommandError(
            "10.3: the output cannot overwrite the input (the master is never changed)", returncode=2
        )
    if not dst.parent.is_dir():
        raise CommandError(f"{dst.parent}: no such folder for the output", returncode=2)


def _read_tracks(path: Path) -> Proposal:
    try:
        return proposal_from_json(json.loads(path.read_text()))
    except (OSError, json.JSONDecodeError, ValueError, AttributeError) as error:
        raise ValueError(f"{path}: not a usable tracks file ({error})") from error


def _call(bar: ProgressBar | None) -> Callable[[float], None] | None:
    return bar.update if bar else None


def build_report(src: Path, dst: Path, proposal: Proposal, keep: list[int], mode: str, result: Any,
                 started: datetime, seconds: float) -> dict[str, Any]:  # fmt: skip
    """The redaction report (issue 6 §2): what was redacted and kept, manual edits, mode, hashes, time."""

    def summary(track: Any) -> dict[str, Any]:
        return {"id": track.id, "kind": track.kind, "first_frame": track.first_frame,
                "last_frame": track.last_frame}  # fmt: skip

    detected = [t for t in proposal.tracks if t.kind != "manual"]
    manual = [t for t in proposal.tracks if t.kind == "manual"]
    return {
        "engine": ENGINE,
        "policy": "10.4.1",
        "input": str(src),
        "output": str(dst),
        "mode": mode,
        "frames": result.frames,
        "sha256_input": result.sha256_in,
        "sha256_output": result.sha256_out,
        "tracks_redacted": [summary(t) for t in detected if t.id not in keep],
        "tracks_kept": [summary(t) for t in detected if t.id in keep],
        "manual_edits": [{**summary(t), "key_frames": len(t.boxes)} for t in manual],
        "started_at": started.isoformat(timespec="seconds"),
        "seconds": round(seconds, 2),
        "audio": "removed",
    }


class ProgressBar:
    """A one-line progress bar on stderr, redrawn in place; finished with a newline at 100 %."""

    def __init__(self, label: str, stream: TextIO, width: int = 30) -> None:
        self.label, self.stream, self.width = label, stream, width
        self.shown = -1

    def update(self, fraction: float) -> None:
        percent = int(max(0.0, min(1.0, fraction)) * 100)
        if percent == self.shown:
            return
        self.shown = percent
        filled = self.width * percent // 100
        end = "\n" if percent == 100 else ""
        self.stream.write(f"\r{self.label} [{'#' * filled}{' ' * (self.width - filled)}] {percent:3d}%{end}")
        self.stream.flush()
