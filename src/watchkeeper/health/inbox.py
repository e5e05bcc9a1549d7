"""What waits on a person in this app (core/registry.py, issue 15 §3): open camera alerts (12.1), for the
CCTV administrator, who looks after the system day to day. An alert has no deadline: it stays until a
later check finds the fault gone. Scheduled manual checks (12.1) due within a week or overdue, for the
people who record them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from watchkeeper.core.dates import uk_datetime
from watchkeeper.core.permissions import holds_any, restrict
from watchkeeper.core.registry import InboxItem
from watchkeeper.health import schedule
from watchkeeper.health.models import Alert, AlertKind, MaintenanceSchedule
from watchkeeper.people.models import Role, RoleGrant

# A clock alert rests on 9.3 (recordings allow "specific times and dates to be identified"), as its own
# detail and the health page say; every other alert on 12.1 (the system is checked regularly).
CLOCK_KINDS = {AlertKind.CAMERA_CLOCK, AlertKind.SERVER_CLOCK}


def clause(kind: str) -> str:
    return "9.3" if kind in CLOCK_KINDS else "12.1"


def open_alerts(user: Any, now: datetime) -> Iterator[InboxItem]:
    grants = RoleGrant.objects.current().filter(user=user.pk, role=Role.CCTV_ADMIN)
    if not grants.exists():
        return
    found = Alert.objects.open().visible_to(user, "recording.status").select_related("camera__school")
    schools = set(grants.values_list("school_id", flat=True))
    if None not in schools:  # a school CCTV administrator: that school's cameras and the server's alerts
        found = found.filter(Q(camera__school_id__in=schools) | Q(camera__isnull=True))
    for alert in found:
        where = f"{alert.camera.name}" if alert.camera else "the server, for every camera's recordings"
        since = uk_datetime(alert.opened_at)
        yield InboxItem(
            key=f"health.alert:{alert.pk}",
            title=f"{alert.get_kind_display()}: {where}, since {since} ({clause(alert.kind)})",
            url=reverse("recording:health_list"),
            school=alert.camera.school.name if alert.camera else "",
            group="Estate",
            reference=f"Camera alert {alert.pk}",
        )


def scheduled_checks(user: Any, now: datetime) -> Iterator[InboxItem]:
    if not holds_any(user, "maintenance.record"):
        return
    today = timezone.localdate(now)
    horizon = today + timedelta(days=schedule.DUE_SOON_DAYS)
    mine = restrict(MaintenanceSchedule.objects.all(), user, "maintenance.record")
    for check in schedule.due_checks(mine):
        if check.due_on > horizon:
            break  # nearest first: the rest are later still
        s = check.schedule
        what = s.camera.name if s.camera else "the school as a whole"
        yield InboxItem(
            key=f"health.scheduled:{s.pk}:{check.due_on.isoformat()}",
            title=f"{s.get_check_type_display()} check of {what}, due every {s.every_days} days (12.1)",
            url=s.record_url(),
            due=timezone.make_aware(datetime.combine(check.due_on, time.min)),
            due_on=check.due_on,
            school=s.school.name,
            group="Estate",
            reference=f"Maintenance check {s.pk}",
        )
