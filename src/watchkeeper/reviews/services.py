"""Every change to policy versions, review triggers, acknowledgements and camera reviews (18.1, 3.1, 3.3):
each takes the actor and `now`, checks permission, and audits in the same transaction."""

from __future__ import annotations

from datetime import date, datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from watchkeeper.audit.services import record
from watchkeeper.compliance import files
from watchkeeper.core.actors import Actor, is_system, person_or_none
from watchkeeper.core.auditing import audit_about
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import refuse
from watchkeeper.core.permissions import require
from watchkeeper.estate import services as estate
from watchkeeper.estate.models import Camera, CameraStatus, Trust
from watchkeeper.people.models import StaffProfile
from watchkeeper.reviews import due, pause
from watchkeeper.reviews.models import Acknowledgement, CameraReview, PolicyVersion, ReviewTrigger

MANAGE = "reviews.policy_manage"
APPROVE = "reviews.policy_approve"
CAMERA_REVIEW = "reviews.camera_review"


def trust_of(actor: Actor) -> int | None:
    """The trust a member of staff works for (their staff profile)."""
    person = person_or_none(actor)
    if person is None:
        return None
    return StaffProfile.objects.filter(user=person).values_list("trust_id", flat=True).first()


def _same_trust(actor: Actor, trust_id: int, clause: str) -> None:
    if not is_system(actor) and trust_of(actor) != trust_id:
        raise refuse(clause, "this is another trust's policy")


@enforces("18.1", "9.1")
def upload_version(
    actor: Actor,
    trust: Trust,
    version: str,
    upload: UploadedFile,
    effective_on: date,
    *,
    summary: str = "",
    grace_days: int = 14,
    now: datetime,
) -> PolicyVersion:
    """A new version of the CCTV policy, sealed like every compliance upload; it needs the board's
    approval (3.1) before it is in force."""
    require(actor, MANAGE, None)
    _same_trust(actor, trust.pk, "18.1")
    if PolicyVersion.objects.filter(trust=trust, version=version.strip()).exists():
        raise refuse("18.1", f"version {version} is already on record", "give the new version its own number")
    sealed = files.seal_upload(None, upload, now, clause="18.1", trust_id=trust.pk)
    try:
        with transaction.atomic():
            sealed.save()
            found = PolicyVersion.objects.create(
                trust=trust,
                version=version.strip(),
                document=sealed,
                effective_on=effective_on,
                grace_days=grace_days,
                summary=summary.strip(),
                uploaded_by=person_or_none(actor),
                uploaded_at=now,
            )
            details = {
                "version": found.version,
                "effective_on": effective_on.isoformat(),
                "grace": grace_days,
            }
            record("reviews.policy_uploaded", actor=actor, obj=found, details=details)
    except BaseException:
        files.forget(sealed)
        raise
    return found


@enforces("3.1")
def approve_version(actor: Actor, version: PolicyVersion, *, now: datetime) -> PolicyVersion:
    """The board sets the policy (3.1): a board member records its approval."""
    require(actor, APPROVE, None)
    _same_trust(actor, version.trust_id, "3.1")
    if version.approved_at is not None:
        raise refuse("3.1", f"version {version.version} is already approved")
    with transaction.atomic():
        version.approved_by, version.approved_at = person_or_none(actor), now
        version.save(update_fields=["approved_by", "approved_at"])
        record("reviews.policy_approved", actor=actor, obj=version, details={"version": version.version})
    return version


@enforces("18.1")
def record_trigger(
    actor: Actor, trust: Trust, reason: str, review_by: date, *, now: datetime
) -> ReviewTrigger:
    """Legislation or guidance changed: the policy is reviewed by `review_by`, sooner than its year (18.1)."""
    require(actor, MANAGE, None)
    _same_trust(actor, trust.pk, "18.1")
    if not reason.strip():
        raise refuse("18.1", "say what changed", "name the legislation or guidance")
    if review_by < timezone.localdate(now):
        raise refuse("18.1", "the review date is in the past")
    with transaction.atomic():
        trigger = ReviewTrigger.objects.create(
            trust=trust,
            reason=reason.strip(),
            review_by=review_by,
            recorded_by=person_or_none(actor),
            recorded_at=now,
        )
        record(
            "reviews.trigger_recorded",
            actor=actor,
            obj=trigger,
            reason=trigger.reason,
            details={"review_by": review_by.isoformat()},
        )
    return trigger


@enforces("3.3")
def acknowledge(actor: Actor, version: PolicyVersion, *, now: datetime) -> Acknowledgement:
    """A member of staff acknowledges the version they have read (3.3). Again is harmless."""
    person = person_or_none(actor)
    if person is None:
        raise refuse("3.3", "only a member of staff acknowledges the policy")
    _same_trust(actor, version.trust_id, "3.3")
    if version.approved_at is None:
        raise refuse("3.3", "this version is not yet approved by the board")
    with transaction.atomic():
        ack, created = Acknowledgement.objects.get_or_create(
            version=version, user=person, defaults={"at": now}
        )
        if created:
            record(
                "reviews.policy_acknowledged", actor=actor, obj=version, details={"version": version.version}
            )
    pause.forget(person)
    return ack


@enforces("18.1", "13.1")
def record_camera_review(
    actor: Actor, camera: Camera, still_necessary: bool, notes: str, *, now: datetime
) -> CameraReview:
    """The yearly review of a camera (Surveillance Camera Code principle 2): still necessary for its
    purposes? A camera found no longer necessary is decommissioned in the same transaction (recording
    stops: without a purpose it has no lawful basis), and the CCTV administrator is asked in their inbox
    to erase its recordings before disposal (13.1; recording/inbox.py). design/reviews.md says why."""
    require(actor, CAMERA_REVIEW, camera.school_id)
    if not notes.strip():
        raise refuse("18.1", "say why the camera is, or is no longer, necessary for its purposes")
    if camera.status == CameraStatus.DECOMMISSIONED:
        raise refuse("18.1", f"{camera.name} is decommissioned already: there is nothing to review")
    with transaction.atomic():
        review = CameraReview.objects.create(
            camera=camera,
            still_necessary=still_necessary,
            notes=notes.strip(),
            by=person_or_none(actor),
            at=now,
            next_review_on=due.year_after(timezone.localdate(now)),
        )
        audit_about(
            "reviews.camera_reviewed", actor, camera, reason=review.notes, still_necessary=still_necessary
        )
        if not still_necessary:
            reason = f"Yearly review: no longer necessary for its purposes. {review.notes}"
            estate.decommission_unnecessary(actor, camera, reason, today=timezone.localdate(now))
    return review


def latest_reviews(cameras: QuerySet[Camera]) -> dict[int, CameraReview]:
    """Each camera's latest review (one query)."""
    found: dict[int, CameraReview] = {}
    for review in (
        CameraReview.objects.filter(camera__in=cameras).select_related("by").order_by("camera", "-at")
    ):
        found.setdefault(review.camera_id, review)
    return found
