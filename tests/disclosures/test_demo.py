"""The demo's police and FOI requests (issue 7 "done when"): made through the services, once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.disclosures.cases import ADMIN
from tests.factories import CameraFactory, person
from watchkeeper.disclosures.demo import seed_demo
from watchkeeper.disclosures.models import DisclosureRequest, FOIRequest, LegalBasis
from watchkeeper.site.demo_footage import demo_windows

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_one_police_request_and_one_foi_request_once(school) -> None:
    now = timezone.now()
    window = demo_windows(now).police
    assert seed_demo(school, window, now) == (None, None)  # no administrator or Main gate camera yet: nothing
    person(ADMIN, school)
    CameraFactory(school=school, name="Main gate")
    police, foi = seed_demo(school, window, now)
    assert police is not None and foi is not None
    assert police.legal_basis == LegalBasis.CRIME and police.purpose == "4.1.4"
    assert (police.start, police.end) == window
    assert seed_demo(school, window, now) == (police, foi)
    assert DisclosureRequest.objects.count() == 1 and FOIRequest.objects.count() == 1
