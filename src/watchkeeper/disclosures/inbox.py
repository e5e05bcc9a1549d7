"""What waits on a person in this app (core/registry.py, issue 15 §3): police and outside-body requests to
decide (11.3, 11.5), approved reviews whose finding is still to record (11.3, 10.2), and the requests a school
referred to the DPO for advice (11.5), and FOI requests for CCTV images to answer by their statutory
deadline (11.7; FOIA s10)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.urls import reverse

from watchkeeper.core.permissions import restrict
from watchkeeper.core.registry import InboxItem
from watchkeeper.disclosures.models import DisclosureRequest, FOIRequest, RequestStatus
from watchkeeper.disclosures.services.flags import referred_to_dpo
from watchkeeper.disclosures.services.foi import foi_deadline
from watchkeeper.notices import deciding
from watchkeeper.notices.deciding import decision_due
from watchkeeper.people import deciders
from watchkeeper.viewing.models import Status

PENDING = DisclosureRequest.objects.filter(status=RequestStatus.PENDING)


def _what(req: DisclosureRequest) -> str:
    return "police request" if req.is_police else "outside-body request"


def _item(req: DisclosureRequest, task: str, title: str, url: str, due: datetime | None) -> InboxItem:
    """A task on one disclosure request: keyed by the task and the request, grouped with the requests."""
    return InboxItem(
        key=f"disclosures.{task}:{req.pk}",
        title=title,
        url=url,
        due=due,
        school=req.school.name,
        group="Requests",
        reference=f"Disclosure request {req.pk}",
    )


def requests_to_decide(user: Any, now: datetime) -> Iterator[InboxItem]:
    """Pending requests this person may decide now (11.3, 11.5): Headteacher, or a nominated alternate."""
    return deciding.decisions_waiting(
        user,
        now,
        PENDING.all(),
        action="disclosures.decide",
        kind=deciders.DISCLOSURE,
        title=lambda req: f"Decide {_what(req)} #{req.pk} (11.3, 11.5)",
        url="disclosures:request_detail",
        group="Requests",
        reference="Disclosure request",
    )


def reviews_to_finish(user: Any, now: datetime) -> Iterator[InboxItem]:
    """The reviewer's approved reviews whose finding is not yet recorded (11.3, 10.2)."""
    mine = PENDING.filter(
        review__requested_by=user.pk,
        review__status=Status.APPROVED,
        review__expires_at__gt=now,
        review_outcome="",
    )
    for req in restrict(mine, user, "disclosures.review").select_related("school", "review"):
        yield _item(
            req,
            "review",
            f"Review the footage for {_what(req)} #{req.pk} and record what it shows (11.3)",
            reverse("disclosures:review_list"),
            req.review.expires_at if req.review else None,
        )


def referred_for_advice(user: Any, now: datetime) -> Iterator[InboxItem]:
    """11.5: requests a school referred to the DPO, not yet advised on."""
    for req in referred_to_dpo(user):
        if req.dpo_advice:
            continue
        yield _item(
            req,
            "advise",
            f"Advise on {_what(req)} #{req.pk}, referred to you (11.5)",
            reverse("disclosures:request_detail", args=[req.pk]),
            decision_due(req),
        )


def foi_to_answer(user: Any, now: datetime) -> Iterator[InboxItem]:
    """11.7: open FOI requests this person may decide, by the statutory deadline (FOIA s10: 20 school days,
    60 working days at most), whose notices cannot be switched off."""
    return deciding.decisions_waiting(
        user,
        now,
        FOIRequest.objects.filter(decision=""),
        action="disclosures.decide",
        kind=deciders.FOI,
        key="disclosures.foi",
        title=lambda foi: f"Answer FOI request #{foi.pk} for CCTV images (11.7)",
        url="disclosures:foi_detail",
        group="Requests",
        reference="FOI request",
        due_on=lambda foi: foi_deadline(foi).due,
        statutory=True,
    )
