"""What waits on a person in this app (core/registry.py, issue 15 §3): download requests to authorise (9.5,
Appendix I) and stored copies due for deletion or overdue (13.2)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from watchkeeper.core.permissions import restrict
from watchkeeper.core.registry import InboxItem
from watchkeeper.evidence.models import DownloadRequest, RequestStatus
from watchkeeper.evidence.services.copy_check import flagged_copies
from watchkeeper.notices.deciding import decision_due, may_decide
from watchkeeper.people import deciders


def downloads_to_authorise(user: Any, now: datetime) -> Iterator[InboxItem]:
    """Requests to authorise that this person may decide now (not their own; nominated if need be)."""
    waiting = DownloadRequest.objects.filter(status=RequestStatus.REQUESTED)
    for req in restrict(waiting, user, "evidence.authorise").select_related("school"):
        if may_decide(user, deciders.DOWNLOAD, req, now):
            yield InboxItem(
                key=f"evidence.authorise:{req.pk}",
                title=f"Authorise or refuse download request #{req.pk}: {req.get_purpose_display()}",
                url=reverse("evidence:request_detail", args=[req.pk]),
                due=decision_due(req),
                school=req.school.name,
                group="Footage",
                reference=f"Download request {req.pk}",
            )


def copies_due(user: Any, now: datetime) -> Iterator[InboxItem]:
    """13.2: stored copies within 14 days of their keep-until date or past it: delete, or keep longer."""
    for copy in flagged_copies(user, timezone.localdate(now)):
        assert copy.expires_on is not None  # flagged copies have a keep-until date
        yield InboxItem(
            key=f"evidence.copy:{copy.pk}",
            title=f"Downloaded copy #{copy.pk} is due for deletion: delete it or keep it longer (13.2)",
            url=_copy_url(copy.request_id),
            due_on=copy.expires_on,
            school=copy.school.name,
            group="Footage",
            reference=f"Stored copy {copy.pk}",
        )


def _copy_url(request_id: int | None) -> str:
    """The copy's request page, where it is deleted or kept; a redaction's copy is found in the CCTV log."""
    return (
        reverse("evidence:request_detail", args=[request_id]) if request_id else reverse("evidence:cctv_log")
    )
