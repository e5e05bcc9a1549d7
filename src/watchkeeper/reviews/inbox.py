"""What waits on a person in this app (core/registry.py): their own acknowledgement of the policy in force
(3.3, shown as a banner too), the policy's review and versions awaiting approval for the DPO and the board
(18.1, 3.1), and camera and DPIA reviews coming due for the people who review them (18.1)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from watchkeeper.core.actors import is_person
from watchkeeper.core.dates import uk_date
from watchkeeper.core.permissions import can, holds_any
from watchkeeper.core.registry import InboxItem
from watchkeeper.reviews import due, pause, reminders
from watchkeeper.reviews.models import PolicyVersion
from watchkeeper.reviews.services import APPROVE, CAMERA_REVIEW, MANAGE, trust_of


def to_acknowledge(user: Any, now: datetime) -> Iterator[InboxItem]:
    if not is_person(user):
        return
    found = pause.in_force(user, timezone.localdate(now))
    if not found.asks or found.version is None:
        return
    v = found.version
    pause_on = due.pause_from(v.effective_on, v.grace_days)
    yield InboxItem(
        key=f"reviews.acknowledge:{v.pk}",
        title=(
            f"Read and acknowledge version {v.version} of the CCTV policy: until you do, from "
            f"{uk_date(pause_on)} you may not handle footage (3.3)"
        ),
        url=reverse("reviews:acknowledge"),
        due=reminders.start_of(pause_on),
        due_on=pause_on,
        group="Registers",
        reference=f"CCTV policy {v.version}",
        banner=True,
    )


def policy_reviews(user: Any, now: datetime) -> Iterator[InboxItem]:
    manages, approves = can(user, MANAGE, None), can(user, APPROVE, None)
    if not (manages or approves):
        return
    trust_id = trust_of(user)
    if trust_id is None:
        return
    today = timezone.localdate(now)
    if approves:
        for v in PolicyVersion.objects.filter(trust_id=trust_id, approved_at__isnull=True):
            yield InboxItem(
                key=f"reviews.approve:{v.pk}",
                title=f"Approve version {v.version} of the CCTV policy for the board (3.1)",
                url=reverse("reviews:policy_list"),
                due=reminders.start_of(v.effective_on),
                due_on=v.effective_on,
                group="Registers",
                reference=f"CCTV policy {v.version}",
            )
    review = reminders.policy_review(trust_id, today)
    if reminders.soon(review.due_on, today):
        why = f": {review.triggers[0].reason[:80]}" if review.triggers else ""
        yield InboxItem(
            key=f"reviews.policy_review:{trust_id}:{review.due_on.isoformat()}",
            title=f"Review the CCTV policy{why} (18.1)",
            url=reverse("reviews:policy_list"),
            due=reminders.start_of(review.due_on),
            due_on=review.due_on,
            group="Registers",
            reference="CCTV policy review",
        )


def camera_and_dpia_reviews(user: Any, now: datetime) -> Iterator[InboxItem]:
    if not holds_any(user, CAMERA_REVIEW):
        return
    today = timezone.localdate(now)
    for camera, due_on in reminders.cameras_due(user, CAMERA_REVIEW, today):
        yield InboxItem(
            key=f"reviews.camera:{camera.pk}:{due_on.isoformat()}",
            title=f"Yearly review of the {camera.name} camera: is it still necessary? (18.1)",
            url=reverse("reviews:camera_review_record", args=[camera.pk]),
            due=reminders.start_of(due_on),
            due_on=due_on,
            school=camera.school.name,
            group="Registers",
            reference=f"Camera review {camera.pk}",
        )
    for dpia in reminders.dpias_due(user, CAMERA_REVIEW, today):
        assert dpia.next_review_on is not None  # dpias_due filters on it
        yield InboxItem(
            key=f"reviews.dpia:{dpia.pk}:{dpia.next_review_on.isoformat()}",
            title=f"Review the DPIA “{dpia.title}” (18.1)",
            url=reverse("compliance:dpia_detail", args=[dpia.pk]),
            due=reminders.start_of(dpia.next_review_on),
            due_on=dpia.next_review_on,
            school=dpia.school.name,
            group="Registers",
            reference=f"DPIA {dpia.pk}",
        )
