"""Footage under an evidential hold leaves only with the CCTV administrator's release (9.6; design/evidence.md
"Held footage").

9.6 keeps footage retained for evidence in "a locked area accessible by a school's CCTV system administrator
only". So a download (or a redaction) that includes footage under a current evidential hold needs that
administrator's recorded release for that very request (or redaction), with a reason, audited; the
Headteacher's authorisation is the second person, not a substitute. Holds placed for a subject access,
police or outside-body request (10, 11) are not evidential: they only stop erasure and need no release.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q

from watchkeeper.core.actors import Actor, Person, require_person
from watchkeeper.core.auditing import audit_about
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal, refuse_if
from watchkeeper.core.permissions import can, restrict
from watchkeeper.evidence.models import DownloadRequest, HoldRelease, RequestStatus, person_name
from watchkeeper.recording import coverage
from watchkeeper.recording.models import Hold, HoldPurpose, Segment
from watchkeeper.redaction.models import Redaction
from watchkeeper.redaction.models import Status as RedactionStatus

HOLD = "recording.hold"
RELEASED = "evidence.held_footage_released"
ONLY_THE_ADMIN = "9.6: only the school's CCTV system administrator may release held footage"
# Requests and redactions still on their way out: a release for anything else would release nothing.
OPEN_REQUESTS = (
    RequestStatus.REQUESTED,
    RequestStatus.APPROVED,
    RequestStatus.BUILDING,
    RequestStatus.FAILED,
)
OPEN_REDACTIONS = (
    RedactionStatus.PROPOSING,
    RedactionStatus.REVIEW,
    RedactionStatus.RENDERING,
    RedactionStatus.APPROVED,
)


def _evidential(school_id: int) -> list[Hold]:
    return list(
        Hold.objects.current()
        .filter(school_id=school_id, purpose=HoldPurpose.EVIDENTIAL)
        .prefetch_related("cameras")
        .order_by("pk")
    )


def _protecting(holds: list[Hold], segments: Iterable[Segment]) -> list[Hold]:
    """The holds among `holds` that cover at least one of `segments`. They are current holds (not
    released), so no moment matters: only their cameras and range."""
    segments = list(segments)
    found = []
    for hold in holds:
        cameras = {c.pk for c in hold.cameras.all()}
        if any(s.camera_id in cameras and s.start < hold.end and s.end > hold.start for s in segments):
            found.append(hold)
    return found


def request_segments(req: DownloadRequest) -> list[Segment]:
    """The segments a package of `req` is made from (as the build reads them)."""
    return list(coverage.segments_within(req.cameras.all(), req.start, req.end).select_related("camera"))


def holds_over_request(req: DownloadRequest) -> list[Hold]:
    """Current evidential holds over any footage the request would take out."""
    return _protecting(_evidential(req.school_id), request_segments(req))


def unreleased_for_request(req: DownloadRequest) -> list[Hold]:
    released = set(HoldRelease.objects.filter(request=req).values_list("hold_id", flat=True))
    return [h for h in holds_over_request(req) if h.pk not in released]


@enforces("9.6", "R12")
def request_problems(req: DownloadRequest, step: str) -> list[str]:
    """One plain-words problem per hold still awaiting release for `req`, for the decision and the build."""
    return [_problem(hold, f"this request before it is {step}") for hold in unreleased_for_request(req)]


def _problem(hold: Hold, what: str) -> str:
    return (
        f"9.6: footage in it is held as evidence (hold #{hold.pk}: {hold.reason[:80]}) — held footage is the "
        f"school's CCTV administrator's alone, so it needs the CCTV administrator's release for {what}"
    )


def redaction_holds(school_id: int, segments: Iterable[Segment]) -> list[Hold]:
    return _protecting(_evidential(school_id), segments)


def unreleased_for_redaction(redaction: Redaction) -> list[Hold]:
    """Current evidential holds over the redaction's master without a release for it."""
    segments = _master(redaction)
    released = set(HoldRelease.objects.filter(redaction=redaction).values_list("hold_id", flat=True))
    holds = redaction_holds(redaction.school_id, segments)
    return [h for h in holds if h.pk not in released]


