"""Fixtures for complaint tests: a school's cameras and people, a complaint recorded through the service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import CameraFactory, person
from watchkeeper.complaints import services
from watchkeeper.complaints.models import Channel, Complainant, Subject
from watchkeeper.people.models import Role

# The clock every test passes in: a fixed moment, so no test depends on the time of day.
NOW = datetime(2026, 9, 14, 10, 30, tzinfo=UTC)
TODAY = timezone.localdate(NOW)
WINDOW_START = NOW - timedelta(days=1, hours=2)
WINDOW_END = WINDOW_START + timedelta(minutes=20)


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def gate(school):
    return CameraFactory(school=school, name="Main gate")


@pytest.fixture
def head(school):
    return person(Role.HEADTEACHER, school)


@pytest.fixture
def sar_handler(school):
    return person(Role.SAR_HANDLER, school)


@pytest.fixture
def dpo():
    return person(Role.DPO, None, email="dpo@trust.example")


def record(actor: Any, school: Any, now: datetime = NOW, **overrides: Any):
    fields: dict[str, Any] = {
        "school": school,
        "received_on": timezone.localdate(now) - timedelta(days=2),
        "channel": Channel.EMAIL,
        "complainant": Complainant.PUBLIC,
        "complainant_name": "Alex Parent",
        "complainant_contact": "alex@example.invalid",
        "subject": Subject.CCTV,
        "data_protection": True,
        "summary": "The gate camera recorded my child and I was not told why",
    }
    fields.update(overrides)
    return services.record_complaint(actor, **fields, now=now)


@pytest.fixture
def complaint(sar_handler, school):
    return record(sar_handler, school)
