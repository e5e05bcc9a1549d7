"""One misuse alert in the demo trust, for the DPO to look at: Oakfield's footage reviewer watched footage
late the evening before the demo was built (rule a). The finding is made by the rule itself from one
viewing event (the demo's audit log holds no evening viewing), then raised through the job's own service.
Idempotent: a school that has an alert already gets no second."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from watchkeeper.estate.models import School
from watchkeeper.misuse import rules, services
from watchkeeper.misuse.models import Alert
from watchkeeper.people.models import Role, RoleGrant

EVENING = time(21, 40)


def seed_demo(school: School, now: datetime) -> Alert | None:
    grant = RoleGrant.objects.current().filter(school=school, role=Role.FOOTAGE_REVIEWER).first()
    if grant is None:
        return None
    existing = Alert.objects.filter(school=school).first()
    if existing is not None:
        return existing
    yesterday = now.astimezone(rules.LONDON).date() - timedelta(days=1)
    seen = datetime.combine(yesterday, EVENING, tzinfo=rules.LONDON)
    event = rules.Event(seen, grant.user_id, school.pk, "viewing.segment_served", details={"demo": True})
    hits = rules.out_of_hours([event], services.hours_of([school.pk]))
    raised = services.raise_alerts(hits, now)
    return raised[0] if raised else None
