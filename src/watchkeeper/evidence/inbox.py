"""What waits on a person in this app (core/registry.py, issue 15 §3): download requests to authorise (9.5,
Appendix I) and stored copies due for deletion or overdue (13.2)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from watchkeeper.core.registry import InboxItem
from watchkeeper.evidence.models import Download, DownloadRequest, Kind, RequestStatus
from watchkeeper.evidence.services.copy_check import flagged_copies
from watchkeeper.notices import deciding
from watchkeeper.people import deciders


def downloads_to_authorise(user: Any, now: datetime) -> Iterator[InboxItem]:
    """Requests to authorise that this person may decide now (not their own; nominated if need be)."""
    return deciding.decisions_waiting(
        user,
        now,
        DownloadRequest.objects.filter(status=RequestStatus.REQUESTED),
        action="evidence.authorise",
        kind=deciders.DOWNLOAD,
        title=lambda req: f"Authorise or refuse download request #{req.pk}: {req.get_purpose_display()}",
        url="evidence:request_detail",
        group="Footage",
        reference="Download request",
    )


def packages_ready(user: Any, now: datetime) -> Iterator[InboxItem]:
    """The staff requestor's sealed packages, built and not yet downloaded or handed over (9.5): the next
    step is theirs, and nobody tells them otherwise (walked in Chromium, issue 15 §3)."""
    if user.pk is None:  # nobody signed in: "requested by nobody" is not theirs
        return
    mine = Q(request__requested_by_id=user.pk) | Q(request__requestor_user_id=user.pk)
    ready = Download.objects.filter(
        mine, kind=Kind.PACKAGE, deleted_at=None, handed_over_at=None, request__status=RequestStatus.READY
    )
    for copy in ready.select_related("school"):
        yield InboxItem(
            key=f"evidence.ready:{copy.pk}",
            title=f"The sealed package of download request #{copy.request_id} is ready: download it (9.5)",
            url=_copy_url(copy.request_id),
            school=copy.school.name,
            group="Footage",
            reference=f"Download request {copy.request_id}",
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
