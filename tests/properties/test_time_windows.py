"""Time windows typed by staff asking for footage (viewing/forms.py, in UK local time) and checked by every
kind of request (estate/footage.py). A typed time is accepted exactly when it names one moment in
Europe/London — never one the clocks skip in March or pass twice in October — and reads back as typed;
any other text is a form error, never an exception. A window is "backwards" exactly when it ends at or
before its start, and its audit terms give back the moments they were made from."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from watchkeeper.estate.footage import WindowWords, window_problems, window_terms
from watchkeeper.estate.models import Camera, School
from watchkeeper.viewing.forms import AuthorisationRequestForm

LONDON = ZoneInfo("Europe/London")
WORDS = WindowWords("no camera", "other school", "backwards", not_ended="not ended")
START_FIELD = AuthorisationRequestForm.base_fields["start"]


def last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 31)
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


# Any wall time, and wall times around the clock changes (the last Sundays of March and October, 00:00 to
# 03:00), where a naive parser goes wrong.
ordinary = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 12, 31))
around_changes = st.builds(
    lambda year, month, seconds: (
        dt.datetime.combine(last_sunday(year, month), dt.time()) + dt.timedelta(seconds=seconds)
    ),
    st.integers(2000, 2099),
    st.sampled_from([3, 10]),
    st.integers(0, 3 * 3600 - 1),
)
wall_times = st.one_of(ordinary, around_changes).map(lambda moment: moment.replace(microsecond=0))


def names_one_moment(wall: dt.datetime) -> bool:
    """Worked out independently of Django: both readings of the wall time (fold 0 and 1) agree, and it
    survives a trip through UTC."""
    first, second = wall.replace(tzinfo=LONDON, fold=0), wall.replace(tzinfo=LONDON, fold=1)
    back = first.astimezone(dt.UTC).astimezone(LONDON).replace(tzinfo=None)
    return first.utcoffset() == second.utcoffset() and back == wall


@given(wall_times)
@example(dt.datetime(2026, 3, 29, 1, 30))  # skipped: the clocks go from 01:00 GMT to 02:00 BST
@example(dt.datetime(2026, 10, 25, 1, 30))  # twice: 01:30 BST, then 01:30 GMT
@example(dt.datetime(2026, 10, 25, 2, 30))  # once
@pytest.mark.clause("9.2")
def test_a_typed_time_is_accepted_exactly_when_it_names_one_moment_and_reads_back_as_typed(
    wall: dt.datetime,
) -> None:
    typed = wall.strftime("%Y-%m-%dT%H:%M:%S")
    try:
        moment = START_FIELD.clean(typed)
    except ValidationError:
        assert not names_one_moment(wall), f"{typed} was refused, but it is a real UK time"
        return
    assert names_one_moment(wall), f"{typed} was accepted, but the clocks skip or repeat it"
    assert timezone.is_aware(moment)
    assert timezone.localtime(moment, LONDON).replace(tzinfo=None) == wall


@given(st.text(max_size=40))
def test_any_text_as_a_time_is_a_form_error_or_a_moment(text: str) -> None:
    try:
        moment = START_FIELD.clean(text)
    except ValidationError:
        return
    assert timezone.is_aware(moment)


aware = st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 12, 31), timezones=st.just(dt.UTC)
)


@given(aware, aware, aware)
def test_a_window_is_backwards_exactly_when_it_ends_at_or_before_its_start(start, end, now) -> None:
    school = School(pk=1, name="Northfield")
    problems = window_problems(WORDS, school, [Camera(pk=3, school_id=1)], start, end, now)
    assert ("backwards" in problems) == (end <= start)
    assert ("not ended" in problems) == (end > now)
    assert "no camera" not in problems and "other school" not in problems


@given(aware, aware, st.lists(st.integers(1, 10_000), min_size=1, max_size=6, unique=True))
def test_the_audit_terms_of_a_window_give_back_its_moments_and_cameras(start, end, ids) -> None:
    cameras = [Camera(pk=pk, name=f"Camera {pk}", school_id=1) for pk in ids]
    terms = window_terms(cameras, start, end)
    assert dt.datetime.fromisoformat(terms["start"]) == start
    assert dt.datetime.fromisoformat(terms["end"]) == end
    assert terms["cameras"] == sorted(ids)
    assert terms["camera_names"] == [f"Camera {pk}" for pk in sorted(ids)]