@enforces("9.6", "R12")
def redaction_problem(redaction: Redaction) -> str | None:
    missing = unreleased_for_redaction(redaction)
    return _problem(missing[0], "this redaction") if missing else None


# --- the release ------------------------------------------------------------------------------------------


def _check_release(actor: Actor, hold: Hold, reason: str) -> Person:
    """The CCTV administrator releasing, as a person; PermissionDenied for anyone else."""
    person = require_person(actor, ONLY_THE_ADMIN)
    if not can(person, HOLD, hold.school_id):
        raise PermissionDenied(ONLY_THE_ADMIN)
    problems = []
    if hold.purpose != HoldPurpose.EVIDENTIAL:
        problems.append(
            "9.6: only an evidential hold needs a release — this hold only stops erasure for an open request"
        )
    if hold.released_at is not None:
        problems.append("9.6: this hold has been released already: its footage needs no release")
    if not reason.strip():
        problems.append("9.6: say why the held footage may leave for this request")
    refuse_if(problems)
    return person


@enforces("9.6", "R12")
def release_for_download(
    actor: Actor, hold: Hold, req: DownloadRequest, reason: str, *, now: datetime
) -> HoldRelease:
    """The CCTV administrator releases `hold`'s footage for download request `req` (9.6). The administrator
    may release for a request they asked for themselves: the Headteacher's authorisation is still the
    second person (design/evidence.md "Held footage")."""
    person = _check_release(actor, hold, reason)
    if req.school_id != hold.school_id or req.status not in OPEN_REQUESTS:
        raise PolicyRefusal("9.6: this request is no longer waiting to be authorised or built")
    if hold not in holds_over_request(req):
        raise PolicyRefusal("9.6: this hold does not cover any footage of this request")
    return _save(person, hold, reason, now, request=req)


@enforces("9.6", "R12")
def release_for_redaction(
    actor: Actor, hold: Hold, redaction: Redaction, reason: str, *, now: datetime
) -> HoldRelease:
    """The CCTV administrator releases `hold`'s footage for one redaction (9.6, 10.4.1)."""
    person = _check_release(actor, hold, reason)
    if redaction.school_id != hold.school_id or redaction.status not in OPEN_REDACTIONS:
        raise PolicyRefusal("9.6: this redaction is no longer in progress")
    if hold not in unreleased_for_redaction(redaction) + released_holds(redaction):
        raise PolicyRefusal("9.6: this hold does not cover any footage of this redaction")
    return _save(person, hold, reason, now, redaction=redaction)


def released_holds(redaction: Redaction) -> list[Hold]:
    return [r.hold for r in HoldRelease.objects.filter(redaction=redaction).select_related("hold")]


def _save(actor: Person, hold: Hold, reason: str, now: datetime, **target: Any) -> HoldRelease:
    """Inside the caller's transaction when there is one (start_redaction records its releases with it)."""
    try:
        with transaction.atomic():
            release = HoldRelease.objects.create(
                school_id=hold.school_id,
                hold=hold,
                released_by=actor,
                released_at=now,
                reason=reason.strip(),
                **target,
            )
            audit_about(
                RELEASED,
                actor,
                hold,
                reason=release.reason,
                hold=hold.pk,
                hold_reason=hold.reason,
                request=release.request_id,
                redaction=release.redaction_id,
            )
    except IntegrityError:
        raise PolicyRefusal(f"9.6: this hold is released for {_target(target)} already") from None
    return release


def _target(target: dict[str, Any]) -> str:
    return "this request" if "request" in target else "this redaction"


# --- what the package records, and what the pages show -----------------------------------------------------


