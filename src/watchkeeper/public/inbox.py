"""What waits on complaints handlers (core/registry.py, InboxItem): a complaint from the public form to enter
in the register. Its s164A acknowledgement runs from the day it was sent: statutory from the start."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
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
        # The deadline day ends at midnight after it, as complaints/inbox.py counts it.
        due = clock.acknowledgement_due(timezone.localdate(public.received_at)) + timedelta(days=1)
        yield InboxItem(
            key=f"public.complaint:{public.pk}",
            title=f"Enter complaint {public.reference} from the public form in the register (s164A)",
            url=reverse("public:complaint_record", args=[public.pk]),
            due=timezone.make_aware(datetime.combine(due, time.min)),
            due_on=due,
            school=public.school.name,
            group="Registers",
            statutory=True,
            reference=public.reference,
        )
