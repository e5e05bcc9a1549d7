"""10.1 with 13.1 and 9.6: a request logged on day 29 of a camera's 30-day retention keeps that footage past
day 30, through the real retention sweep (clock passed in); without the request the footage is erased."""

from __future__ import annotations

from datetime import UTC, date, timedelta

import pytest
from django.utils import timezone

from tests.factories import CameraFactory
from tests.recording.helpers import store
from tests.subjectaccess.conftest import log
from watchkeeper.recording.models import Segment
from watchkeeper.recording.retention import sweep
from watchkeeper.recording.storage import absolute
from watchkeeper.subjectaccess import services

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0).astimezone(UTC)
RECORDED = NOW - timedelta(days=29)  # the requester was filmed 29 days ago: one day of retention left


@pytest.fixture
def gate(school):
    return CameraFactory(school=school, name="Main gate", retention_days=30)


def _case(handler, school, gate):
    return log(
        handler,
        school,
        [gate],
        window_start=RECORDED - timedelta(minutes=5),
        window_end=RECORDED + timedelta(minutes=5),
    )


def test_without_a_request_the_footage_is_erased_after_day_30(gate):
    segment = store(gate, RECORDED)
    assert sweep(NOW + timedelta(days=2)).erased == 1
    assert not Segment.objects.filter(pk=segment.pk).exists()
    assert not absolute(segment.blob_path).exists()


@pytest.mark.clause("13.1", "R22")
def test_a_request_logged_on_day_29_keeps_the_footage_past_day_30(handler, school, gate):
    segment = store(gate, RECORDED)
    outside = store(gate, RECORDED - timedelta(hours=1))  # not in the described window: not held
    case = _case(handler, school, gate)

    result = sweep(NOW + timedelta(days=2))  # day 31 of the footage
    assert result.erased == 1 and result.held == 1
    assert Segment.objects.filter(pk=segment.pk).exists() and absolute(segment.blob_path).exists()
    assert not Segment.objects.filter(pk=outside.pk).exists()

    sweep(NOW + timedelta(days=25))  # still open weeks later: still kept
    assert Segment.objects.filter(pk=segment.pk).exists()

    services.close(
        handler, case, note="Withdrawn by the requester", now=timezone.now()
    )  # the case ends: hold released
    assert sweep(NOW + timedelta(days=26)).erased == 1
    assert not Segment.objects.filter(pk=segment.pk).exists()


@pytest.mark.clause("10.2", "13.1")
def test_the_hold_review_date_follows_the_today_it_is_given_not_the_real_clock(case):
    """Days far from the real date: the review date is the deadline as of that `today`, and never that
    day or earlier (issue 12 §4: it read the real clock for "tomorrow")."""
    case.received_on = case.identity_confirmed_on = date(2031, 1, 6)
    assert services.hold_review_on(case, date(2031, 1, 10)) == date(2031, 2, 6)  # the deadline
    assert services.hold_review_on(case, date(2031, 3, 2)) == date(2031, 3, 3)  # past it: the day after
    case.received_on = case.identity_confirmed_on = date(2019, 1, 7)
    assert services.hold_review_on(case, date(2019, 1, 8)) == date(2019, 2, 7)
