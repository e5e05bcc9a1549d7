"""The sealed package of the clips given as copies, asked for through the evidence workflow (9.5): the
Headteacher or a designated person authorises it there; other people are obscured by the approved
redaction (10.4.1)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction

from watchkeeper.core.actors import Actor
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.transitions import lock_in_state
from watchkeeper.redaction.models import Redaction
from watchkeeper.subjectaccess.models import (
    Clip,
    OtherPerson,
    OtherPersonBasis,
    Provision,
    SubjectAccessRequest,
)
from watchkeeper.subjectaccess.services.closing import CLOSABLE, response_problems
from watchkeeper.subjectaccess.services.common import LEGAL_BASIS, audit, handler, refuse_if
from watchkeeper.viewing.models import ReasonCategory

if TYPE_CHECKING:
    from watchkeeper.evidence.models import DownloadRequest

COPIES = [Provision.COPY, Provision.STILL]


@enforces("10.2", "10.3")
def package_problems(case: SubjectAccessRequest) -> list[str]:
    problems = []
    if case.download_request_id is not None:
        problems.append(
            f"10.2: {case.reference} already has a download request (#{case.download_request_id})"
        )
    if not case.clips.filter(provision__in=COPIES).exists():
        problems.append("10.3: no clip is to be provided as a copy — nothing to package")
    return problems + response_problems(case)


@enforces("9.5", "10.4.1")
def request_package(actor: Actor, case: SubjectAccessRequest, *, now: datetime) -> DownloadRequest:
    """Ask, through the evidence workflow (9.5), for the sealed package of the clips given as copies."""
    from watchkeeper.evidence import services as evidence  # the evidence workflow imports viewing too

    person = handler(actor, case.school_id)
    with transaction.atomic():
        # One package per case: checked on the locked row, so two requests at once make one.
        lock_in_state(case, CLOSABLE, f"10.2: {case.reference} is closed — nothing more can be done")
        refuse_if(package_problems(case))
        clips = list(case.clips.filter(provision__in=COPIES).select_related("camera"))
        download = evidence.request_download(  # type: ignore[attr-defined]
            person,
            school=case.school,
            cameras=sorted({c.camera for c in clips}, key=lambda c: c.pk),
            start=min(c.start for c in clips),
            end=max(c.end for c in clips),
            purpose="subject_access",
            reason_category=ReasonCategory.SUBJECT_ACCESS,
            reason=f"{case.reference}: copy for the requester under UK GDPR Art 15 (10.3, 10.4)",
            recipient_name=case.requester_name,
            legal_basis=LEGAL_BASIS,
            case_reference=case.reference,
            redaction=_one_redaction(clips),
            only_requester_appears=all(c.only_requester for c in clips),
            now=now,
        )
        case.download_request = download
        case.save(update_fields=["download_request"])
        audit("package_requested", person, case, download_request=download.pk)
    return download


def _one_redaction(clips: list[Clip]) -> Redaction | None:
    """The redaction the package carries instead of the master, if any: one package, one redacted copy."""
    redactions = list(
        Redaction.objects.filter(
            pk__in=OtherPerson.objects.filter(clip__in=clips, basis=OtherPersonBasis.REDACTED).values(
                "redaction"
            )
        )
    )
    if len(redactions) > 1:
        raise PolicyRefusal(
            "10.4.1: one package carries one redacted copy — these clips use different redactions; "
            "record one clip per package"
        )
    return redactions[0] if redactions else None
