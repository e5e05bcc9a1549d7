"""What waits on the people who keep a school's CCTV signs (core/registry.py, issue 15 §3): a sign whose
yearly check (6.1: a check counts for 365 days, gates.SIGN_CHECK_VALID_DAYS) falls due within a month, has
lapsed, or was never made — for the school's CCTV administrator and its Headteacher, who record checks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from watchkeeper.compliance.gates import sign_check_due
from watchkeeper.compliance.models import Sign
from watchkeeper.core.permissions import restrict
from watchkeeper.core.registry import InboxItem
from watchkeeper.people.models import Role, RoleGrant

# Who is asked: those who keep the school's signs in order, not every role that may record a check.
KEEPERS = (Role.CCTV_ADMIN, Role.HEADTEACHER)
SOON_DAYS = 30  # time to walk round the school and take a photo


def signs_to_check(user: Any, now: datetime) -> Iterator[InboxItem]:
    schools = set(
        RoleGrant.objects.current().filter(user=user.pk, role__in=KEEPERS).values_list("school_id", flat=True)
    )
    if not schools:
        return
    signs = restrict(Sign.objects.select_related("school", "vehicle"), user, "compliance.change")
    if None not in schools:  # held at a school: that school's signs (a trust-wide grant: every school's)
        signs = signs.filter(school_id__in=schools)
    today = timezone.localdate(now)
    for sign in signs:
        due_on = sign_check_due(sign)
        if due_on is not None and due_on > today + timedelta(days=SOON_DAYS):
            continue
        where = f"{sign.vehicle}: {sign.location_description}" if sign.vehicle else sign.location_description
        never = "; it has never been checked" if due_on is None else ""
        yield InboxItem(
            key=f"compliance.sign_check:{sign.pk}:{due_on.isoformat() if due_on else 'never'}",
            title=f"Check the CCTV sign at {where} and record it{never} (policy 6.1)",
            url=reverse("compliance:sign_check", args=[sign.pk]),
            due_on=due_on or today,
            school=sign.school.name,
            group="Registers",
            reference=f"Sign {sign.pk}",
        )
