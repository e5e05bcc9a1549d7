from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.factories import CameraFactory, person
from watchkeeper.breaches import services
from watchkeeper.breaches.models import Breach
from watchkeeper.people.models import Role

# A Monday morning; the tests never read the clock.
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.fixture
def dpo(school):
    return person(Role.DPO, None, email="dpo@trust.example")


@pytest.fixture
def reviewer(school):
    return person(Role.FOOTAGE_REVIEWER, school)


def report(actor: Any, school: Any, now: datetime = NOW, **changes: Any) -> Breach:
    fields: dict[str, Any] = {
        "school": school,
        "what_happened": "A USB stick with a sealed package was lost on the bus",
        "happened_at": now - timedelta(hours=6),
        "aware_at": now - timedelta(hours=2),
        "people_affected": 12,
        "records_affected": 1,
        "categories": ["images_pupils"],
        "children_images": True,
        **changes,
    }
    return services.report_breach(actor, now=now, **fields)


@pytest.fixture
def breach(reviewer, school, dpo) -> Breach:
    return report(reviewer, school, cameras=[CameraFactory(school=school)])
