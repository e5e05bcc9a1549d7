"""Fixtures for subject access tests: a school's cameras, its people, a case logged through the service."""

from __future__ import annotations

from datetime import UTC, date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import CameraFactory, person, recorded
from tests.subjectaccess.racing import race_database  # noqa: F401 - for the race tests
from tests.viewing.conftest import code_for
from watchkeeper.people.models import Role
from watchkeeper.subjectaccess import services
from watchkeeper.subjectaccess.models import IdentityBasis
from watchkeeper.viewing import services as viewing

# The window the requester describes: yesterday afternoon, so it is recorded footage.
WINDOW_START = (
    (timezone.now() - timedelta(days=1)).replace(hour=14, minute=0, second=0, microsecond=0).astimezone(UTC)
)
WINDOW_END = WINDOW_START + timedelta(minutes=30)


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cameras(school):
    """Two cameras, the gate with footage through the window (a segment a minute): its review and clips
    can succeed (issue 15 §2)."""
    gate = recorded(CameraFactory(school=school, name="Main gate"), WINDOW_START, minutes=30)
    return [gate, CameraFactory(school=school, name="Playground")]


@pytest.fixture
def handler(school):
    return person(Role.SAR_HANDLER, school)


@pytest.fixture
def head(school):
    return person(Role.HEADTEACHER, school)


@pytest.fixture
def reviewer(school):
    """An approved footage reviewer (10.2): the case's subject-access hold does not lock the footage away."""
    return person(Role.FOOTAGE_REVIEWER, school)


def log(handler: Any, school: Any, cameras: list[Any], **overrides: Any):
    today = timezone.localdate()
    fields: dict[str, Any] = {
        "school": school,
        "received_on": today,
        "requester_name": "Pat Parent",
        "requester_contact": "pat@example.invalid",
        "description": "Adult in a red coat with a black umbrella, collecting a child at the gate",
        "cameras": cameras,
        "window_start": WINDOW_START,
        "window_end": WINDOW_END,
        "identity_basis": IdentityBasis.KNOWN_TO_STAFF,
        "identity_note": "Parent of a Year 3 pupil, known to the office manager",
        "identity_confirmed_on": today,
    }
    fields.update(overrides)
    return services.log_case(handler, **fields, today=timezone.localdate())


@pytest.fixture
def case(handler, school, cameras):
    return log(handler, school, cameras)


def approve_review(case: Any, reviewer: Any, head: Any) -> Any:
    """The review through the real viewing workflow: the reviewer asks, the Headteacher decides (code)."""
    services.request_review(reviewer, case, now=timezone.now())
    case.refresh_from_db()
    viewing.decide(head, case.review, approve=True, code=code_for(head), now=timezone.now())
    case.refresh_from_db()
    return case


def days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


def attest_row(case: Any, camera: Any = None, start: Any = WINDOW_START, end: Any = WINDOW_END) -> Any:
    """The reviewer's "only the requester appears" as a row, for tests about what rests on it; the service
    that records it (it checks every segment was played to them) is tested in test_attestation.py."""
    from watchkeeper.subjectaccess.models import Attestation

    assert case.review is not None
    return Attestation.objects.create(
        case=case,
        camera=camera or case.cameras.order_by("pk").first(),
        start=start,
        end=end,
        authorisation=case.review,
        attested_by=case.review.requested_by,
        attested_at=timezone.now(),
    )
