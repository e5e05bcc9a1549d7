"""One open subject access request in the demo trust (issue 7), logged through the same service as the UI
by the school's SAR handler, so its hold and audit trail are real. Idempotent: a school that has a case
already gets no second one."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from watchkeeper.estate.models import Camera, School
from watchkeeper.people.models import Role, RoleGrant
from watchkeeper.subjectaccess import services
from watchkeeper.subjectaccess.models import IdentityBasis, SubjectAccessRequest

DEMO_REQUESTER = "Jordan Example (demo)"


def seed_demo(school: School) -> SubjectAccessRequest | None:
    existing = SubjectAccessRequest.objects.filter(school=school).first()
    if existing is not None:
        return existing
    grant = RoleGrant.objects.current().filter(school=school, role=Role.SAR_HANDLER).first()
    cameras = list(Camera.objects.filter(school=school, name__in=["Main gate", "Playground"]))
    if grant is None or not cameras:
        return None
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    start = timezone.make_aware(datetime.combine(yesterday, time(15, 0)))
    return services.log_case(
        grant.user,
        school=school,
        received_on=today,
        requester_name=DEMO_REQUESTER,
        requester_contact="jordan@demo.invalid",
        identity_basis=IdentityBasis.KNOWN_TO_STAFF,
        identity_note="Parent of a Year 4 pupil, known to the school office (demo)",
        identity_confirmed_on=today,
        description="Adult in a yellow raincoat with a pushchair, at the gate at home time (demo)",
        cameras=cameras,
        window_start=start,
        window_end=start + timedelta(minutes=30),
        today=today,
    )
