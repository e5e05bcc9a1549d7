"""Findings of the Chromium walk (issue 15 §5), each on the page where it was found: the breach form picks the
one school it can be for; the player leads back to the review list it was opened from; the package form
offers only the school's own purposes and points to Disclosures for the rest; a short window on a review list
is shown to the second."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone

from tests.conftest import sign_in
from tests.factories import CameraFactory, person
from watchkeeper.people.models import Role
from watchkeeper.viewing.models import ReasonCategory, Status, ViewingAuthorisation

pytestmark = pytest.mark.django_db


def approved(school, reviewer, category: str) -> ViewingAuthorisation:
    now = timezone.now()
    auth = ViewingAuthorisation.objects.create(
        school=school,
        start=now - dt.timedelta(hours=2),
        end=now - dt.timedelta(hours=1),
        reason_category=category,
        reason="Reviewing the footage for the request",
        requested_by=reviewer,
        requested_at=now,
        status=Status.APPROVED,
        decided_at=now,
        expires_at=now + dt.timedelta(days=7),
    )
    auth.cameras.set([CameraFactory(school=school)])
    return auth


def test_the_breach_form_chooses_the_one_school_it_can_be_for(client, school):
    sign_in(client, person(Role.CCTV_ADMIN, school))
    page = client.get("/breaches/report/").content.decode()
    assert f'<option value="{school.pk}" selected>{school.name}</option>' in page
    assert "---------" not in page  # was an empty choice shown first


def test_the_player_of_a_disclosure_review_leads_back_to_disclosure_reviews(client, school):
    reviewer = person(Role.FOOTAGE_REVIEWER, school)
    auth = approved(school, reviewer, ReasonCategory.DISCLOSURE)
    sign_in(client, reviewer)
    page = client.get(f"/viewing/{auth.pk}/play/").content.decode()
    assert 'id="back-to-reviews"' in page and 'href="/disclosures/reviews/"' in page
    assert "HLS" not in page and "segment" not in page.split("<script")[0].lower().replace("segments.js", "")


def test_the_package_form_offers_the_schools_own_purposes_and_points_to_disclosures(client, school):
    reviewer = person(Role.FOOTAGE_REVIEWER, school)
    auth = approved(school, reviewer, ReasonCategory.SAFEGUARDING)
    sign_in(client, reviewer)
    page = client.get(f"/evidence/authorisations/{auth.pk}/package/").content.decode()
    assert 'value="internal"' in page and 'value="other"' in page
    assert 'value="police"' not in page and 'value="third_party"' not in page  # were offered here
    assert 'href="/disclosures/"' in page


def test_a_window_shorter_than_a_minute_shows_its_seconds_on_the_review_lists():
    start = dt.datetime(2026, 12, 1, 9, 5, tzinfo=dt.UTC)
    template = Template("{% load uk_dates %}{{ start|footage_time:end }} until {{ end|footage_time:start }}")
    short = template.render(Context({"start": start, "end": start + dt.timedelta(seconds=30)}))
    assert short == "01/12/2026 09:05:00 until 01/12/2026 09:05:30"  # was "09:05 until 09:05"
    long = template.render(Context({"start": start, "end": start + dt.timedelta(minutes=20)}))
    assert long == "01/12/2026 09:05 until 01/12/2026 09:25"
