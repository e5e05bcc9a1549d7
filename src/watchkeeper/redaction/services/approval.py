"""Previewing, approving and discarding a redaction (10.2, 10.3, 10.4.1; design/redaction.md, "The rule for
approval"), and the report approval fixes (issue 6 §2)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from watchkeeper.core.actors import Actor, require_person
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal, refuse
from watchkeeper.core.permissions import require
from watchkeeper.core.transitions import lock_in_state
from watchkeeper.redaction.models import Redaction, Status
from watchkeeper.redaction.services import files
from watchkeeper.redaction.services.access import ONLY_STAFF, REVIEW, audit
from watchkeeper.redaction.services.decisions import editable
from watchkeeper.redaction.services.starting import queue_job
from watchkeeper.redaction.services.tracks import (
    decisions,
    decisions_digest,
    fps_of,
    preview_is_current,
    proposed_tracks,
    track_summary,
)


@enforces("10.4.1")
def request_preview(actor: Actor, redaction: Redaction, *, now: datetime) -> None:
    """Render the current decisions (a job with progress, queued when the caller's transaction commits);
    the result replaces any earlier preview."""
    person = editable(actor, redaction, now)
    with transaction.atomic():
        lock_in_state(redaction, [Status.REVIEW], "10.4.1: this redaction is not ready for review")
        redaction.status = Status.RENDERING
        redaction.save(update_fields=["status"])
        digest = decisions_digest(redaction)
        audit("redaction.preview_requested", person, redaction, **decisions(redaction), digest=digest)
        queue_job(redaction, "render")


# "Approve only what you have watched" (issue 16 §1): this share of the preview played counts as all of it
# (the last frames of a clip often end a little before the reported duration).
WATCHED_ALL = 0.98


def _check_watched(watched: float | None, confirmed: bool) -> None:
    """A preview not played to the end needs the reviewer's explicit confirmation. None: the caller did not
    measure it (a service caller with no player); the page always measures it."""
    if watched is None or watched >= WATCHED_ALL or confirmed:
        return
    raise refuse(
        "10.4.1",
        f"You have watched {round(watched * 100)}% of the preview",
        "Watch all of it, or tick “I approve without having watched all of it” beside Approve.",
    )


@enforces("10.4.1", "R23")
def approve(
    actor: Actor,
    redaction: Redaction,
    *,
    now: datetime,
    watched: float | None = None,
    confirmed: bool = False,
) -> Redaction:
    """The reviewer approves the preview they have seen: only one rendered from the current decisions, and
    played to the end unless they confirm otherwise (`watched`: the share of it played, 0 to 1). The
    redaction report is fixed now and travels with the copy (issue 6 §2)."""
    person = editable(actor, redaction, now)
    if not preview_is_current(redaction):
        raise PolicyRefusal(
            "10.4.1: preview the redaction before approving — the decisions have changed since the last "
            "preview (or there is none yet)"
        )
    _check_watched(watched, confirmed)
    changed = "10.4.1: the redaction changed while you were approving it — look again"
    with transaction.atomic():
        lock_in_state(redaction, [Status.REVIEW], changed)
        if not preview_is_current(redaction):
            raise PolicyRefusal(changed)
        redaction.status, redaction.approved_by, redaction.approved_at = Status.APPROVED, person, now
        redaction.report = {**build_report(redaction), **_watching(watched, confirmed)}
        redaction.save(update_fields=["status", "approved_by", "approved_at", "report"])
        audit(
            "redaction.approved",
            person,
            redaction,
            mode=redaction.mode,
            kept=[t["id"] for t in redaction.report["tracks_kept"]],
            redacted=len(redaction.report["tracks_redacted"]),
            manual=len(redaction.manual),
            output_sha256=redaction.output_sha256,
            **_watching(watched, confirmed),
        )
    return redaction


def _watching(watched: float | None, confirmed: bool) -> dict[str, Any]:
    """How much of the preview the approver played, for the report and the audit event."""
    if watched is None:
        return {"preview_watched": None}
    return {
        "preview_watched": round(watched, 3),
        "approved_without_watching_all": watched < WATCHED_ALL and confirmed,
    }


@enforces("10.2")
def discard(actor: Actor, redaction: Redaction) -> None:
    """Throw the redaction away: the rendered copy's wrapped key is destroyed (so no backup of the file
    opens either), then its file removed; the row stays for the audit trail."""
    person = require_person(actor, ONLY_STAFF)
    require(person, REVIEW, redaction.school_id)
    if redaction.created_by_id != person.pk:
        raise PermissionDenied("10.2: only the reviewer who started a redaction may discard it")
    old = redaction.output_path
    with transaction.atomic():
        Redaction.objects.filter(pk=redaction.pk).update(
            status=Status.DISCARDED, output_wrapped_key=None, output_path="", output_digest=""
        )
        audit("redaction.discarded", person, redaction, was=redaction.status)
    files.remove_output(old)
    redaction.refresh_from_db()


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
