"""What is due for review, for the inbox and the dashboard (18.1): the policy (yearly, or sooner on a
recorded trigger), versions awaiting the board's approval (3.1), cameras (yearly, Surveillance Camera Code
principle 2) and DPIAs (their `next_review_on`, set when the DPO approves one). Reminders start
REMIND_DAYS before the date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from watchkeeper.compliance.models import DPIA, DPIAStatus
from watchkeeper.core.actors import Actor
from watchkeeper.core.permissions import restrict
from watchkeeper.estate.models import Camera, CameraStatus
from watchkeeper.reviews import due
from watchkeeper.reviews.models import CameraReview, PolicyVersion, ReviewTrigger

REMIND_DAYS = 30


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def soon(day: date, today: date) -> bool:
    return day <= today + timedelta(days=REMIND_DAYS)


@dataclass(frozen=True)
class PolicyReview:
    due_on: date
    current: PolicyVersion | None
    triggers: list[ReviewTrigger]


def policy_review(trust_id: int, today: date) -> PolicyReview:
    """When the trust's policy is next reviewed, and why (18.1)."""
    current = (
        PolicyVersion.objects.filter(trust_id=trust_id, approved_at__isnull=False, effective_on__lte=today)
        .order_by("-effective_on", "-approved_at")
        .first()
    )
    triggers = ReviewTrigger.objects.filter(trust_id=trust_id)
    if current is not None:
        triggers = triggers.filter(recorded_at__gte=current.approved_at)
    found = list(triggers)
    approved = timezone.localdate(current.approved_at) if current and current.approved_at else None
    return PolicyReview(due.policy_review_due(approved, [t.review_by for t in found], today), current, found)


def cameras_due(user: Actor, action: str, today: date) -> list[tuple[Camera, date]]:
    """Cameras in service whose yearly review is due within REMIND_DAYS, the nearest first."""
    latest = CameraReview.objects.filter(camera=OuterRef("pk")).order_by("-at").values("next_review_on")[:1]
    cameras: QuerySet[Camera] = restrict(
        Camera.objects.exclude(status=CameraStatus.DECOMMISSIONED).select_related("school"), user, action
    ).annotate(next_on=Subquery(latest))
    dues = [(c, due.camera_review_due(c.next_on, timezone.localdate(c.created_at))) for c in cameras]  # type: ignore[attr-defined]
    return sorted([(c, d) for c, d in dues if soon(d, today)], key=lambda pair: pair[1])


def dpias_due(user: Actor, action: str, today: date) -> list[DPIA]:
    """Approved DPIAs whose review date (compliance's own) is within REMIND_DAYS."""
    found = restrict(DPIA.objects.select_related("school"), user, action).filter(
        status=DPIAStatus.APPROVED, next_review_on__lte=today + timedelta(days=REMIND_DAYS)
    )
    return list(found.order_by("next_review_on"))
