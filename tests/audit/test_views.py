"""The audit log pages (16): who sees which events, the filters, paging and the audited CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets
from typing import Any

import pytest
from django.db.models import Max
from django.test import Client
from django.urls import reverse

from tests.conftest import sign_in
from tests.factories import person
from tests.permission_case import ViewCase, run_view_case
from watchkeeper.audit.models import AuditEvent
from watchkeeper.audit.services import record
from watchkeeper.core.dates import uk_datetime
from watchkeeper.people.models import Role

pytestmark = pytest.mark.django_db

UTC = dt.UTC
FIRST_SEQ = 10_001


def make_events(ctx: dict[str, Any]) -> None:
    record("test.ours", school=ctx["school"], reason="ours-reason")
    record("test.theirs", school=ctx["other_school"], reason="theirs-reason")
    record("test.trust_level", reason="trust-reason")


def csv_rows(response: Any) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def shows_own_school_only(ctx: dict[str, Any], response: Any) -> None:
    page = response.content.decode()
    assert "ours-reason" in page
    assert "theirs-reason" not in page and "trust-reason" not in page


def shows_everything(ctx: dict[str, Any], response: Any) -> None:
    page = response.content.decode()
    assert "ours-reason" in page and "theirs-reason" in page and "trust-reason" in page


def exported_own_school(ctx: dict[str, Any], response: Any) -> None:
    rows = csv_rows(response)
    assert rows[0] == ["seq", "time", "actor", "school", "action", "object", "reason", "details", "UK time"]
    assert [row[4] for row in rows[1:]] == ["test.ours"]
    assert rows[1][3] == "Northfield Primary" and rows[1][6] == "ours-reason"
    export = AuditEvent.objects.get(action="audit.exported")  # the refused requests recorded nothing
    assert export.actor == ctx["user"] and export.school == ctx["school"]
    assert export.details["filter"]["school"] == ctx["school"].pk and export.details["rows"] == 1


def exported_everything(ctx: dict[str, Any], response: Any) -> None:
    actions = [row[4] for row in csv_rows(response)[1:] if row[4] != "people.signed_in"]
    assert actions == ["test.ours", "test.theirs", "test.trust_level"]  # oldest first, not the export itself
    export = AuditEvent.objects.get(action="audit.exported")
    assert export.school is None and export.details["filter"]["school"] is None


def school_url(name: str) -> Any:
    return lambda ctx: f"{reverse(name)}?school={ctx['school'].pk}"


CASES = [
    ViewCase(
        "event_list",
        school_url("audit:event_list"),
        "headteacher",
        "cctv_admin",
        setup=make_events,
        check=shows_own_school_only,
    ),
    ViewCase(
        "event_list_dpo",
        lambda ctx: reverse("audit:event_list"),
        "dpo",
        "cctv_admin",
        trust_wide=True,
        setup=make_events,
        check=shows_everything,
    ),
    ViewCase(
        "event_csv",
        school_url("audit:event_csv"),
        "headteacher",
        "cctv_admin",
        setup=make_events,
        check=exported_own_school,
    ),
    ViewCase(
        "event_csv_dpo",
        lambda ctx: reverse("audit:event_csv"),
        "dpo",
        "designated_person",
        trust_wide=True,
        setup=make_events,
        check=exported_everything,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_view_permissions(case: ViewCase, school, other_school) -> None:
    run_view_case(case, {"school": school, "other_school": other_school})


@pytest.fixture
def head(school):
    return person(Role.HEADTEACHER, school)


def event(
    at: dt.datetime, *, action: str = "test.event", actor_name: str = "someone", school=None, **kw: Any
):
    """A row written straight to the table, at a chosen time (the chain is not what these tests are about).

    Numbered from FIRST_SEQ, clear of the events that signing in records through the chain."""
    seq = max(AuditEvent.objects.aggregate(m=Max("seq"))["m"] or 0, FIRST_SEQ - 1) + 1
    return AuditEvent.objects.create(
        seq=seq,
        at=at,
        actor_name=actor_name,
        school=school,
        action=action,
        prev_hash="0" * 64,
        hash=secrets.token_hex(32),
        **kw,
    )


def listed(client: Client, **query: Any) -> list[int]:
    response = client.get(reverse("audit:event_list"), query)
    assert response.status_code == 200
    return [e.seq for e in response.context["page"] if e.action != "people.signed_in"]


def test_headteacher_without_a_school_filter_sees_own_school_only(client, head, school, other_school) -> None:
    sign_in(client, head)
    ours = event(dt.datetime(2025, 1, 1, tzinfo=UTC), school=school)
    event(dt.datetime(2025, 1, 1, tzinfo=UTC), school=other_school)
    event(dt.datetime(2025, 1, 1, tzinfo=UTC))
    assert listed(client) == [ours.seq]


def test_filters_person_action_and_school(client, school, other_school) -> None:
    sign_in(client, person(Role.DPO, None))
    at = dt.datetime(2025, 1, 1, tzinfo=UTC)
    a = event(at, action="estate.camera_registered", actor_name="jsmith", school=school)
    b = event(at, action="people.role_granted", actor_name="jsmithers", school=school)
    c = event(at, action="people.role_granted", actor_name="akhan", school=other_school)
    assert listed(client, person="SMITH") == [b.seq, a.seq]
    assert listed(client, action="role_granted") == [c.seq, b.seq]
    assert listed(client, action="role_granted", person="smith") == [b.seq]
    assert listed(client, school=other_school.pk) == [c.seq]
    page = client.get(reverse("audit:event_list")).content.decode()
    assert '<option value="people.role_granted">' in page  # the distinct actions are offered


def test_dates_are_local_uk_dates(client, school) -> None:
    sign_in(client, person(Role.DPO, None))
    # 23:30 UTC on 1 July is 00:30 on 2 July in London (BST); 23:30 UTC on 1 January is still 1 January.
    summer = event(dt.datetime(2025, 7, 1, 23, 30, tzinfo=UTC), school=school)
    winter = event(dt.datetime(2025, 1, 1, 23, 30, tzinfo=UTC), school=school)
    before = event(dt.datetime(2025, 7, 1, 22, 59, tzinfo=UTC), school=school)  # 23:59 on 1 July, BST
    assert listed(client, date_from="2025-07-02", date_to="2025-07-02") == [summer.seq]
    assert listed(client, date_from="2025-07-01", date_to="2025-07-01") == [before.seq]
    assert listed(client, date_from="2025-01-01", date_to="2025-01-01") == [winter.seq]
    assert listed(client, date_to="2025-06-30") == [winter.seq]
    page = client.get(reverse("audit:event_list"), {"date_from": "2025-07-02"}).content.decode()
    assert "02/07/2025 00:30:00" in page  # shown in local time, UK format


def test_a_backwards_date_range_is_an_error_not_everything(client, school) -> None:
    sign_in(client, person(Role.DPO, None))
    event(dt.datetime(2025, 7, 1, tzinfo=UTC), school=school)
    response = client.get(reverse("audit:event_list"), {"date_from": "2025-07-02", "date_to": "2025-07-01"})
    assert "before the ‘from’ date" in response.content.decode()
    assert list(response.context["page"]) == []


def test_a_school_outside_reach_is_404(client, head, other_school) -> None:
    sign_in(client, head)
    assert client.get(reverse("audit:event_list"), {"school": other_school.pk}).status_code == 404
    assert client.get(reverse("audit:event_csv"), {"school": other_school.pk}).status_code == 404
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


def test_fifty_events_a_page_newest_first(client, school) -> None:
    sign_in(client, person(Role.DPO, None))
    for minute in range(120):
        event(
            dt.datetime(2025, 3, 1, 9, minute % 60, tzinfo=UTC) + dt.timedelta(hours=minute // 60),
            school=school,
        )
    first = listed(client)
    assert len(first) == 50 and first[0] == FIRST_SEQ + 119 and first[-1] == FIRST_SEQ + 70
    third = listed(client, page=3)
    assert third == list(range(FIRST_SEQ + 19, FIRST_SEQ - 1, -1))
    page = client.get(reverse("audit:event_list"), {"action": "test", "page": 2}).content.decode()
    assert "Page 2 of 3" in page and "action=test&amp;page=3" in page


def test_csv_export_matches_the_filter_and_is_recorded(client, head, school) -> None:
    record("people.role_granted", school=school, reason="granted", details={"role": "live_viewer"})
    record("estate.camera_registered", school=school, reason='=HYPERLINK("http://evil")')
    sign_in(client, head)
    response = client.get(reverse("audit:event_csv"), {"action": "role_granted", "date_from": "2020-01-01"})
    rows = csv_rows(response)
    assert [row[4] for row in rows[1:]] == ["people.role_granted"]
    assert rows[1][7] == '{"role": "live_viewer"}'
    assert dt.datetime.fromisoformat(rows[1][1]).utcoffset() is not None  # local time with its offset
    # People read the UK time in the last column (issue 15 §5); "time" stays ISO for programs.
    assert rows[0][-1] == "UK time" and rows[1][-1] == uk_datetime(
        dt.datetime.fromisoformat(rows[1][1]), seconds=True
    )
    export = AuditEvent.objects.get(action="audit.exported")
    assert export.actor == head and export.school == school  # a Headteacher's export shows in their own log
    assert export.details["filter"] == {
        "school": None,
        "person": "",
        "action": "role_granted",
        "date_from": "2020-01-01",
        "date_to": None,
    }
    formula = csv_rows(client.get(reverse("audit:event_csv"), {"action": "camera"}))
    assert formula[1][6] == '\'=HYPERLINK("http://evil")'  # never run as a formula by a spreadsheet


def test_audit_nav_link_only_for_audit_viewers(head, school) -> None:
    url = reverse("audit:event_list")
    assert f'href="{url}"' in sign_in(Client(), head).get("/").content.decode()
    admin = person(Role.CCTV_ADMIN, school)
    assert f'href="{url}"' not in sign_in(Client(), admin).get("/").content.decode()