def manifest_entries(req: DownloadRequest) -> list[dict[str, Any]]:
    """Each release the package is made under (the request's, and its redaction's): for manifest.json."""
    query = Q(request=req) | (Q(redaction_id=req.redaction_id) if req.redaction_id else Q(pk__in=[]))
    return [
        {
            "hold": r.hold_id,
            "hold_reason": r.hold.reason,
            "given_for": r.given_for,
            "released_by": person_name(r.released_by),
            "released_at": r.released_at.isoformat(),
            "reason": r.reason,
        }
        for r in HoldRelease.objects.filter(query).select_related("hold", "released_by")
    ]


def request_state(req: DownloadRequest) -> list[dict[str, Any]]:
    """For the request's page: each hold over it (current, or released for it) and its release, if any."""
    releases = {r.hold_id: r for r in HoldRelease.objects.filter(request=req).select_related("released_by")}
    current = holds_over_request(req) if req.status in OPEN_REQUESTS else []
    rows = [{"hold": h, "release": releases.get(h.pk)} for h in current]
    shown = {h.pk for h in current}
    rows += [{"hold": r.hold, "release": r} for pk, r in releases.items() if pk not in shown]
    return rows


def awaiting_release(user: Actor, school_id: int | None = None) -> list[dict[str, Any]]:
    """Open download requests and redactions over current evidential holds at the user's schools, without
    a release yet: what the CCTV administrator is asked to release (the holds page)."""
    requests = restrict(DownloadRequest.objects.select_related("school"), user, HOLD)
    redactions = restrict(Redaction.objects.select_related("school", "camera"), user, HOLD)
    if school_id is not None:
        requests, redactions = requests.filter(school_id=school_id), redactions.filter(school_id=school_id)
    rows = []
    for req in requests.filter(status__in=OPEN_REQUESTS).order_by("requested_at", "pk")[:200]:
        rows += [{"req": req, "hold": h} for h in unreleased_for_request(req)]
    for redaction in redactions.filter(status__in=OPEN_REDACTIONS).order_by("pk")[:200]:
        rows += [{"redaction": redaction, "hold": h} for h in unreleased_for_redaction(redaction)]
    return rows


def requests_over_hold(hold: Hold) -> list[dict[str, Any]]:
    """For the hold's page: the download requests (open, or released for) that use its footage."""
    released = {r.request_id: r for r in hold.releases.exclude(request=None).select_related("released_by")}
    rows = []
    candidates = DownloadRequest.objects.filter(school_id=hold.school_id, cameras__in=hold.cameras.all())
    candidates = candidates.filter(start__lt=hold.end, end__gt=hold.start).distinct().order_by("pk")
    for req in candidates:
        release = released.get(req.pk)
        if release is not None or (
            req.status in OPEN_REQUESTS and hold.released_at is None and hold in holds_over_request(req)
        ):
            rows.append({"req": req, "release": release})
    return rows


def redactions_over_hold(hold: Hold) -> list[dict[str, Any]]:
    """For the hold's page: redactions in progress whose master it covers, and those released for."""
    released = {
        r.redaction_id: r for r in hold.releases.exclude(redaction=None).select_related("released_by")
    }
    candidates = Redaction.objects.filter(
        school_id=hold.school_id, camera__in=hold.cameras.all(), start__lt=hold.end, end__gt=hold.start
    ).select_related("camera", "created_by")
    rows = []
    for redaction in candidates.order_by("pk"):
        release = released.get(redaction.pk)
        if release is not None or (
            redaction.status in OPEN_REDACTIONS
            and hold.released_at is None
            and hold in redaction_holds(hold.school_id, _master(redaction))
        ):
            rows.append({"redaction": redaction, "release": release})
    return rows


def _master(redaction: Redaction) -> list[Segment]:
    return list(Segment.objects.filter(pk__in=[s["id"] for s in redaction.segments]))
