"""Fixtures for the public forms: a school with cameras and a SAR handler, and what a parent types."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import CameraFactory, person
from watchkeeper.people.models import Role

# The clock of every test: a fixed Monday afternoon, so nothing depends on the time of day.
NOW = timezone.make_aware(datetime(2026, 3, 9, 15, 0))
YESTERDAY = (NOW - timedelta(days=1)).date()


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cameras(school):
    return [CameraFactory(school=school, name="Main gate"), CameraFactory(school=school, name="Playground")]


@pytest.fixture
def handler(school):
    return person(Role.SAR_HANDLER, school)


def answers(**overrides: str) -> dict[str, str]:
    """What a parent types into the form."""
    data = {
        "kind": "access",
        "relationship": "parent",
        "name": "Pat Parent",
        "email": "pat@example.invalid",
        "day": YESTERDAY.isoformat(),
        "start": "15:00",
        "end": "15:30",
        "where": "The main gate",
        "clothing": "Red coat, black umbrella; my son in a blue school jumper",
        "website": "",
    }
    data.update(overrides)
    return data
