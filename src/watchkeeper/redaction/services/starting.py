"""Starting a redaction and queueing its jobs (10.2, 10.4.1, 9.6; design/redaction.md, "Review")."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from watchkeeper.core.actors import Actor, Person, require_person
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.permissions import require
from watchkeeper.estate.models import Camera
from watchkeeper.evidence import holds
from watchkeeper.jobs.queue import enqueue_on_commit
from watchkeeper.recording import coverage
from watchkeeper.recording.models import Segment
from watchkeeper.redaction.models import Redaction
from watchkeeper.redaction.services.access import ONLY_STAFF, REVIEW, audit
from watchkeeper.viewing import services as viewing
from watchkeeper.viewing.models import ViewingAuthorisation
from watchkeeper.viewing.rules import why_not_covered

MAX_WINDOW = timedelta(hours=1)


@enforces("9.6", "10.4.1", "R23")
def start_redaction(
    actor: Actor,
    auth: ViewingAuthorisation,
    camera: Camera,
    start: datetime,
    end: datetime,
    *,
    now: datetime,
    release_reason: str = "",
) -> Redaction:
    """Record the master (segment ids and SHA-256) of `camera` in the window and queue the proposal job,
    which reaches the queue when the caller's transaction commits.

    Footage under an evidential hold is viewable by the CCTV administrator alone, so only they can start a
    redaction over it, and only by releasing it for this redaction with `release_reason` (9.6)."""
    person = require_person(actor, ONLY_STAFF)
    require(person, REVIEW, auth.school_id)
    chosen = _master(person, auth, camera, start, end, now)
    held = holds.redaction_holds(auth.school_id, chosen)
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
            created_by=person,
            segments=[
                {"id": str(s.pk), "sha256": s.sha256, "start": s.start.isoformat(), "end": s.end.isoformat()}
                for s in chosen
            ],
        )
        audit(
            "redaction.started",
            person,
            redaction,
            reason=auth.get_reason_category_display(),
            **_about(redaction),
            segments=[s["id"] for s in redaction.segments],
        )
        for hold in held:
            holds.release_for_redaction(person, hold, redaction, release_reason, now=now)
        queue_job(redaction, "propose")
    return redaction


def _master(
    person: Person, auth: ViewingAuthorisation, camera: Camera, start: datetime, end: datetime, now: datetime
) -> list[Segment]:
    """The whole recorded segments of the window that `person` may view under `auth` now, or the refusal."""
    problem = viewing.may_view(person, auth, auth.terms(), now) or why_not_covered(
        auth.terms(), camera.pk, start, end, now
    )
    if problem is not None:
        raise PolicyRefusal(problem)
    if end - start > MAX_WINDOW:
        raise PolicyRefusal("10.4.1: redact at most an hour at a time — choose a shorter window")
    missing = coverage.footage_problems("10.4.1", [camera], start, end, seen_by=person, now=now)
    if missing:  # issue 15 §2: nothing recorded there, or only footage held from this person (9.6)
        raise PolicyRefusal(missing)
    chosen = [
        s for s in viewing.viewable_segments(person, auth, camera, now) if s.start >= start and s.end <= end
    ]
    if not chosen:
        raise PolicyRefusal(
            "10.4.1: no recorded footage of this camera that you may view lies wholly inside that window"
        )
    return chosen


def _about(redaction: Redaction) -> dict[str, Any]:
    return {
        "authorisation": redaction.authorisation_id,
        "camera": redaction.camera_id,
        "start": redaction.start.isoformat() if redaction.start else None,
        "end": redaction.end.isoformat() if redaction.end else None,
    }


def queue_job(redaction: Redaction, which: str) -> None:
    """Queue the "propose" or "render" job when the caller's transaction commits (jobs.queue: a worker must
    find the rows it reads, and a change that rolls back queues nothing); its id is stored at once, for the
    progress bar."""
    from watchkeeper.redaction import tasks  # tasks imports these services

    task = tasks.redaction_propose if which == "propose" else tasks.redaction_render
    redaction.job_task_id = enqueue_on_commit(task, redaction.pk, school_id=redaction.school_id)
    Redaction.objects.filter(pk=redaction.pk).update(job_task_id=redaction.job_task_id)
