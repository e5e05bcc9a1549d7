"""The outcome per clip (10.2, 10.3): what the review found on one camera and window, what the requester
is given for it, and the in-school viewing once it has taken place (entered in the register, 11.1)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from watchkeeper.core.actors import Actor
from watchkeeper.core.clauses import enforces
from watchkeeper.core.dates import uk_window
from watchkeeper.core.errors import refuse_if
from watchkeeper.core.transitions import lock_in_state
from watchkeeper.disclosures.services import record_disclosure
from watchkeeper.estate.models import Camera
from watchkeeper.recording import coverage
from watchkeeper.subjectaccess.models import Attestation, Clip, Provision, SubjectAccessRequest
from watchkeeper.subjectaccess.services.common import LEGAL_BASIS, audit, failing, handler, lock_live
from watchkeeper.subjectaccess.services.review import review_approved


@enforces("10.2", "10.3")
def record_clip(
    actor: Actor,
    case: SubjectAccessRequest,
    *,
    camera: Camera,
    start: datetime,
    end: datetime,
    only_requester: bool,
    provision: str,
    appointment_at: datetime | None = None,
    still_at: datetime | None = None,
    attended_by: str = "",
    note: str = "",
    now: datetime,
) -> Clip:
    person = handler(actor, case.school_id)
    still = provision == Provision.STILL
    clip = Clip(
        case=case,
        camera=camera,
        start=start,
        end=end,
        only_requester=only_requester,
        provision=provision,
        appointment_at=appointment_at if provision == Provision.VIEWING else None,
        still_at=still_at if still else None,
        attended_by=attended_by.strip(),
        note=note.strip(),
        decided_by=person,
        decided_at=now,
    )
    with transaction.atomic():
        lock_live(case)
        clip.attestation = covering_attestation(clip) if only_requester else None
        # issue 15 §2: a clip with nothing recorded in it is refused now, not when its package fails.
        refuse_if(clip_problems(clip) or _footage_problems(clip))
        clip.save()
        audit(
            "clip_decided",
            person,
            case,
            reason=clip.note,
            clip=clip.pk,
            camera=camera.pk,
            start=start.isoformat(),
            end=end.isoformat(),
            only_requester=only_requester,
            provision=provision,
            appointment_at=clip.appointment_at.isoformat() if clip.appointment_at else None,
            still_at=clip.still_at.isoformat() if clip.still_at else None,
            attestation=clip.attestation_id,
        )
    return clip


def _footage_problems(clip: Clip) -> list[str]:
    """A clip that gives the requester something (a copy, a still, a viewing) needs recorded footage in its
    window; "the requester does not appear" is a true answer for a camera that recorded nothing."""
    if clip.provision == Provision.NOT_FOUND:
        return []
    return coverage.footage_problems("10.2", [clip.camera], clip.start, clip.end)


def covering_attestation(clip: Clip) -> Attestation | None:
    """The reviewer's attestation that only the requester appears on the clip's camera over its window."""
    return (
        clip.case.attestations.filter(camera=clip.camera, start__lte=clip.start, end__gte=clip.end)
        .order_by("pk")
        .first()
    )


@enforces("10.2", "10.3")
def clip_problems(clip: Clip) -> list[str]:
    """What stops the (unsaved) clip being recorded as the case's outcome for its camera and window."""
    case, viewing, still = clip.case, clip.provision == Provision.VIEWING, clip.provision == Provision.STILL
    return failing(
        (
            not review_approved(case),
            "10.2: the footage is reviewed by an approved user under an approved viewing authorisation "
            "first — ask for the review",
        ),
        (
            not case.cameras.filter(pk=clip.camera_id).exists(),
            "10.2: the clip must come from one of the case's cameras",
        ),
        (clip.end <= clip.start, "10.2: the clip's end must be after its start"),
        (
            clip.start < clip.end
            and not any(w.start <= clip.start and clip.end <= w.end for w in case.windows()),
            "10.2: the clip must lie inside one of the case's windows (the footage held for it)",
        ),
        (clip.provision not in Provision.values, "10.3: choose what the requester is given"),
        (
            viewing and not clip.only_requester,
            "10.3: viewing in school is strictly limited to footage that shows only the requester — "
            "where others appear, provide a redacted copy (10.4.1)",
        ),
        (viewing and clip.appointment_at is None, "10.3: give the date and time of the viewing appointment"),
        (
            still and not clip.only_requester,
            "10.3: a still is given only where the requester alone appears in the scene — where others "
            "appear, provide a redacted copy (10.4.1)",
        ),
        (
            still and (clip.still_at is None or not clip.start <= clip.still_at < clip.end),
            "10.3: give the moment of the still, inside the clip",
        ),
        (
            clip.only_requester and clip.attestation is None,
            '10.3: "only the requester appears" needs the word of the reviewer who watched this camera '
            "over this whole clip — they record it under SAR reviews (a detector cannot prove nobody else "
            "is there)",
        ),
    )


@enforces("10.3", "R24")
def record_viewing_held(
    actor: Actor, clip: Clip, *, attended_by: str, held_at: datetime, now: datetime
) -> Clip:
    """The in-school viewing (10.3) took place: who was present, and the disclosure it was entered in the
    register (11.1) — it left no evidence package, so the evidence app cannot show it there."""
    case = clip.case
    person = handler(actor, case.school_id)
    with transaction.atomic():
        # Recorded once: two people recording the same viewing must not enter two disclosures.
        lock_in_state(clip, [""], "10.3: this viewing is recorded already", field="attended_by")
        refuse_if(
            failing(
                (
                    clip.provision != Provision.VIEWING,
                    "10.3: this clip was not offered as a viewing in school",
                ),
                (
                    not attended_by.strip(),
                    "10.3: record who was present at the viewing (the requester and the member of staff)",
                ),
                (held_at > now, "10.3: a viewing cannot be recorded before it takes place"),
            )
        )
        clip.attended_by, clip.appointment_at = attended_by.strip(), held_at
        clip.save(update_fields=["attended_by", "appointment_at"])
        record_disclosure(
            person,
            school=case.school,
            recipient_name=case.requester_name,
            recipient_organisation="",
            what=f"In-school viewing (10.3): {clip.camera.name}, {uk_window(clip.start, clip.end)}",
            legal_basis=LEGAL_BASIS,
            authorised_by=person,
            disclosed_at=held_at,
            now=now,
            reference=case.reference,
            reason="Subject access request (UK GDPR Art 15): the requester appears alone (10.3)",
        )
        audit("viewing_held", person, case, clip=clip.pk, held_at=held_at.isoformat())
    return clip
