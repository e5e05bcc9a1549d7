"""Fixtures for the reports: a fixed clock, and breaches reported and decided through their services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.factories import person
from watchkeeper.breaches import services as breaches
from watchkeeper.breaches.models import Breach
from watchkeeper.people.models import Role

NOW = datetime(2026, 9, 14, 10, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def breach(school: Any, at: datetime, *, decided: bool = False) -> Breach:
    """A breach a member of staff reported at `at`; `decided`: the DPO decided it the same day."""
    staff = person(Role.HEADTEACHER, school)
    found = breaches.report_breach(
        staff, school=school, what_happened="A laptop showing the gate camera was stolen", aware_at=at, now=at
    )
    if decided:
        dpo = person(Role.DPO, None)
        later = at + timedelta(hours=1)
        breaches.assess_risk(dpo, found, likelihood="remote", severity="minimal", notes="n", now=later)
        breaches.decide_ico(dpo, found, decision="not_notify", reasons="Encrypted disk", now=later)
    found.refresh_from_db()
    return found
