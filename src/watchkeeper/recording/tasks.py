"""The recording app's jobs (design/jobs.md): the retention sweep (13.1), motion analysis, and reference
frames for the privacy-zone editor (taken here, never by the web process; issue 14 §5). Schedules are in
UTC; each acts as SYSTEM (core.actors): the installation working on its own schedule or on a request."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from watchkeeper.core.clauses import enforces
from watchkeeper.jobs.queue import Priority, by_hand
from watchkeeper.jobs.runner import progress
from watchkeeper.recording import reference_frames
from watchkeeper.recording.motion import analyse_pending
from watchkeeper.recording.retention import sweep

# Made at import, so the worker knows the lock and flushes it at start (settings.HUEY flush_locks): a
# worker killed mid-sweep must not leave every later sweep skipped.
SWEEP_LOCK = HUEY.lock_task("retention_sweep")
MOTION_LOCK = HUEY.lock_task("motion_analysis")


@by_hand("retention")
@db_periodic_task(crontab(minute="7"), name="retention_sweep", priority=Priority.ROUTINE)
@enforces("13.1", "R11")
def retention_sweep() -> dict[str, Any]:
    """Hourly (13.1): erase footage past its camera's retention unless a hold covers it (9.6). The same
    sweep as `watchkeeper retention run`, with the real clock; it audits itself (recording.retention_sweep).
    The lock keeps two sweeps from running at once if one takes longer than an hour."""
    with SWEEP_LOCK:
        progress(0, "Finding footage past its camera's retention (13.1)…")
        result = sweep(timezone.now())
        progress(
            100,
            f"Erased {result.erased} recording file(s), {result.bytes / 1e6:.1f} MB; "
            f"{result.held} past retention kept by holds (9.6).",
        )
        return result.details(dry_run=False)


@by_hand("motion")
@db_periodic_task(crontab(minute="*"), name="motion_analysis", priority=Priority.BACKGROUND)
def motion_analysis() -> str:
    """Every minute: motion per second of the newest segments not yet analysed (last 24 h), decoded small
    and in memory only (9.3), for the player's motion strip (design/viewing.md). The lock skips a run
    while the previous one is still going; the lowest priority keeps it behind every other job."""
    with MOTION_LOCK:
        progress(0, "Analysing motion in new footage…")
        result = analyse_pending(timezone.now())
        progress(100, result.summary())
        return result.summary()


@db_task(name="dvr_upload_import", priority=Priority.WAITED_FOR)
def dvr_upload_import(upload_id: str, *, school_id: int) -> str:
    """Import a minibus DVR file uploaded through the web (5.2, issue 16 §3) from its sealed pieces."""
    from watchkeeper.recording.uploads import run_import

    progress(0, "Reading the uploaded file…")
    return run_import(upload_id, progress, timezone.now())


@by_hand("dvr-uploads")
@db_periodic_task(crontab(hour="4", minute="35"), name="dvr_upload_purge", priority=Priority.HOUSEKEEPING)
def dvr_upload_purge() -> str:
    """Daily: destroy the pieces of DVR uploads left unfinished for a day (9.3: no footage kept unseen)."""
    from watchkeeper.recording.uploads import abandon_stale

    summary = f"{abandon_stale(timezone.now())} unfinished upload(s) abandoned."
    progress(100, summary)
    return summary


@db_task(name="reference_frame_take", priority=Priority.WAITED_FOR)
@enforces("9.3", "8.1")
def reference_frame_take(frame_id: str, *, school_id: int) -> str:
    """A person waits on the zone editor: one picture from the camera, sealed for a few minutes."""
    frame = reference_frames.take(frame_id, now=timezone.now())
    if frame is None:
        return "Nothing to take: the request is gone or was taken already."
    summary = f"Picture from camera {frame.camera_id}: {frame.get_state_display().lower()}"
    progress(100, f"{summary}{' (' + frame.problem + ')' if frame.problem else ''}.")
    return summary


@by_hand("reference-frames")
@db_periodic_task(crontab(minute="*/10"), name="reference_frame_purge", priority=Priority.HOUSEKEEPING)
@enforces("9.3")
def reference_frame_purge() -> str:
    """Every 10 minutes: pictures taken for the zone editor and not shown are deleted after a few minutes."""
    summary = f"{reference_frames.purge(timezone.now())} reference picture request(s) deleted."
    progress(100, summary)
    return summary
