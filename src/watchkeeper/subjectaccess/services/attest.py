""" "Only the requester appears" (10.3) as the word of the reviewer who watched it: a detector cannot prove
that nobody else is in the footage, so the reviewer who played every recorded segment of the camera and
window, under the case's approved review, says so, and is named with the time and the footage. A viewing in
school, a still, or a copy without redaction of footage showing the requester alone rests on it."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.actors import Actor, Person
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import refuse_if
from watchkeeper.estate.models import Camera
from watchkeeper.recording.models import Segment
from watchkeeper.subjectaccess.models import Attestation, SubjectAccessRequest
from watchkeeper.subjectaccess.services.common import REVIEW, audit, failing, handler, lock_live
from watchkeeper.viewing import reviews
from watchkeeper.viewing.models import ViewingAuthorisation
from watchkeeper.viewing.services import SERVED


@enforces("10.2", "10.3")
def attest_only_requester(
    actor: Actor,
    case: SubjectAccessRequest,
    *,
    camera: Camera,
    start: datetime,
    end: datetime,
    note: str = "",
    now: datetime,
) -> Attestation:
    """The reviewer who watched `camera` from `start` to `end` records that only the requester appears."""
    person = handler(actor, case.school_id, REVIEW)
    with transaction.atomic():
        lock_live(case)
        auth = watching_authorisation(case, person, camera, start, end)
        refuse_if(attestation_problems(case, person, camera, start, end, auth))
        assert auth is not None
        attestation = Attestation.objects.create(
            case=case,
            camera=camera,
            start=start,
            end=end,
            authorisation=auth,
            note=note.strip(),
            attested_by=person,
            attested_at=now,
        )
        audit(
            "only_requester_attested",
            person,
            case,
            reason=attestation.note,
            attestation=attestation.pk,
            camera=camera.pk,
            start=start.isoformat(),
            end=end.isoformat(),
            authorisation=auth.pk,
        )
    return attestation


def watching_authorisation(
    case: SubjectAccessRequest, person: Person, camera: Camera, start: datetime, end: datetime
) -> ViewingAuthorisation | None:
    """The case's approved review authorisation of `person` that covers the camera and window, if any."""
    for window in case.windows():
        auth = window.review
        if (
            reviews.review_approved(auth)
            and auth is not None
            and auth.requested_by_id == person.pk
            and auth.start <= start
            and end <= auth.end
            and auth.cameras.filter(pk=camera.pk).exists()
        ):
            return auth
    return None


@enforces("10.2", "10.3")
def attestation_problems(
    case: SubjectAccessRequest,
    person: Person,
    camera: Camera,
    start: datetime,
    end: datetime,
    auth: ViewingAuthorisation | None,
) -> list[str]:
    problems = failing(
        (not case.cameras.filter(pk=camera.pk).exists(), "10.2: choose one of the case's cameras"),
        (end <= start, "10.2: the end must be after the start"),
        (
            auth is None,
            "10.3: only the reviewer who watched this footage, under the case's approved review, can say "
            "that only the requester appears — ask for the review under SAR reviews",
        ),
    )
    if problems:
        return problems
    assert auth is not None
    segments = {
        str(pk)
        for pk in Segment.objects.filter(camera=camera, start__lt=end, end__gt=start).values_list(
            "pk", flat=True
        )
    }
    if not segments:
        return ["10.3: there is no recorded footage of that camera in that window to watch"]
    unwatched = segments - watched(person, auth)
    return failing(
        (
            bool(unwatched),
            f"10.3: watch all of it first — {len(unwatched)} of the {len(segments)} recording files of "
            f"that window have not been played to you under footage request #{auth.pk}",
        )
    )


def watched(person: Person, auth: ViewingAuthorisation) -> set[str]:
    """The segments played to `person` under `auth`: viewing audits every segment it serves (9.2)."""
    served = AuditEvent.objects.filter(
        action=SERVED, actor=person, object_type="recording.segment", details__authorisation=auth.pk
    ).values_list("object_id", flat=True)
    return set(served)
