"""The bodies of the two redaction jobs (design/redaction.md, "The jobs"): decrypt the master into a
private temp dir, join it, and either propose tracks or render the current decisions. They act as SYSTEM;
the job entry points (redaction/tasks.py) read the clock and pass it."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction

from watchkeeper.core.actors import SYSTEM
from watchkeeper.core.clauses import enforces
from watchkeeper.evidence import holds
from watchkeeper.jobs import failures
from watchkeeper.recording.models import Segment
from watchkeeper.redaction.models import Redaction, Status
from watchkeeper.redaction.services import files
from watchkeeper.redaction.services.access import audit
from watchkeeper.redaction.services.tracks import decisions, decisions_digest, manual_tracks
from watchkeeper.viewing.footage import FootageUnreadable, decrypted

Progress = Callable[[float, str], Any]


class RedactionJobFailed(RuntimeError):
    """A redaction job could not finish; the redaction says why (status failed, message)."""


def _frame_count(path: Path) -> int:
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return sum(1 for packet in container.demux(stream) if packet.size)


@contextmanager
@enforces("9.3", "13.1", "R17")
def master_video(redaction: Redaction, progress: Progress, now: datetime) -> Iterator[tuple[Path, Path]]:
    """(the joined master MP4, the temp dir) for one job. The segments are checked against the SHA-256
    recorded when the redaction started (9.3); the temp dir and all plaintext in it are removed on exit,
    however the job ends."""
    # 9.6: a hold placed since the redaction began (over a reviewer's footage) stops its jobs until the CCTV
    # administrator releases it for this redaction.
    held = holds.redaction_problem(redaction)
    if held is not None:
        raise FootageUnreadable(held)
    with files.private_dir("watchkeeper-redaction-") as tmp:
        names = _decrypt_master(redaction, tmp, progress)
        (tmp / "list.txt").write_text("".join(f"file '{n}'\n" for n in names))
        joined = tmp / "master.mp4"
        command = ["ffmpeg", "-v", "error", "-nostdin", "-f", "concat", "-safe", "0", "-i", "list.txt"]
        command += ["-map", "0:v:0", "-c", "copy", "-an", "-movflags", "+faststart", joined.name]
        done = subprocess.run(command, cwd=tmp, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise FootageUnreadable(f"the recordings could not be joined: {done.stderr.strip()[:300]}")
        yield joined, tmp


def _decrypt_master(redaction: Redaction, tmp: Path, progress: Progress) -> list[str]:
    """Each master segment, checked against its recorded SHA-256, written (0600) into `tmp`: the names."""
    rows = Segment.objects.in_bulk([s["id"] for s in redaction.segments], field_name="pk")
    rows = {str(k): v for k, v in rows.items()}
    names = []
    for i, entry in enumerate(redaction.segments):
        segment = rows.get(entry["id"])
        if segment is None:
            raise FootageUnreadable("13.1: part of the recording has been erased since the redaction began")
        plaintext = decrypted(segment)
        if hashlib.sha256(plaintext).hexdigest() != entry["sha256"]:
            raise FootageUnreadable(
                "9.3: part of the recording has changed since it was recorded (its checksum differs)"
            )
        name = f"{i:05d}.mp4"
        files.write_private(tmp / name, plaintext)
        names.append(name)
        progress(10 * (i + 1) / len(redaction.segments), "Decrypting the recorded footage…")
    return names


def _segment_frames(redaction: Redaction, tmp: Path) -> list[dict[str, Any]]:
    """The segments with the frame index (of the joined video) each starts at, for the review page."""
    first, out = 0, []
    for i, entry in enumerate(redaction.segments):
        frames = _frame_count(tmp / f"{i:05d}.mp4")
        out.append({**entry, "first_frame": first, "frames": frames})
        first += frames
    return out


def _engine_progress(progress: Progress, message: str) -> Callable[[float], None]:
    """The engine reports 0–1; the job bar gives it 10–95 % (decrypting before, storing after)."""

    def report(fraction: float) -> None:
        progress(10 + 85 * max(0.0, min(1.0, float(fraction))), message)

    return report


def _fail(redaction: Redaction, error: BaseException, status: str) -> None:
    """A job could not finish: say why on the redaction (and in the audit log). A failed proposal ends the
    redaction; a failed render leaves it in review with the decisions intact, to preview again."""
    said = failures.explain(error).text  # plain words and what to do next, no exception class names
    with transaction.atomic():
        Redaction.objects.filter(pk=redaction.pk).update(status=status, message=said[:2000])
        job = "propose" if status == Status.FAILED else "render"
        audit("redaction.failed", SYSTEM, redaction, reason=said[:500], job=job)


def _job_redaction(redaction_id: int) -> Redaction:
    return Redaction.objects.select_related("school", "camera").get(pk=redaction_id)


def _skipped(redaction: Redaction) -> str:
    """A job whose redaction has moved on meanwhile (discarded, say) does nothing."""
    return f"Skipped: redaction {redaction.pk} is {redaction.status}."


def run_proposal(redaction_id: int, progress: Progress, now: datetime) -> str:
    """The "propose" job: the engine's proposed tracks for the master, stored as JSON; status → review."""
    from watchkeeper.redaction.engine.pipeline import propose
    from watchkeeper.redaction.engine.tracks import proposal_to_json

    redaction = _job_redaction(redaction_id)
    if redaction.status != Status.PROPOSING:
        return _skipped(redaction)
    try:
        with master_video(redaction, progress, now) as (joined, tmp):
            proposal = propose(joined, progress=_engine_progress(progress, "Finding faces and people…"))
            segments = _segment_frames(redaction, tmp)
    except Exception as error:  # any failure is shown to the reviewer, not left "finding people" for ever
        _fail(redaction, error, Status.FAILED)
        raise RedactionJobFailed(str(error)) from error
    data = proposal_to_json(proposal)
    with transaction.atomic():
        updated = Redaction.objects.filter(pk=redaction.pk, status=Status.PROPOSING).update(
            proposal=data, segments=segments, status=Status.REVIEW, message=""
        )
        if updated:
            audit(
                "redaction.proposed",
                SYSTEM,
                redaction,
                tracks=len(data.get("tracks", [])),
                frames=data["frames"],
            )
    progress(100, f"Proposed {len(data.get('tracks', []))} track(s) to redact; ready for review.")
    return "proposed"


