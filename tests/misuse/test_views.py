"""The misuse pages (16): a permission case for each (anonymous, a wrong role, permitted; trust-wide, so no
other school), the alert page showing its rule's formula, and the dashboard and inbox of the DPO."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.factories import person
from tests.permission_case import ViewCase, dpo_posts, on, run_view_case, shows
from watchkeeper.core.registry import inbox_items
from watchkeeper.misuse import services
from watchkeeper.misuse.models import Alert, MisuseSettings, Outcome, SchoolDay
from watchkeeper.misuse.rules import Hit
from watchkeeper.people.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.clause("16")]


def alert(ctx: dict[str, Any]) -> None:
    reviewer = person(Role.FOOTAGE_REVIEWER, ctx["school"])
    key = f"a:{reviewer.pk}:{ctx['school'].pk}:2026-12-06"
    hit = Hit("a", reviewer.pk, ctx["school"].pk, key, "Footage seen at 21:40 on 06/12/2026", {})
    ctx["alert"] = services.raise_alerts([hit], timezone.now())[0]


def closed(ctx: dict[str, Any], response: Any) -> None:
    ctx["alert"].refresh_from_db()
    assert ctx["alert"].outcome == Outcome.SPOKE and ctx["alert"].decided_by == ctx["user"]


def saved(ctx: dict[str, Any], response: Any) -> None:
    assert MisuseSettings.objects.get().refusals_per_day == 7


def hours_saved(ctx: dict[str, Any], response: Any) -> None:
    assert SchoolDay.objects.filter(school=ctx["school"]).count() == 1


SETTINGS = {
    "spike_factor": "3",
    "spike_floor": "20",
    "refusals_per_day": "7",
    "unviewed_days": "14",
    "fetch_addresses": "2",
    "no_concern_keep_days": "90",
    "staff_notice_link": "https://trust.example/staff-privacy",
}

CASES = [
    ViewCase(
        "list",
        lambda ctx: reverse("misuse:list"),
        Role.DPO,
        Role.HEADTEACHER,
        trust_wide=True,
        setup=alert,
        check=shows("Footage seen at 21:40"),
    ),
    ViewCase(
        "detail",
        on("alert", "misuse:detail"),
        Role.DPO,
        Role.HEADTEACHER,
        trust_wide=True,
        setup=alert,
        check=shows("Fires for a person, school and day"),
    ),
    dpo_posts(
        "outcome",
        on("alert", "misuse:outcome"),
        Role.DESIGNATED_PERSON,
        data=lambda ctx: {"outcome": "spoke", "note": "Was covering a late event"},
        setup=alert,
        check=closed,
    ),
    dpo_posts(
        "settings",
        lambda ctx: reverse("misuse:settings"),
        Role.HEADTEACHER,
        data=lambda ctx: SETTINGS,
        check=saved,
    ),
    dpo_posts(
        "hours",
        lambda ctx: reverse("misuse:hours", args=[ctx["school"].pk]),
        Role.HEADTEACHER,
        data=lambda ctx: {"opens_0": "08:00", "closes_0": "16:00"},
        check=hours_saved,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_view_permissions(case: ViewCase, school, other_school) -> None:
    run_view_case(case, {"school": school, "other_school": other_school})


def test_the_dpo_sees_open_alerts_on_the_dashboard_and_in_the_inbox(school) -> None:
    ctx: dict[str, Any] = {"school": school}
    alert(ctx)
    dpo = person(Role.DPO, None)
    page = sign_in(Client(), dpo).get(reverse("site:dashboard")).content.decode()
    assert 'id="misuse-alerts"' in page and ctx["alert"].reference in page
    assert 'id="misuse-lawful"' in page and "not recorded" in page
    items = {item.key: item for item in inbox_items(dpo, timezone.now())}
    assert f"misuse.alert:{ctx['alert'].pk}" in items
    # The rule's name ends its sentence; the inbox joins it with " — ": no ". —" (issue 15 §5).
    title = items[f"misuse.alert:{ctx['alert'].pk}"].title
    assert ". —" not in title and title.endswith("hours — record the outcome (16)")
    head = person(Role.HEADTEACHER, school)
    assert f"misuse.alert:{ctx['alert'].pk}" not in [i.key for i in inbox_items(head, timezone.now())]


def test_a_refused_outcome_keeps_the_form(school) -> None:
    ctx: dict[str, Any] = {"school": school}
    alert(ctx)
    client = sign_in(Client(), person(Role.DPO, None))
    response = client.post(reverse("misuse:outcome", args=[ctx["alert"].pk]), {"outcome": "police_ico"})
    assert response.status_code == 400 and "in a few words what was done" in response.content.decode()
    assert Alert.objects.get().outcome == ""


def test_hours_with_one_time_of_a_day_are_refused(school) -> None:
    client = sign_in(Client(), person(Role.DPO, None))
    response = client.post(reverse("misuse:hours", args=[school.pk]), {"opens_1": "08:00"})
    assert response.status_code == 400 and "give both times, or neither" in response.content.decode()
