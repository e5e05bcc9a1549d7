"""The sealed packages of the clips given as copies or stills, asked for through the evidence workflow
(9.5): one download request a clip — its own camera and window, so a case of several windows never sends
the footage between them — which the Headteacher or a designated person authorises there. Other people are
obscured by the clip's approved redaction (10.4.1), unless the Headteacher released the clip unredacted
(10.4.2, 10.4.3); a still (10.3) is the frame of the one scene the requester appears in, alone.

One response, one password (11.6): the case's packages awaiting authorisation are authorised together
(`authorise_response`) with one fresh code, and every package of that response opens with the same
password — the school gives the requester one password, however many files."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction

from watchkeeper.core.actors import Actor
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import refuse_if
from watchkeeper.core.transitions import lock_in_state
from watchkeeper.recording.models import Segment
from watchkeeper.redaction.models import Redaction
from watchkeeper.subjectaccess.models import (
    Clip,
    OtherPersonBasis,
    Provision,
    SubjectAccessRequest,
    UnredactedRelease,
)
from watchkeeper.subjectaccess.services.closing import CLOSABLE, response_problems
from watchkeeper.subjectaccess.services.common import LEGAL_BASIS, audit, handler
from watchkeeper.viewing.models import ReasonCategory

if TYPE_CHECKING:
    from watchkeeper.evidence.models import DownloadRequest

COPIES = [Provision.COPY, Provision.STILL]


def unpackaged(case: SubjectAccessRequest) -> list[Clip]:
    """The clips given as copies or stills whose package has not been asked for yet."""
    return list(
        case.clips.filter(provision__in=COPIES, download_request=None)
        .select_related("camera", "release")
        .prefetch_related("others__redaction")
    )


@enforces("10.2", "10.3", "10.4.1", "10.4.2", "10.4.3")
def package_problems(case: SubjectAccessRequest) -> list[str]:
    clips = unpackaged(case)
    problems = []
    if not case.clips.filter(provision__in=COPIES).exists():
        problems.append("10.3: no clip is to be provided as a copy or a still — nothing to package")
    elif not clips:
        problems.append(f"10.2: every copy and still of {case.reference} has its download request already")
    for clip in clips:
        problems += _clip_problems(clip)
    return problems + response_problems(case)


def _clip_problems(clip: Clip) -> list[str]:
    if clip.provision == Provision.STILL and _still_segment(clip) is None:
        return [f"10.3: clip {clip.pk}: there is no recorded footage at the still's moment"]
    if clip.provision == Provision.STILL or clip.only_requester:
        return []  # the reviewer attested that only the requester appears (clips.clip_problems)
    if clip.others.filter(basis=OtherPersonBasis.REDACTED).exists():
        return _redactions(clip)[1]
    release = _release(clip)
    if release is None:
        return [
            f"10.4: clip {clip.pk}: nobody in it is obscured by redaction — the Headteacher decides "
            "whether it may leave unredacted (every other person consented or a para 16 decision) first"
        ]
    if not release.complete:
        return [
            f"10.4.3: clip {clip.pk}: a child appears in it — the DPO signs the unredacted release off first"
        ]
    return []


@enforces("9.5", "10.3", "10.4.1")
def request_package(actor: Actor, case: SubjectAccessRequest, *, now: datetime) -> list[DownloadRequest]:
    """Ask, through the evidence workflow (9.5), for the sealed package of each clip given as a copy or a
    still that has none yet."""
    person = handler(actor, case.school_id)
    with transaction.atomic():
        # Checked on the locked row: two requests at once make one package a clip.
        lock_in_state(case, CLOSABLE, f"10.2: {case.reference} is closed — nothing more can be done")
        refuse_if(package_problems(case))
        asked = []
        for clip in unpackaged(case):
            download = _ask(person, case, clip, now)
            clip.download_request = download
            clip.save(update_fields=["download_request"])
            audit("package_requested", person, case, clip=clip.pk, download_request=download.pk)
            asked.append(download)
    return asked


def awaiting_authorisation(case: SubjectAccessRequest) -> list[DownloadRequest]:
    """The case's download requests not yet decided, in the order of their clips."""
    from watchkeeper.evidence.models import DownloadRequest, RequestStatus

    ids = case.clips.exclude(download_request=None).values("download_request")
    asked = DownloadRequest.objects.filter(pk__in=ids, status=RequestStatus.REQUESTED)
    return list(asked.select_related("school").order_by("pk"))


@enforces("9.5", "11.6", "Appendix I")
def authorise_response(
    actor: Actor, case: SubjectAccessRequest, *, code: str, note: str = "", now: datetime
) -> list[Any]:
    """The Headteacher (or a nominated alternate) authorises every package of the response awaiting
    authorisation at once: one fresh code, one password for them all (evidence.approve_together). Each
    stays its own package and its own CCTV log row (Appendix I). Returns evidence's `Decided` for each."""
    from watchkeeper.evidence import services as evidence

    return evidence.approve_together(  # type: ignore[attr-defined,no-any-return]
        actor, awaiting_authorisation(case), otp_code=code, note=note, now=now
    )


def _ask(person: Any, case: SubjectAccessRequest, clip: Clip, now: datetime) -> DownloadRequest:
    from watchkeeper.evidence import services as evidence  # the evidence workflow imports viewing too

    still = clip.provision == Provision.STILL
    # A still's window is the segment holding its moment, as the player asks for one (evidence "Stills").
    segment = _still_segment(clip) if still else None
    start, end = (segment.start, segment.end) if segment else (clip.start, clip.end)
    released = not clip.only_requester and _release(clip) is not None and not _redactions(clip)[0]
    # The reason travels in the package's manifest: it names no one (the decisions stay in the case).
    what = "a still image" if still else "an unredacted copy (10.4.2, 10.4.3)" if released else "a copy"
    return evidence.request_download(  # type: ignore[attr-defined]
        person,
        school=case.school,
        cameras=[clip.camera],
        start=start,
        end=end,
        purpose="subject_access",
        reason_category=ReasonCategory.SUBJECT_ACCESS,
        reason=f"{case.reference}, clip {clip.pk}: {what} for the requester under UK GDPR Art 15 "
        "(10.3, 10.4)",
        recipient_name=case.requester_name,
        legal_basis=LEGAL_BASIS,
        case_reference=case.reference,
        redaction=None if released or clip.only_requester else _redactions(clip)[0],
        only_requester_appears=clip.only_requester,
        unredacted_release=released,
        still_at=clip.still_at if still else None,
        now=now,
    )


def _still_segment(clip: Clip) -> Segment | None:
    moment = clip.still_at
    if moment is None:
        return None
    return Segment.objects.filter(camera=clip.camera, start__lte=moment, end__gt=moment).first()


def _release(clip: Clip) -> UnredactedRelease | None:
    return UnredactedRelease.objects.filter(clip=clip).first()


def _redactions(clip: Clip) -> tuple[Redaction | None, list[str]]:
    """The redaction the clip's package carries instead of the master: one package, one redacted copy."""
    redactions = {o.redaction for o in clip.others.all() if o.basis == OtherPersonBasis.REDACTED}
    if len(redactions) > 1:
        return None, [
            f"10.4.1: clip {clip.pk}: its other people are obscured by different redactions — one package "
            "carries one redacted copy; record them against one redaction of the clip"
        ]
    return (redactions.pop() if redactions else None), []
