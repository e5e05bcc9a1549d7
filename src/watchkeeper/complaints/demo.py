"""One data-protection complaint in the demo trust (issue 17): received by letter a few days ago, recorded by
the school's Headteacher through the same service as the UI, and not yet acknowledged, so its s164A clock
runs on the DPO's dashboard and in the Headteacher's inbox. Idempotent: a school that has a complaint
already gets no second one."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from watchkeeper.complaints import services
from watchkeeper.complaints.models import Channel, Complainant, Complaint, Subject
from watchkeeper.estate.models import Camera, School
from watchkeeper.people.models import Role, RoleGrant

RECEIVED_DAYS_AGO = 4


def seed_demo(school: School, now: datetime) -> Complaint | None:
    existing = Complaint.objects.filter(school=school).first()
    if existing is not None:
        return existing
    grant = RoleGrant.objects.current().filter(school=school, role=Role.HEADTEACHER).first()
    if grant is None:
        return None
    return services.record_complaint(
        grant.user,
        school=school,
        received_on=timezone.localdate(now) - timedelta(days=RECEIVED_DAYS_AGO),
        channel=Channel.LETTER,
        complainant=Complainant.PUBLIC,
        complainant_name="Sam Neighbour (demo)",
        complainant_contact="12 Orchard Lane, Oakfield (demo)",
        subject=Subject.CCTV,
        data_protection=True,
        summary="The playground camera seems to look over the fence into my back garden; I did not agree to "
        "being recorded at home (demo).",
        cameras=Camera.objects.filter(school=school, name="Playground"),
        now=now,
    )
