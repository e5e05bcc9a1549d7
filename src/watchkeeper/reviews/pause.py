"""The pause (3.3): a person who has not acknowledged the CCTV policy version in force, once its grace
period is over, may not handle footage until they do. The kernel asks `refusal_for` through its one hook
(core/permissions.py, `add_pause_check`) whenever a footage action is required.

One query per person per request at most: the answer is kept on the user object, which Django makes
afresh for each request (request.user); acknowledging clears it (`forget`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef
from django.utils import timezone

from watchkeeper.core.actors import Person, is_person
from watchkeeper.core.dates import uk_date
from watchkeeper.core.errors import Refusal
from watchkeeper.reviews import due
from watchkeeper.reviews.models import Acknowledgement, PolicyVersion

CACHE = "_watchkeeper_policy_in_force"


@dataclass(frozen=True)
class InForce:
    """The version in force for a person's trust on `today`, and whether they have acknowledged it."""

    today: date
    version: PolicyVersion | None
    acknowledged: bool

    @property
    def asks(self) -> bool:
        return self.version is not None and not self.acknowledged

    def paused(self) -> bool:
        v = self.version
        return v is not None and due.paused(v.effective_on, v.grace_days, self.acknowledged, self.today)


def in_force(user: Person, today: date) -> InForce:
    """One query: the newest approved version in effect for the user's trust, with their acknowledgement."""
    cached: InForce | None = user.__dict__.get(CACHE)
    if cached is not None and cached.today == today:
        return cached
    mine = Acknowledgement.objects.filter(version=OuterRef("pk"), user=user)
    version = (
        PolicyVersion.objects.filter(
            trust__staff__user=user, approved_at__isnull=False, effective_on__lte=today
        )
        .annotate(acked=Exists(mine))
        .order_by("-effective_on", "-approved_at")
        .first()
    )
    found = InForce(today, version, bool(version and version.acked))  # type: ignore[attr-defined]
    user.__dict__[CACHE] = found
    return found


def forget(user: Person) -> None:
    user.__dict__.pop(CACHE, None)


def refusal_for(user: Person) -> Refusal | None:
    """The kernel's pause check: why this person may not handle footage now, or None."""
    if not is_person(user):
        return None
    found = in_force(user, timezone.localdate())
    if not found.paused() or found.version is None:
        return None
    v = found.version
    return Refusal(
        "3.3",
        f"you have not yet acknowledged version {v.version} of the CCTV policy, in force since "
        f"{uk_date(v.effective_on)}, and its {v.grace_days}-day grace period is over",
        "read and acknowledge it on the “CCTV policy” page, then try again",
    )
