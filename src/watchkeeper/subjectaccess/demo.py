"""One open subject access request in the demo trust (issue 7), logged through the same service as the UI
by the school's SAR handler, so its hold and audit trail are real. Its window is where the demo imported
footage of the Main gate and the Playground (site/demo_footage.py, issue 15 §1); the requester is the
person in the yellow raincoat there. Idempotent: a school that has a case already gets no second one."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from watchkeeper.estate.models import Camera, School
from watchkeeper.people.models import Role, RoleGrant
from watchkeeper.subjectaccess import services
from watchkeeper.subjectaccess.models import IdentityBasis, SubjectAccessRequest

DEMO_REQUESTER = "Jordan Example (demo)"


def seed_demo(
    school: School, window: tuple[datetime, datetime], now: datetime
) -> SubjectAccessRequest | None:
    # The public form's demo request (public/demo.py) is not the handler's.
    existing = SubjectAccessRequest.objects.filter(school=school, by_public_form=False).first()
    if existing is not None:
        return existing
    grant = RoleGrant.objects.current().filter(school=school, role=Role.SAR_HANDLER).first()
    cameras = list(Camera.objects.filter(school=school, name__in=["Main gate", "Playground"]))
    if grant is None or not cameras:
        return None
    today = timezone.localdate(now)
    return services.log_case(
        grant.user,
        school=school,
        received_on=today,
        requester_name=DEMO_REQUESTER,
        requester_contact="jordan@demo.invalid",
        identity_basis=IdentityBasis.KNOWN_TO_STAFF,
        identity_note="Parent of a Year 4 pupil, known to the school office (demo)",
        identity_confirmed_on=today,
        description="Adult in a yellow raincoat walking past the main gate (demo)",
        cameras=cameras,
        window_start=window[0],
        window_end=window[1],
        today=today,
    )
