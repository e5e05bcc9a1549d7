"""The demo's police and FOI requests (issue 7 "done when"): made through the services, once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from tests.disclosures.cases import ADMIN
from tests.factories import CameraFactory, person
from watchkeeper.core.dates import uk_date, uk_local
from watchkeeper.disclosures.demo import seed_demo
from watchkeeper.disclosures.models import DisclosureRequest, FOIRequest, LegalBasis
from watchkeeper.estate.models import CameraStatus
from watchkeeper.site.demo_footage import demo_windows

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_one_police_request_and_one_foi_request_once(school) -> None:
    now = timezone.now()
    window = demo_windows(now).police
    assert seed_demo(school, window, now) == (None, None)  # no administrator or Main gate camera yet: nothing
    person(ADMIN, school)
    CameraFactory(school=school, name="Main gate", status=CameraStatus.ACTIVE)
    police, foi = seed_demo(school, window, now)
    assert police is not None and foi is not None
    assert police.legal_basis == LegalBasis.CRIME and police.purpose == "4.1.4"
    assert (police.start, police.end) == window
    assert seed_demo(school, window, now) == (police, foi)
    assert DisclosureRequest.objects.count() == 1 and FOIRequest.objects.count() == 1


def test_the_demo_foi_request_names_the_day_of_its_footage_made_after_midnight(school) -> None:
    """Issue 15 §5: made at 00:30 it asked for the gate "at 21:39 today", footage of the day before."""
    now = datetime(2026, 12, 8, 0, 30, tzinfo=UTC)
    window = demo_windows(now).police
    person(ADMIN, school)
    CameraFactory(school=school, name="Main gate", status=CameraStatus.ACTIVE)
    _police, foi = seed_demo(school, window, now)
    assert foi is not None
    assert uk_date(window[0]) != uk_date(now)  # the footage is from the day before, as the walk found
    assert f"at {uk_local(window[0]):%H:%M} on {uk_date(window[0])}" in foi.sought
    assert "today" not in foi.sought
