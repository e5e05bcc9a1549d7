"""Helpers for disclosure tests: requests logged through the services, real TOTP codes, small real files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone

from tests.factories import CameraFactory, person
from tests.recording.helpers import store
from tests.viewing.conftest import code_for
from watchkeeper.disclosures import services
from watchkeeper.disclosures.models import (
    DisclosureRequest,
    DocumentKind,
    FOIRequest,
    Grounds,
    LegalBasis,
    ReviewOutcome,
)
from watchkeeper.estate.models import CameraStatus, Purpose
from watchkeeper.people.models import Role
from watchkeeper.viewing import services as viewing

HEAD, DEPUTY, ADMIN, DPO, SAR, REVIEWER = (
    Role.HEADTEACHER,
    Role.DESIGNATED_PERSON,
    Role.CCTV_ADMIN,
    Role.DPO,
    Role.SAR_HANDLER,
    Role.FOOTAGE_REVIEWER,
)
START = (timezone.now() - timedelta(days=2)).replace(microsecond=0).astimezone(UTC)
END = START + timedelta(minutes=20)
# The smallest files that really are what they claim: the service checks the first bytes.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def recorded_camera(school: Any, **fields: Any) -> Any:
    """A camera in service with a stored segment inside the requests' window: a request over it can succeed
    (recording/coverage.py refuses one that cannot)."""
    camera = CameraFactory(school=school, status=CameraStatus.ACTIVE, **fields)
    store(camera, START + timedelta(minutes=1))
    return camera


def police_fields(school: Any, camera: Any, **overrides: Any) -> dict[str, Any]:
    fields = {
        "school": school,
        "officer_name": "PC Jane Holt",
        "collar_number": "4471",
        "force": "Midshire Police",
        "crime_reference": "MP/24/01832",
        "cameras": [camera],
        "start": START,
        "end": END,
        "sought": "The main gate camera while the bikes were taken",
        "reason": "Theft of two bicycles from the rack",
        "purpose": Purpose.CRIME.value,
        "received_on": timezone.localdate(),
    }
    fields.update(overrides)
    return fields


def police_request(school: Any, *, by: Any = None, **overrides: Any) -> DisclosureRequest:
    camera = overrides.pop("camera", None) or recorded_camera(school, name="Main gate")
    fields = {"now": timezone.now(), **police_fields(school, camera, **overrides)}
    return services.log_police_request(by or person(ADMIN, school), **fields)


def outside_request(school: Any, *, by: Any = None) -> DisclosureRequest:
    camera = recorded_camera(school, name="Car park")
    return services.log_outside_request(
        by or person(ADMIN, school),
        school=school,
        kind="solicitor",
        requester_name="Amir Shah",
        organisation="Shah & Co Solicitors",
        reference="SC/889",
        cameras=[camera],
        start=START,
        end=END,
        sought="The car park collision",
        reason="Personal injury claim",
        grounds=Grounds.LEGAL_PROCEEDINGS,
        legal_basis=LegalBasis.LEGAL_PROCEEDINGS,
        received_on=timezone.localdate(),
        now=timezone.now(),
    )


def with_document(req: DisclosureRequest) -> DisclosureRequest:
    services.upload_document(
        person(ADMIN, req.school),
        req,
        kind=DocumentKind.PROOF_OF_PROCEEDINGS,
        name="claim.pdf",
        data=PDF,
        now=timezone.now(),
    )
    return req


def review_asked(req: DisclosureRequest, reviewer: Any = None) -> Any:
    """An approved footage reviewer asks for the review (11.3, 10.2); returns the reviewer."""
    reviewer = reviewer or person(REVIEWER, req.school)
    services.request_review(reviewer, req, now=timezone.now())
    return reviewer


def review_decided(req: DisclosureRequest, *, approve: bool = True) -> None:
    """A designated person (not the Headteacher who decides the disclosure, so no code is reused) decides
    the review's viewing authorisation with a real code."""
    deputy = person(DEPUTY, req.school)
    assert req.review is not None
    viewing.decide(
        deputy,
        req.review,
        approve=approve,
        code=code(deputy),
        note="" if approve else "Too wide",
        now=timezone.now(),
    )
    req.review.refresh_from_db()


def reviewed(
    req: DisclosureRequest, *, outcome: str = ReviewOutcome.SHOWS, reviewer: Any = None
) -> DisclosureRequest:
    """The whole review through the services: asked for, approved, finding recorded."""
    reviewer = review_asked(req, reviewer)
    review_decided(req)
    services.record_finding(
        reviewer, req, outcome=outcome, finding="Two people take the bicycles at 15:42", now=timezone.now()
    )
    return req


def foi_request(school: Any, camera: Any = None) -> FOIRequest:
    return services.log_foi_request(
        person(ADMIN, school),
        school=school,
        requester_name="Sam Reed",
        contact="sam@example.org",
        received_on=timezone.localdate(),
        sought="All CCTV footage of the car park on sports day",
        cameras=[camera or recorded_camera(school, name="Sports field")],
        start=START,
        end=END,
        now=timezone.now(),
    )


def code(user: Any) -> str:
    return code_for(user)


def moment() -> datetime:
    return timezone.now()
