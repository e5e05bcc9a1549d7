"""What waits on a person in this app (core/registry.py, issue 15 §3): requests to view footage to decide
(9.2), and footage approved for them to view before the authorisation expires."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.urls import reverse

from watchkeeper.core.permissions import restrict
from watchkeeper.core.registry import InboxItem
from watchkeeper.notices import deciding
from watchkeeper.people import deciders
from watchkeeper.viewing.models import ReasonCategory, Status, ViewingAuthorisation

# Reviews for a subject access or disclosure request are listed by those apps, where they are finished.
REVIEWS = (ReasonCategory.SUBJECT_ACCESS, ReasonCategory.DISCLOSURE)


def decisions_waiting(user: Any, now: datetime) -> Iterator[InboxItem]:
    """Pending requests this person may decide now (9.2): not their own, not recused, nominated if needed."""
    return deciding.decisions_waiting(
        user,
        now,
        ViewingAuthorisation.objects.filter(status=Status.PENDING),
        action="viewing.decide",
        kind=deciders.VIEWING,
        title=lambda auth: f"Decide request #{auth.pk} to view footage: {auth.get_reason_category_display()}",
        url="viewing:authorisation_detail",
        group="Footage",
        reference="Footage request",
    )


def approved_to_view(user: Any, now: datetime) -> Iterator[InboxItem]:
    """Footage approved for this person to view (9.2), until the authorisation expires."""
    mine = ViewingAuthorisation.objects.filter(
        requested_by=user.pk, status=Status.APPROVED, expires_at__gt=now
    ).exclude(reason_category__in=REVIEWS)
    for auth in restrict(mine, user, "viewing.request").select_related("school"):
        yield InboxItem(
            key=f"viewing.view:{auth.pk}",
            title=f"View the footage approved for you, #{auth.pk}, before the authorisation expires",
            url=reverse("viewing:player", args=[auth.pk]),
            due=auth.expires_at,
            school=auth.school.name,
            group="Footage",
            reference=f"Footage request {auth.pk}",
        )
