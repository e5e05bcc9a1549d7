"""A CCTV sign's yearly check waits in the inbox of the school's CCTV administrator and Headteacher (6.1;
issue 15 §3): from a month before its last check stops counting, and at once for a sign never checked; not
for another school's keepers, nor for the DPO. The clock is passed in."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import SignFactory, person
from watchkeeper.core import registry
from watchkeeper.people.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.clause("6.1")]
NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 12, 7)


def signs(user) -> dict[str, registry.InboxItem]:
    return {i.key: i for i in registry.inbox_items(user, NOW) if i.key.startswith("compliance.sign_check:")}


def test_a_sign_check_falling_due_waits_on_the_admin_and_headteacher_of_its_school(school, other_school):
    lapsing = SignFactory(school=school, last_checked_on=TODAY - dt.timedelta(days=360))
    SignFactory(school=school, last_checked_on=TODAY - dt.timedelta(days=10))  # counts for months yet
    never = SignFactory(school=school, location_description="Car park", last_checked_on=None)
    admin = person(Role.CCTV_ADMIN, school)

    found = signs(admin)
    assert set(found) == {
        f"compliance.sign_check:{lapsing.pk}:2026-12-12",
        f"compliance.sign_check:{never.pk}:never",
    }
    item = found[f"compliance.sign_check:{lapsing.pk}:2026-12-12"]
    assert item.due_on == dt.date(2026, 12, 12) and not item.overdue(NOW)  # the last day the check counts
    assert item.url == f"/compliance/signs/{lapsing.pk}/check/" and item.title.endswith("(policy 6.1)")
    assert found[f"compliance.sign_check:{never.pk}:never"].due_on == TODAY
    assert set(signs(person(Role.HEADTEACHER, school))) == set(found)
    assert signs(person(Role.CCTV_ADMIN, other_school)) == {}
    assert signs(person(Role.DPO, None)) == {}
    assert signs(person(Role.FOOTAGE_REVIEWER, school)) == {}


def test_a_lapsed_sign_check_is_overdue():
    sign = SignFactory(last_checked_on=TODAY - dt.timedelta(days=400))
    (item,) = signs(person(Role.CCTV_ADMIN, sign.school)).values()
    assert item.overdue(NOW) and item.due_on == TODAY - dt.timedelta(days=35)
