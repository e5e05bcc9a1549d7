"""The cameras and window a request for footage names: one check and one audit shape, each app's words."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import CameraFactory, SchoolFactory
from watchkeeper.estate.footage import WindowWords, window_problems, window_terms

pytestmark = pytest.mark.django_db
WORDS = WindowWords(no_camera="none", other_school="other", backwards="backwards", not_ended="open")


def test_each_problem_in_the_requests_own_words(school) -> None:
    now = timezone.now()
    start, end = now - timedelta(hours=2), now - timedelta(hours=1)
    mine, theirs = CameraFactory(school=school), CameraFactory(school=SchoolFactory())
    assert window_problems(WORDS, school, [mine], start, end, now) == []
    assert window_problems(WORDS, school, [], end, start, now) == ["none", "backwards"]
    assert window_problems(WORDS, school, [mine, theirs], start, now + timedelta(hours=1), now) == [
        "other",
        "open",
    ]
    without_end_check = WindowWords(no_camera="none", other_school="other", backwards="backwards")
    assert window_problems(without_end_check, school, [mine], start, now + timedelta(hours=1), now) == []


def test_terms_list_cameras_in_id_order(school) -> None:
    first, second = CameraFactory(school=school), CameraFactory(school=school)
    start = timezone.now() - timedelta(hours=1)
    terms = window_terms([second, first], start, start + timedelta(minutes=5))
    assert terms["cameras"] == [first.pk, second.pk]
    assert terms["camera_names"] == [first.name, second.name]
    assert terms["start"] == start.isoformat()
