"""The inbox says what its pages say (issue 15 §5, from the Chromium walk): a deadline that is a day shows as
that day, the same day as its case page; a clock alert cites the clause its page cites (9.3); titles carry
one pair of brackets, never "(… (9.4))"."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.complaints.conftest import record
from tests.conftest import sign_in
from tests.factories import person
from tests.notices.conftest import viewing_request
from watchkeeper.core import registry
from watchkeeper.health.models import Alert, AlertKind
from watchkeeper.people.models import Role

pytestmark = pytest.mark.django_db
# Received on 3 December: the 30 days of s164A end on 2 January (complaints/clock.py).
NOW = dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC)


def nested(title: str) -> bool:
    return re.search(r"\([^()]*\(", title) is not None


@pytest.mark.clause("17.1", "R29")
def test_a_complaints_deadline_day_shows_as_that_day_in_the_inbox_and_on_its_page(client, school):
    handler = person(Role.SAR_HANDLER, school)
    complaint = record(handler, school, NOW, received_on=dt.date(2026, 12, 3))
    item = next(i for i in registry.inbox_items(handler, NOW) if i.key.startswith("complaints."))
    assert item.due_on == dt.date(2027, 1, 2)
    assert not item.overdue(dt.datetime(2027, 1, 2, 23, 59, tzinfo=dt.UTC))  # the whole day counts
    assert item.overdue(dt.datetime(2027, 1, 3, 0, 0, tzinfo=dt.UTC))
    sign_in(client, handler)
    inbox = client.get("/inbox/").content.decode()
    assert "due by 02/01/2027" in inbox and "03/01/2027 00:00" not in inbox  # was "due 03/01/2027 00:00"
    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert "02/01/2027" in page  # was "Sat 2 Jan 2027"


@pytest.mark.clause("9.3")
def test_a_clock_alert_cites_9_3_as_its_page_does(school):
    admin = person(Role.CCTV_ADMIN, school)
    Alert.objects.create(
        camera=None, kind=AlertKind.SERVER_CLOCK, opened_at=NOW, detail="9.3: not synchronised"
    )
    (item,) = [i for i in registry.inbox_items(admin, NOW) if i.key.startswith("health.alert:")]
    assert item.title.endswith("(9.3)") and "05/12/2026 10:00" in item.title  # was "(12.1)"


def test_inbox_titles_carry_one_pair_of_brackets(school):
    head = person(Role.HEADTEACHER, school)
    viewing_request(school, person(Role.FOOTAGE_REVIEWER, school))
    titles = [i.title for i in registry.inbox_items(head, NOW)]
    assert titles and not [t for t in titles if nested(t)]  # was "(#1, Safeguarding (9.4))"