def run_render(redaction_id: int, progress: Progress, now: datetime) -> str:
    """The "render" job: the redacted copy of the current decisions, sealed and stored; status → review."""
    from watchkeeper.redaction.engine.caption import segment_caption
    from watchkeeper.redaction.engine.pipeline import render
    from watchkeeper.redaction.engine.tracks import proposal_from_json

    redaction = _job_redaction(redaction_id)
    if redaction.status != Status.RENDERING:
        return _skipped(redaction)
    digest = decisions_digest(redaction)
    try:
        with master_video(redaction, progress, now) as (joined, tmp):
            out = tmp / "redacted.mp4"
            result = render(
                joined,
                out,
                proposal_from_json(redaction.proposal or {}),
                keep=set(decisions(redaction)["keep"]),
                mode=redaction.mode,
                manual=manual_tracks(redaction),
                progress=_engine_progress(progress, "Rendering the redacted copy…"),
                # 9.3: the camera and the time in the picture, as the working copies carry them.
                caption=segment_caption(getattr(redaction.camera, "name", ""), redaction.segments),
            )
            plaintext = out.read_bytes()
    except Exception as error:
        _fail(redaction, error, Status.REVIEW)
        raise RedactionJobFailed(str(error)) from error
    _store_render(redaction, plaintext, digest, result.frames, now)
    progress(100, "Preview ready.")
    return "rendered"


def _store_render(redaction: Redaction, plaintext: bytes, digest: str, frames: int, now: datetime) -> None:
    """Write the sealed copy, then point the row at it; the previous preview's file goes after the commit,
    and this one at once if the redaction was discarded meanwhile (it is nobody's)."""
    stored = files.store_output(redaction.school_id, plaintext)
    old = redaction.output_path
    with transaction.atomic():
        updated = Redaction.objects.filter(pk=redaction.pk, status=Status.RENDERING).update(
            status=Status.REVIEW,
            output_id=stored.output_id,
            output_path=stored.path,
            output_wrapped_key=stored.wrapped_key,
            output_key_id=stored.key_id,
            output_sha256=stored.sha256,
            output_digest=digest,
            output_frames=frames,
            rendered_at=now,
            message="",
        )
        if updated:
            audit("redaction.rendered", SYSTEM, redaction, sha256=stored.sha256, mode=redaction.mode)
    files.remove_output(old if updated else stored.path)
