"""Fixtures for the reviews tests: a data dir per test (the sealed policy documents) and builders."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.compliance.helpers import pdf
from tests.factories import person
from watchkeeper.estate.models import Trust
from watchkeeper.people.models import Role
from watchkeeper.reviews import services
from watchkeeper.reviews.models import PolicyVersion


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


def approved_version(
    trust: Trust,
    version: str = "4",
    *,
    effective_on: date | None = None,
    grace_days: int = 14,
    now: datetime | None = None,
) -> PolicyVersion:
    """A version uploaded by the trust's DPO and approved by a board member (3.1)."""
    now = now or timezone.now()
    dpo = person(Role.DPO, None)
    dpo.staff.trust = trust
    dpo.staff.save()
    board = person(Role.BOARD_MEMBER, None)
    board.staff.trust = trust
    board.staff.save()
    found = services.upload_version(
        dpo,
        trust,
        version,
        pdf(f"cctv-policy-{version}.pdf"),
        effective_on or timezone.localdate(now) - timedelta(days=1),
        grace_days=grace_days,
        now=now,
    )
    return services.approve_version(board, found, now=now)
