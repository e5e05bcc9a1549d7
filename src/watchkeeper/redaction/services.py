"""Redaction review (10.2, 10.3, 10.4.1, 16; design/redaction.md "Review", "Storage", "Permissions").

A reviewer with an approved viewing authorisation picks a camera and a window inside it; a job decrypts the
master segments into a private temp dir, joins them by stream copy and asks the engine for proposed tracks.
The reviewer keeps the data subject's track(s), adds or extends manual boxes, chooses blur / pixelate /
fill, previews (another job renders the copy) and approves — only a preview rendered from the current
decisions can be approved, and only an approved redaction can leave in an export. The master is never
changed; the rendered copy is sealed at rest with its own key, wrapped by the school key. Every decision is
an audit event.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from watchkeeper.audit.models import AuditEvent
from watchkeeper.audit.services import record
from watchkeeper.core.actors import SYSTEM
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.permissions import can, require
from watchkeeper.estate.models import Camera
from watchkeeper.evidence import holds
from watchkeeper.jobs.queue import enqueue_on_commit
from watchkeeper.recording.crypto import BlobError, existing_school_key, open_blob, school_key, school_key_id
from watchkeeper.recording.crypto import seal as seal_blob
from watchkeeper.recording.models import Segment
from watchkeeper.redaction.models import Mode, Redaction, Status
from watchkeeper.viewing import conf as viewing_conf
from watchkeeper.viewing import services as viewing
from watchkeeper.viewing.footage import FootageUnreadable, decrypted
from watchkeeper.viewing.models import ViewingAuthorisation
from watchkeeper.viewing.rules import why_not_covered

REVIEW = "redaction.review"
OUTPUT_SERVED = "redaction.output_served"
BLOB_SUFFIX = ".wkred"
ONLY_APPROVED = "10.4.1: only an approved redaction can leave in an export"
MAX_WINDOW = timedelta(hours=1)

Progress = Callable[[float, str], Any]


class RedactionJobFailed(RuntimeError):
    """A redaction job could not finish; the redaction says why (status failed, message)."""


# --- who may work on a redaction (design/redaction.md "Permissions") ---------------------------------------


def _require_person(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("10.2: only a signed-in member of staff may review a redaction")


@enforces("9.2", "10.2", "14.1")
def why_not_reviewer(actor: Any, redaction: Redaction, now: datetime) -> str | None:
    """None when `actor` may see and decide on `redaction` now: its own reviewer, still holding
    redaction.review, under the viewing authorisation it was made under — still the requester's, approved
    and unexpired (9.2). Otherwise the clause why not."""
    if not getattr(actor, "is_authenticated", False) or redaction.created_by_id != actor.pk:
        return "10.2: only the reviewer who started a redaction may review it"
    if not can(actor, REVIEW, redaction.school_id):
        return "10.2, 14.1: you no longer hold a current role that may review redactions at this school"
    auth = redaction.authorisation
    if auth is None:
        return "9.2: this redaction has no viewing authorisation"
    return viewing.may_view(actor, auth, auth.terms(), now)


def check_reviewer(actor: Any, redaction: Redaction, now: datetime) -> None:
    """PermissionDenied (audited as redaction.refused) unless `actor` may work on `redaction` now."""
    _require_person(actor)
    problem = why_not_reviewer(actor, redaction, now)
    if problem is not None:
        record(
            "redaction.refused",
            actor=actor,
            school=redaction.school,
            obj=redaction,
            reason=problem,
            details={"redaction": redaction.pk},
        )
        raise PermissionDenied(problem)


# --- decisions (pure) -----------------------------------------------------------------------------------


def decisions(redaction: Redaction) -> dict[str, Any]:
    return {
        "keep": sorted(int(t) for t in redaction.keep),
        "manual": redaction.manual,
        "mode": redaction.mode,
    }


def decisions_digest(redaction: Redaction) -> str:
    """What a preview was rendered from: approving needs the preview of exactly the current decisions."""
    canonical = json.dumps(decisions(redaction), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def proposed_tracks(redaction: Redaction) -> list[dict[str, Any]]:
    return list((redaction.proposal or {}).get("tracks", []))


def box_dict(box: Any) -> dict[str, Any]:
    """A box as a dict, from the engine's compact row [frame, x, y, w, h, score] or a manual key frame."""
    if isinstance(box, dict):
        return box
    return {"frame": int(box[0]), "x": box[1], "y": box[2], "w": box[3], "h": box[4]}


