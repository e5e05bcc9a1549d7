"""One police request and one FOI request in the demo trust (issue 7), logged through the same services as
the UI by the school's CCTV administrator, so their audit trail is real. The police request's window is
where the demo imported footage of the Main gate (site/demo_footage.py, issue 15 §1); the FOI request asks for
the same footage, so its answer can be walked through on footage that exists. Idempotent: a school
that has them already gets no second."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from watchkeeper.core.actors import Actor
from watchkeeper.core.dates import uk_date, uk_time
from watchkeeper.disclosures import services
from watchkeeper.disclosures.models import DisclosureRequest, FOIRequest
from watchkeeper.estate.models import Camera, Purpose, School
from watchkeeper.people.models import Role, RoleGrant

DEMO_FORCE = "Midshire Police (demo)"


def seed_demo(
    school: School, window: tuple[datetime, datetime], now: datetime
) -> tuple[DisclosureRequest | None, FOIRequest | None]:
    grant = RoleGrant.objects.current().filter(school=school, role=Role.CCTV_ADMIN).first()
    cameras = list(Camera.objects.filter(school=school, name="Main gate"))
    if grant is None or not cameras:
        return None, None
    return _police(school, grant.user, cameras, window, now), _foi(school, grant.user, cameras, window, now)


def _police(
    school: School, admin: Actor, cameras: list[Camera], window: tuple[datetime, datetime], now: datetime
) -> DisclosureRequest:
    existing = DisclosureRequest.objects.filter(school=school, requester_organisation=DEMO_FORCE).first()
    if existing is not None:
        return existing
    return services.log_police_request(
        admin,
        school=school,
        officer_name="PC Jane Holt",
        collar_number="4471",
        force=DEMO_FORCE,
        crime_reference="MP/DEMO/0001",
        contact="jane.holt@police.demo.invalid",
        cameras=cameras,
        start=window[0],
        end=window[1],
        sought="The main gate camera when a pupil's scooter was taken from the gate (demo)",
        reason="Theft of a scooter; identifying the offender (demo)",
        purpose=Purpose.CRIME.value,
        received_on=timezone.localdate(now),
        now=now,
    )


def _foi(
    school: School, admin: Actor, cameras: list[Camera], window: tuple[datetime, datetime], now: datetime
) -> FOIRequest:
    existing = FOIRequest.objects.filter(school=school).first()
    if existing is not None:
        return existing
    # The footage's own day, not "today": a demo made after midnight has footage from the evening before.
    at = f"{uk_time(window[0])} on {uk_date(window[0])}"
    return services.log_foi_request(
        admin,
        school=school,
        requester_name="Alex Example (demo)",
        contact="alex@demo.invalid",
        received_on=timezone.localdate(now),
        sought=f"Any CCTV footage of the main gate at {at} (demo)",
        cameras=cameras,
        start=window[0],
        end=window[1],
        now=now,
    )
