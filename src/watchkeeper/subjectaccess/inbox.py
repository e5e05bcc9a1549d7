"""What waits on a person in this app (core/registry.py, issue 15 §3): subject access cases by their
statutory deadline (10.2; UK GDPR Art 12(3)), approved reviews whose attestation is still to make (10.3), and
for the designated safeguarding lead the requests made for a child awaiting their check (Sch 3 Part 5).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from watchkeeper.core.permissions import can, restrict
from watchkeeper.core.registry import InboxItem
from watchkeeper.subjectaccess import clock
from watchkeeper.subjectaccess.models import LIVE_STATUSES, Attestation, SubjectAccessRequest
from watchkeeper.subjectaccess.services.reading import safeguarding_cases, visible_cases
from watchkeeper.viewing.models import Status

URGENT = (clock.ClockState.DUE_SOON, clock.ClockState.OVERDUE)


def cases_by_deadline(user: Any, now: datetime) -> Iterator[InboxItem]:
    """Every live case for the people who handle it; the ones due within a week or overdue for those who
    only watch over them (the DPO). The deadline is statutory: its notices cannot be switched off."""
    today = timezone.localdate(now)
    for case in visible_cases(user).filter(status__in=LIVE_STATUSES):
        handles = can(user, "sar.handle", case.school_id)
        if not handles and case.clock_state(today) not in URGENT:
            continue
        yield _by_deadline(
            case, "case", f"reply to the subject access request — {case.get_status_display()}", today
        )


def reviews_to_attest(user: Any, now: datetime) -> Iterator[InboxItem]:
    """The reviewer's approved reviews of a live case, not yet attested from (10.2, 10.3)."""
    cases = restrict(SubjectAccessRequest.objects.filter(status__in=LIVE_STATUSES), user, "sar.review")
    attested = set(Attestation.objects.values_list("authorisation_id", flat=True))
    for case in cases.select_related("school", "review").prefetch_related("more_windows__review"):
        for window in case.windows():
            review = window.review
            if (
                review is not None
                and review.requested_by_id == user.pk
                and review.status == Status.APPROVED
                and review.pk not in attested
                and (review.expires_at is None or review.expires_at > now)
            ):
                yield InboxItem(
                    key=f"subjectaccess.review:{review.pk}",
                    title=f"{case.reference}: review the footage and record what it shows (10.2, 10.3)",
                    url=reverse("subjectaccess:review_list"),
                    due=review.expires_at,
                    school=case.school.name,
                    group="Requests",
                    reference=case.reference,
                )


def safeguarding_checks(user: Any, now: datetime) -> Iterator[InboxItem]:
    """Live requests made for someone else at the DSL's school, not yet checked: nothing is released before
    the check, so the request's statutory deadline is theirs too."""
    today = timezone.localdate(now)
    cases = safeguarding_cases(user).filter(status__in=LIVE_STATUSES, safeguarding_checked_at=None)
    for case in cases.prefetch_related("clarifications"):
        check = "the designated safeguarding lead's check before release (Sch 3 Part 5)"
        yield _by_deadline(case, "safeguarding", check, today)


def _by_deadline(case: SubjectAccessRequest, task: str, what: str, today: date) -> InboxItem:
    """A task on a live case, due by the request's statutory deadline: its notices cannot be switched off."""
    return InboxItem(
        key=f"subjectaccess.{task}:{case.pk}",
        title=f"{case.reference}: {what}",
        url=reverse("subjectaccess:case_detail", args=[case.pk]),
        due_on=case.deadline(today),
        school=case.school.name,
        group="Requests",
        statutory=True,
        reference=case.reference,
    )