def track_boxes(track: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted((box_dict(b) for b in track.get("boxes", [])), key=lambda b: int(b["frame"]))


def track_summary(track: dict[str, Any], fps: float) -> dict[str, Any]:
    frames = [int(b["frame"]) for b in track_boxes(track)]
    first, last = (min(frames), max(frames)) if frames else (0, 0)
    return {
        "id": int(track["id"]),
        "kind": track.get("kind", ""),
        "first_frame": first,
        "last_frame": last,
        "first_s": round(first / fps, 2) if fps else 0.0,
        "last_s": round(last / fps, 2) if fps else 0.0,
        "boxes": len(frames),
    }


def fps_of(redaction: Redaction) -> float:
    return float((redaction.proposal or {}).get("fps") or 25.0)


# --- starting (10.2, 10.4.1) --------------------------------------------------------------------------------


@enforces("9.6", "10.4.1", "R23")
def start_redaction(
    actor: Any,
    auth: ViewingAuthorisation,
    camera: Camera,
    start: datetime,
    end: datetime,
    *,
    release_reason: str = "",
    now: datetime | None = None,
) -> Redaction:
    """Record the master (segment ids and SHA-256) of `camera` in the window and queue the proposal job,
    which reaches the queue when the caller's transaction commits.

    Footage under an evidential hold is viewable by the CCTV administrator alone, so only they can start a
    redaction over it, and only by releasing it for this redaction with `release_reason` (9.6)."""
    _require_person(actor)
    require(actor, REVIEW, auth.school_id)
    now = now or timezone.now()
    problem = viewing.may_view(actor, auth, auth.terms(), now) or why_not_covered(
        auth.terms(), camera.pk, start, end, now
    )
    if problem is not None:
        raise PolicyRefusal(problem)
    if end - start > MAX_WINDOW:
        raise PolicyRefusal("10.4.1: redact at most an hour at a time — choose a shorter window")
    chosen = [
        s for s in viewing.viewable_segments(actor, auth, camera, now) if s.start >= start and s.end <= end
    ]
    if not chosen:
        raise PolicyRefusal(
            "10.4.1: no recorded footage of this camera that you may view lies wholly inside that window"
        )
    held = holds.redaction_holds(auth.school_id, chosen, now)
    if held and not release_reason.strip():
        raise PolicyRefusal(
            f"9.6: this footage is held as evidence (hold #{held[0].pk}: {held[0].reason[:80]}) — as the "
            "school's CCTV administrator, say why you release it for this redaction"
        )
    with transaction.atomic():
        redaction = Redaction.objects.create(
            school_id=auth.school_id,
            authorisation=auth,
            camera=camera,
            start=start,
            end=end,
            created_by=actor,
            segments=[
                {"id": str(s.pk), "sha256": s.sha256, "start": s.start.isoformat(), "end": s.end.isoformat()}
                for s in chosen
            ],
        )
        record(
            "redaction.started",
            actor=actor,
            school=auth.school,
            obj=redaction,
            reason=auth.get_reason_category_display(),
            details={**_about(redaction), "segments": [s["id"] for s in redaction.segments]},
        )
        for hold in held:
            holds.release_for_redaction(actor, hold, redaction, release_reason, now=now)
        queue_job(redaction, "propose")
    return redaction


def _about(redaction: Redaction) -> dict[str, Any]:
    return {
        "redaction": redaction.pk,
        "authorisation": redaction.authorisation_id,
        "camera": redaction.camera_id,
        "start": redaction.start.isoformat() if redaction.start else None,
        "end": redaction.end.isoformat() if redaction.end else None,
    }


def queue_job(redaction: Redaction, which: str) -> None:
    """Queue the job when the caller's transaction commits (jobs.queue: a worker must find the rows it
    reads, and a change that rolls back queues nothing); its id is stored at once for the progress bar."""
    from watchkeeper.redaction import tasks

    task = tasks.redaction_propose if which == "propose" else tasks.redaction_render
    redaction.job_task_id = enqueue_on_commit(task, redaction.pk, school_id=redaction.school_id)
    Redaction.objects.filter(pk=redaction.pk).update(job_task_id=redaction.job_task_id)


# --- the master, decrypted for a job only (9.1, 9.3) ------------------------------------------------------


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _frame_count(path: Path) -> int:
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return sum(1 for packet in container.demux(stream) if packet.size)


@contextmanager
@enforces("9.3", "13.1", "R17")
def master_video(redaction: Redaction, progress: Progress) -> Iterator[tuple[Path, Path]]:
    """(the joined master MP4, the temp dir) for one job. The segments are checked against the SHA-256
    recorded when the redaction started (9.3); the temp dir and all plaintext in it are removed on exit,
    however the job ends."""
    # 9.6: a hold placed since the redaction began (over a reviewer's footage) stops its jobs until the CCTV
    # administrator releases it for this redaction.
    held = holds.redaction_problem(redaction)
    if held is not None:
        raise FootageUnreadable(held)
    tmp = Path(tempfile.mkdtemp(prefix="watchkeeper-redaction-"))
    try:
        rows = Segment.objects.in_bulk([s["id"] for s in redaction.segments], field_name="pk")
        rows = {str(k): v for k, v in rows.items()}
        names = []
        for i, entry in enumerate(redaction.segments):
            segment = rows.get(entry["id"])
            if segment is None:
                raise FootageUnreadable(
                    f"13.1: segment {entry['id']} has been erased since the redaction began"
                )
            plaintext = decrypted(segment)
            if hashlib.sha256(plaintext).hexdigest() != entry["sha256"]:
                raise FootageUnreadable(f"9.3: segment {entry['id']} no longer matches its recorded SHA-256")
            name = f"{i:05d}.mp4"
            _write_private(tmp / name, plaintext)
            names.append(name)
            progress(10 * (i + 1) / len(redaction.segments), "Decrypting the recorded footage…")
        (tmp / "list.txt").write_text("".join(f"file '{n}'\n" for n in names))
        joined = tmp / "master.mp4"
        command = ["ffmpeg", "-v", "error", "-nostdin", "-f", "concat", "-safe", "0", "-i", "list.txt"]
        command += ["-map", "0:v:0", "-c", "copy", "-an", "-movflags", "+faststart", joined.name]
        done = subprocess.run(command, cwd=tmp, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise FootageUnreadable(f"the recorded segments could not be joined: {done.stderr.strip()[:300]}")
        yield joined, tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _segment_frames(redaction: Redaction, tmp: Path) -> list[dict[str, Any]]:
    """The segments with the frame index (of the joined video) each starts at, for the review page."""
    first, out = 0, []
    for i, entry in enumerate(redaction.segments):
        frames = _frame_count(tmp / f"{i:05d}.mp4")
        out.append({**entry, "first_frame": first, "frames": frames})
        first += frames
    return out


def _engine_progress(progress: Progress, low: float, high: float, message: str) -> Callable[[float], None]:
    def report(fraction: float) -> None:
        progress(low + (high - low) * max(0.0, min(1.0, float(fraction))), message)

    return report


def _fail(redaction: Redaction, error: BaseException, status: str) -> None:
    """A job could not finish: say why on the redaction (and in the audit log). A failed proposal ends the
    redaction; a failed render leaves it in review with the decisions intact, to preview again."""
    with transaction.atomic():
        Redaction.objects.filter(pk=redaction.pk).update(status=status, message=str(error)[:2000])
        record(
            "redaction.failed",
            actor=SYSTEM,
            school=redaction.school,
            obj=redaction,
            reason=str(error)[:500],
            details={"redaction": redaction.pk, "job": "propose" if status == Status.FAILED else "render"},
        )


# --- the jobs ---------------------------------------------------------------------------------------------


def run_proposal(redaction_id: int, progress: Progress) -> str:
    """The "propose" job: the engine's proposed tracks for the master, stored as JSON; status → review."""
    from watchkeeper.redaction.engine.pipeline import propose
    from watchkeeper.redaction.engine.tracks import proposal_to_json

    redaction = Redaction.objects.select_related("school").get(pk=redaction_id)
    if redaction.status != Status.PROPOSING:
        return f"Skipped: redaction {redaction_id} is {redaction.status}."
    try:
        with master_video(redaction, progress) as (joined, tmp):
            report = _engine_progress(progress, 10, 95, "Finding faces and people…")
            proposal = propose(joined, progress=report)
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
            record(
                "redaction.proposed",
                actor=SYSTEM,
                school=redaction.school,
                obj=redaction,
                details={
                    "redaction": redaction.pk,
                    "tracks": len(data.get("tracks", [])),
                    "frames": data["frames"],
                },
            )
    progress(100, f"Proposed {len(data.get('tracks', []))} track(s) to redact; ready for review.")
    return "proposed"


def run_render(redaction_id: int, progress: Progress) -> str:
    """The "render" job: the redacted copy of the current decisions, sealed and stored; status → review."""
    from watchkeeper.redaction.engine.pipeline import render
    from watchkeeper.redaction.engine.tracks import proposal_from_json

    redaction = Redaction.objects.select_related("school").get(pk=redaction_id)
    if redaction.status != Status.RENDERING:
        return f"Skipped: redaction {redaction_id} is {redaction.status}."
    digest = decisions_digest(redaction)
    try:
        with master_video(redaction, progress) as (joined, tmp):
            out = tmp / "redacted.mp4"
            result = render(
                joined,
                out,
                proposal_from_json(redaction.proposal or {}),
                keep=set(decisions(redaction)["keep"]),
                mode=redaction.mode,
                manual=manual_tracks(redaction),
                progress=_engine_progress(progress, 10, 95, "Rendering the redacted copy…"),
            )
            plaintext = out.read_bytes()
    except Exception as error:
        _fail(redaction, error, Status.REVIEW)
        raise RedactionJobFailed(str(error)) from error
    _store_output(redaction, plaintext, digest, result.frames)
    progress(100, "Preview ready.")
    return "rendered"


def manual_tracks(redaction: Redaction) -> list[Any]:
    from watchkeeper.redaction.engine.tracks import Box, Track

    return [
        Track(
            id=int(t["id"]),
            kind="manual",
            boxes=[
                Box(frame=int(b["frame"]), x=float(b["x"]), y=float(b["y"]), w=float(b["w"]), h=float(b["h"]))
                for b in sorted(t["boxes"], key=lambda b: int(b["frame"]))
            ],
        )
        for t in redaction.manual
    ]


# --- storage of the rendered copy (design/redaction.md "Storage") ------------------------------------------


def storage_dir() -> Path:
    path = Path(settings.DATA_DIR) / "redactions"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _absolute(relative: str) -> Path:
    root = storage_dir().resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise ValueError(f"output path {relative!r} leaves the redactions dir")
    return path


def _store_output(redaction: Redaction, plaintext: bytes, digest: str, frames: int) -> None:
    """Seal the copy with a fresh AES-256-GCM key wrapped by the school key (recording.crypto), write it
    (tmp + fsync + rename), then point the row at it; the previous preview's file goes after the commit."""
    output_id = uuid.uuid4()
    key_id = school_key_id(redaction.school_id)
    sealed = seal_blob(plaintext, output_id, key_id, school_key(key_id))
    relative = f"{redaction.school_id}/{output_id}{BLOB_SUFFIX}"
    path = _absolute(relative)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as handle:
        handle.write(sealed.blob)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    old = redaction.output_path
    with transaction.atomic():
        updated = Redaction.objects.filter(pk=redaction.pk, status=Status.RENDERING).update(
            status=Status.REVIEW,
            output_id=output_id,
            output_path=relative,
            output_wrapped_key=sealed.wrapped_key,
            output_key_id=key_id,
            output_sha256=sealed.sha256,
            output_digest=digest,
            output_frames=frames,
            rendered_at=timezone.now(),
            message="",
        )
        if updated:
            record(
                "redaction.rendered",
                actor=SYSTEM,
                school=redaction.school,
                obj=redaction,
                details={"redaction": redaction.pk, "sha256": sealed.sha256, "mode": redaction.mode},
            )
    if not updated:  # discarded meanwhile: this copy is nobody's
        path.unlink(missing_ok=True)
    elif old:
        _absolute(old).unlink(missing_ok=True)


@enforces("9.3")
def output_plaintext(redaction: Redaction) -> bytes:
    """The rendered copy, decrypted in memory and checked against its SHA-256."""
    if not redaction.has_output or redaction.output_id is None:
        raise FootageUnreadable(f"redaction {redaction.pk} has no rendered copy")
    try:
        blob = _absolute(redaction.output_path).read_bytes()
        plaintext = open_blob(
            blob,
            redaction.output_id,
            bytes(redaction.output_wrapped_key or b""),
            existing_school_key(redaction.output_key_id),
        )
    except (OSError, BlobError) as error:
        raise FootageUnreadable(f"9.3: redacted copy {redaction.pk} cannot be read: {error}") from error
    if hashlib.sha256(plaintext).hexdigest() != redaction.output_sha256:
        raise FootageUnreadable(
            f"9.3: the redacted copy of redaction {redaction.pk} does not match its SHA-256"
        )
    return plaintext


# --- the reviewer's decisions (each audited) ---------------------------------------------------------------


def _editable(actor: Any, redaction: Redaction, now: datetime) -> None:
    check_reviewer(actor, redaction, now)
    if redaction.status != Status.REVIEW:
        raise PolicyRefusal(
            f"10.4.1: this redaction is {redaction.get_status_display().lower()} — decisions can change only "
            "while it is ready for review"
        )


def _save_decision(actor: Any, redaction: Redaction, action: str, fields: list[str], details: dict) -> None:
    with transaction.atomic():
        redaction.save(update_fields=fields)
        record(
            action,
            actor=actor,
            school=redaction.school,
            obj=redaction,
            details={"redaction": redaction.pk, **details},
        )


@enforces("10.3", "10.4.1")
def set_keep(
    actor: Any, redaction: Redaction, track_id: int, keep: bool, *, now: datetime | None = None
) -> None:
    """Mark a proposed track as the data subject (kept visible) or back to redacted (10.3, 10.4.1)."""
    _editable(actor, redaction, now or timezone.now())
    if track_id not in {int(t["id"]) for t in proposed_tracks(redaction)}:
        raise PolicyRefusal("10.4.1: there is no such proposed track")
    kept = {int(t) for t in redaction.keep}
    kept = kept | {track_id} if keep else kept - {track_id}
    redaction.keep = sorted(kept)
    action = "redaction.track_kept" if keep else "redaction.track_unkept"
    _save_decision(actor, redaction, action, ["keep"], {"track": track_id})


@enforces("10.4.1", "R23")
def set_mode(actor: Any, redaction: Redaction, mode: str, *, now: datetime | None = None) -> None:
    _editable(actor, redaction, now or timezone.now())
    if mode not in Mode.values:
        raise PolicyRefusal("10.4.1: choose blur, pixelate or fill")
    old, redaction.mode = redaction.mode, mode
    _save_decision(actor, redaction, "redaction.mode_changed", ["mode"], {"from": old, "to": mode})


@dataclass(frozen=True)
class ManualBox:
    frame: int
    x: float
    y: float
    w: float
    h: float


def _checked_box(redaction: Redaction, box: ManualBox) -> dict[str, Any]:
    proposal = redaction.proposal or {}
    width, height, frames = (
        int(proposal.get("width", 0)),
        int(proposal.get("height", 0)),
        int(proposal.get("frames", 0)),
    )
    if not 0 <= box.frame < max(frames, 1):
        raise PolicyRefusal("10.4.1: that frame is outside the footage")
    x, y = max(0.0, box.x), max(0.0, box.y)
    w, h = min(box.w, width - x) if width else box.w, min(box.h, height - y) if height else box.h
    if w < 2 or h < 2:
        raise PolicyRefusal("10.4.1: draw a box at least 2 pixels wide and high inside the picture")
    return {"frame": box.frame, "x": round(x, 1), "y": round(y, 1), "w": round(w, 1), "h": round(h, 1)}


def _next_manual_id(redaction: Redaction) -> int:
    """Manual ids follow every proposed id, so a track id names one track whatever its kind."""
    ids = [int(t["id"]) for t in proposed_tracks(redaction)] + [int(t["id"]) for t in redaction.manual]
    return max([0, *ids]) + 1


@enforces("10.4.1")
def add_manual(actor: Any, redaction: Redaction, box: ManualBox, *, now: datetime | None = None) -> int:
    """A new manual track: one key frame; it holds its box until extended at another frame."""
    _editable(actor, redaction, now or timezone.now())
    key = _checked_box(redaction, box)
    track_id = _next_manual_id(redaction)
    redaction.manual = [*redaction.manual, {"id": track_id, "kind": "manual", "boxes": [key]}]
    _save_decision(actor, redaction, "redaction.manual_added", ["manual"], {"track": track_id, "box": key})
    return track_id


@enforces("10.4.1")
def extend_manual(
    actor: Any, redaction: Redaction, track_id: int, box: ManualBox, *, now: datetime | None = None
) -> None:
    """Another key frame of a manual track (replacing one at the same frame); boxes between key frames are
    interpolated by the engine (engine.tracks.boxes_at)."""
    _editable(actor, redaction, now or timezone.now())
    key = _checked_box(redaction, box)
    tracks = [dict(t) for t in redaction.manual]
    track = next((t for t in tracks if int(t["id"]) == track_id), None)
    if track is None:
        raise PolicyRefusal("10.4.1: there is no such manual box")
    others = [b for b in track["boxes"] if int(b["frame"]) != key["frame"]]
    track["boxes"] = sorted([*others, key], key=lambda b: int(b["frame"]))
    redaction.manual = tracks
    _save_decision(actor, redaction, "redaction.manual_extended", ["manual"], {"track": track_id, "box": key})


@enforces("10.4.1")
def delete_manual(actor: Any, redaction: Redaction, track_id: int, *, now: datetime | None = None) -> None:
    _editable(actor, redaction, now or timezone.now())
    remaining = [t for t in redaction.manual if int(t["id"]) != track_id]
    if len(remaining) == len(redaction.manual):
        raise PolicyRefusal("10.4.1: there is no such manual box")
    redaction.manual = remaining
    _save_decision(actor, redaction, "redaction.manual_deleted", ["manual"], {"track": track_id})


@enforces("10.4.1")
def request_preview(actor: Any, redaction: Redaction, *, now: datetime | None = None) -> None:
    """Render the current decisions (a job with progress); the result replaces any earlier preview."""
    _editable(actor, redaction, now or timezone.now())
    with transaction.atomic():
        updated = Redaction.objects.filter(pk=redaction.pk, status=Status.REVIEW).update(
            status=Status.RENDERING
        )
        if not updated:
            raise PolicyRefusal("10.4.1: this redaction is not ready for review")
        redaction.status = Status.RENDERING
        record(
            "redaction.preview_requested",
            actor=actor,
            school=redaction.school,
            obj=redaction,
            details={
                "redaction": redaction.pk,
                **decisions(redaction),
                "digest": decisions_digest(redaction),
            },
        )
        queue_job(redaction, "render")


def preview_is_current(redaction: Redaction) -> bool:
    return redaction.has_output and redaction.output_digest == decisions_digest(redaction)


@enforces("10.4.1", "R23")
def approve(actor: Any, redaction: Redaction, *, now: datetime | None = None) -> Redaction:
    """The reviewer approves the preview they have seen: only one rendered from the current decisions.
    The redaction report is fixed now and travels with the copy (issue 6 §2)."""
    now = now or timezone.now()
    _editable(actor, redaction, now)
    if not preview_is_current(redaction):
        raise PolicyRefusal(
            "10.4.1: preview the redaction before approving — the decisions have changed since the last "
            "preview (or there is none yet)"
        )
    with transaction.atomic():
        locked = Redaction.objects.select_for_update().get(pk=redaction.pk)
        if locked.status != Status.REVIEW or locked.output_digest != decisions_digest(locked):
            raise PolicyRefusal("10.4.1: the redaction changed while you were approving it — look again")
        redaction.status, redaction.approved_by, redaction.approved_at = Status.APPROVED, actor, now
        redaction.report = build_report(redaction)
        redaction.save(update_fields=["status", "approved_by", "approved_at", "report"])
        record(
            "redaction.approved",
            actor=actor,
            school=redaction.school,
            obj=redaction,
            details={
                "redaction": redaction.pk,
                "mode": redaction.mode,
                "kept": [t["id"] for t in redaction.report["tracks_kept"]],
                "redacted": len(redaction.report["tracks_redacted"]),
                "manual": len(redaction.manual),
                "output_sha256": redaction.output_sha256,
            },
        )
    return redaction


@enforces("10.2")
def discard(actor: Any, redaction: Redaction) -> None:
    """Throw the redaction away: the rendered copy's file is removed and its wrapped key destroyed (so no
    backup of the file opens either); the row stays for the audit trail."""
    _require_person(actor)
    require(actor, REVIEW, redaction.school_id)
    if redaction.created_by_id != actor.pk:
        raise PermissionDenied("10.2: only the reviewer who started a redaction may discard it")
    old = redaction.output_path
    with transaction.atomic():
        Redaction.objects.filter(pk=redaction.pk).update(
            status=Status.DISCARDED, output_wrapped_key=None, output_path="", output_digest=""
        )
        record(
            "redaction.discarded",
            actor=actor,
            school=redaction.school,
            obj=redaction,
            details={"redaction": redaction.pk, "was": redaction.status},
        )
    if old:
        _absolute(old).unlink(missing_ok=True)
    redaction.refresh_from_db()


# --- the report and the export hook (issue 6 §2; h1's evidence packages) ----------------------------------


def output_name(redaction: Redaction) -> str:
    start = redaction.start or redaction.created_at
    return f"redacted-{redaction.school_id}-{redaction.pk}-{start.astimezone(UTC):%Y%m%dT%H%M%SZ}.mp4"


@enforces("10.3", "10.4.1", "R17")
def build_report(redaction: Redaction) -> dict[str, Any]:
    fps = fps_of(redaction)
    kept = {int(t) for t in redaction.keep}
    tracks = [track_summary(t, fps) for t in proposed_tracks(redaction)]
    reviewer = redaction.approved_by
    return {
        "policy": "10.3, 10.4.1: images of individuals other than the data subject distorted",
        "redaction": redaction.pk,
        "school": redaction.school.name,
        "camera": {"id": redaction.camera_id, "name": redaction.camera.name if redaction.camera else ""},
        "window": {"start": _iso(redaction.start), "end": _iso(redaction.end)},
        "authorisation": redaction.authorisation_id,
        "mode": redaction.mode,
        "tracks_redacted": [t for t in tracks if t["id"] not in kept],
        "tracks_kept": [t for t in tracks if t["id"] in kept],
        "manual_edits": redaction.manual,
        "reviewer": {
            "username": reviewer.get_username() if reviewer else "",
            "name": reviewer.get_full_name() if reviewer else "",
        },
        "approved_at": _iso(redaction.approved_at),
        "master_segments": [
            {"id": s["id"], "sha256": s["sha256"], "start": s["start"], "end": s["end"]}
            for s in redaction.segments
        ],
        "output": {
            "name": output_name(redaction),
            "sha256": redaction.output_sha256,
            "frames": redaction.output_frames,
        },
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


@dataclass(frozen=True)
class RedactedCopy:
    mp4_path: Path
    report: bytes
    name: str


@contextmanager
def redacted_copy(redaction: Redaction) -> Iterator[RedactedCopy]:
    """The approved redacted copy, decrypted into a private temp dir removed on exit, with its report.
    For the evidence package job (SYSTEM): PolicyRefusal unless approved (10.4.1)."""
    redaction.refresh_from_db()
    if redaction.status != Status.APPROVED or redaction.report is None:
        raise PolicyRefusal(ONLY_APPROVED)
    plaintext = output_plaintext(redaction)
    tmp = Path(tempfile.mkdtemp(prefix="watchkeeper-redacted-"))
    try:
        name = redaction.report.get("output", {}).get("name") or output_name(redaction)
        path = tmp / name
        _write_private(path, plaintext)
        report = json.dumps(redaction.report, indent=2, sort_keys=True).encode()
        yield RedactedCopy(mp4_path=path, report=report, name=name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --- serving to the reviewer (checked and audited) ---------------------------------------------------------


def open_output(actor: Any, redaction: Redaction, now: datetime) -> bytes:
    """The preview (or approved copy) for its reviewer, under a current authorisation; audited once per
    person and redaction within viewing's repeat window, as segments are (a player asks in ranges). A hold
    placed since the preview was rendered locks it away with the footage until released for it (9.6)."""
    check_reviewer(actor, redaction, now)
    held = holds.redaction_problem(redaction, now)
    if held is not None:
        record("redaction.refused", actor=actor, school=redaction.school, obj=redaction, reason=held)
        raise PermissionDenied(held)
    plaintext = output_plaintext(redaction)
    since = now - timedelta(seconds=viewing_conf.audit_repeat_seconds())
    seen = AuditEvent.objects.filter(
        action=OUTPUT_SERVED,
        actor=actor,
        object_id=str(redaction.pk),
        at__gte=since,
        details__sha256=redaction.output_sha256,
    ).exists()
    if not seen:
        record(
            OUTPUT_SERVED,
            actor=actor,
            school=redaction.school,
            obj=redaction,
            details={"redaction": redaction.pk, "sha256": redaction.output_sha256},
        )
    return plaintext


def find_track(redaction: Redaction, track_id: int) -> dict[str, Any] | None:
    for track in [*proposed_tracks(redaction), *redaction.manual]:
        if int(track["id"]) == track_id:
            return track
    return None


def track_thumbnail(actor: Any, redaction: Redaction, track_id: int, now: datetime) -> bytes:
    """A JPEG crop of the track at its middle box, decoded in memory from the master segment holding that
    frame — fetched through viewing.open_segment, so viewing's own check and audit apply (9.2)."""
    check_reviewer(actor, redaction, now)
    track = find_track(redaction, track_id)
    if track is None or not track.get("boxes"):
        raise PolicyRefusal("10.4.1: there is no such track")
    boxes = track_boxes(track)
    box = boxes[len(boxes) // 2]
    frame = int(box["frame"])
    entry = next(
        (
            s
            for s in redaction.segments
            if s.get("first_frame", 0) <= frame < s.get("first_frame", 0) + s.get("frames", 0)
        ),
        None,
    )
    if entry is None:
        raise PolicyRefusal("10.4.1: that track's frame is outside the footage")
    segment = Segment.objects.select_related("camera").get(pk=entry["id"])
    assert redaction.authorisation is not None
    plaintext = viewing.open_segment(actor, redaction.authorisation, segment, now)
    from watchkeeper.redaction.thumbnail import crop_jpeg

    return crop_jpeg(plaintext, frame - int(entry["first_frame"]), box)
