"""One breach in the demo trust, inside its 72-hour window at the moment the demo is built: reported by
Oakfield's footage reviewer through the same service as the page, so the DPO's dashboard, inbox and
audit trail show it. Idempotent: a school that has a breach already gets no second."""

from __future__ import annotations

from datetime import datetime, timedelta

from watchkeeper.breaches import services
from watchkeeper.breaches.models import Breach, Category
from watchkeeper.estate.models import Camera, School
from watchkeeper.people.models import Role, RoleGrant

# Relative to the demo's moment: aware 20 hours ago, so 52 hours of the 72 are left when it is built.
AWARE_HOURS_AGO = 20


def seed_demo(school: School, now: datetime) -> Breach | None:
    grant = RoleGrant.objects.current().filter(school=school, role=Role.FOOTAGE_REVIEWER).first()
    if grant is None:
        return None
    existing = Breach.objects.filter(school=school).first()
    if existing is not None:
        return existing
    aware = now - timedelta(hours=AWARE_HOURS_AGO)
    return services.report_breach(
        grant.user,
        school=school,
        what_happened=(
            "A USB stick holding a sealed evidence package of the main gate footage was left in the staff "
            "room and cannot be found (demo). The package is encrypted; its password was given separately."
        ),
        happened_at=aware - timedelta(hours=3),
        aware_at=aware,
        cameras=Camera.objects.filter(school=school, name="Main gate"),
        involved="One sealed package (main gate, 20 minutes) on a school USB stick",
        people_affected=12,
        records_affected=1,
        categories=[Category.IMAGES_PUPILS.value, Category.IMAGES_VISITORS.value],
        children_images=True,
        now=now,
    )
