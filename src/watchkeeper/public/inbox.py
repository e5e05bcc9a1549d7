"""What waits on complaints handlers (core/registry.py, InboxItem): a complaint from the public form to enter
in the register. Its s164A acknowledgement runs from the day it was sent: statutory from the start."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from watchkeeper.complaints import clock
from watchkeeper.core.permissions import restrict
from watchkeeper.core.registry import InboxItem


def complaints_to_record(user: Any, now: datetime) -> Iterator[InboxItem]:
    from watchkeeper.complaints.services import HANDLE
    from watchkeeper.public.models import PublicComplaint

    waiting = PublicComplaint.objects.filter(complaint=None).select_related("school")
    for public in restrict(waiting, user, HANDLE):
        # The Act's day, as the complaint's own page will show it once entered (received the day the form
        # arrived); InboxItem makes it overdue at the midnight after it, as complaints/inbox.py does.
        due_on = clock.acknowledgement_due(timezone.localdate(public.received_at))
        yield InboxItem(
            key=f"public.complaint:{public.pk}",
            title=f"Enter complaint {public.reference} from the public form in the register (s164A)",
            url=reverse("public:complaint_record", args=[public.pk]),
            due_on=due_on,
            school=public.school.name,
            group="Registers",
            statutory=True,
            reference=public.reference,
        )
