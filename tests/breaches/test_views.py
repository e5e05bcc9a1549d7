"""The breach pages: a permission case for each (anonymous, another school, a wrong role, permitted), and
what the case page and the dashboard show (the countdown; overdue loud)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.factories import person
from tests.permission_case import ViewCase, dpo_posts, for_school, on, run_view_case
from watchkeeper.breaches import services
from watchkeeper.breaches.models import Breach
from watchkeeper.people.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.clause("15.1", "R26")]


def draft(ctx: dict[str, Any], hours_ago: int = 5) -> None:
    now = timezone.now()
    evidence = [services.Evidence("Package or copy #1", "/evidence/requests/1/")]
    ctx["breach"] = services.open_draft(
        "copy_lost", "A USB stick", evidence, now - timedelta(hours=hours_ago), school=ctx["school"]
    )


def decided_to_notify(ctx: dict[str, Any]) -> None:
    draft(ctx)
    dpo, now = person(Role.DPO, None), timezone.now()
    services.assess_risk(dpo, ctx["breach"], likelihood="likely", severity="severe", notes="n", now=now)
    services.decide_ico(dpo, ctx["breach"], decision="notify", reasons="", now=now)


def reported(ctx: dict[str, Any], response: Any) -> None:
    breach = Breach.objects.get(what_happened="A laptop showing the playground camera was stolen")
    assert breach.reported_by == ctx["user"] and breach.kind == "copy_lost"
    assert response["Location"] == reverse("site:dashboard")  # a reporter without breaches.view


def the_form(ctx: dict[str, Any]) -> dict[str, Any]:
    return {
        "school": ctx["school"].pk,
        "kind": "copy_lost",
        "what_happened": "A laptop showing the playground camera was stolen",
        "aware_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }


def when(hours_ago: int = 0) -> str:
    return timezone.localtime(timezone.now() - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M")


def changed(field: str, value: Any) -> Any:
    def check(ctx: dict[str, Any], response: Any) -> None:
        assert response.status_code == 302
        ctx["breach"].refresh_from_db()
        assert getattr(ctx["breach"], field) == value

    return check


def holds(fact: Any, csv: bool = False) -> Any:
    def check(ctx: dict[str, Any], response: Any) -> None:
        assert fact(ctx)
        if csv:
            assert b"".join(response.streaming_content).startswith(b"Reference,School")

    return check


def is_pdf(ctx: dict[str, Any], response: Any) -> None:
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


CASES = [
    ViewCase("list", for_school("breaches:list"), Role.HEADTEACHER, Role.FOOTAGE_REVIEWER, setup=draft),
    ViewCase(
        "list_dpo",
        lambda ctx: reverse("breaches:list"),
        Role.DPO,
        Role.BOARD_MEMBER,
        trust_wide=True,
        setup=draft,
        check=lambda ctx, response: (
            "Breaches: the policy covers fewer than the law" in response.content.decode()
        ),
    ),
    ViewCase("report_page", for_school("breaches:report"), Role.LIVE_VIEWER, None),
    ViewCase(
        "report_post",
        for_school("breaches:report"),
        Role.FOOTAGE_REVIEWER,
        None,
        method="post",
        data=the_form,
        ok=(302,),
        check=reported,
    ),
    ViewCase("detail", on("breach", "breaches:detail"), Role.HEADTEACHER, Role.FOOTAGE_REVIEWER, setup=draft),
    ViewCase(
        "report_pdf",
        on("breach", "breaches:report_pdf"),
        Role.DESIGNATED_PERSON,
        Role.CCTV_ADMIN,
        setup=draft,
        check=is_pdf,
    ),
    dpo_posts(
        "aware",
        on("breach", "breaches:aware"),
        Role.HEADTEACHER,
        data=lambda ctx: {"aware_at": when(30), "reason": "Known earlier"},
        setup=draft,
    ),
    dpo_posts(
        "assess",
        on("breach", "breaches:assess"),
        Role.HEADTEACHER,
        data=lambda ctx: {"likelihood": "remote", "severity": "minimal", "notes": "Encrypted"},
        setup=draft,
        check=changed("risk", "unlikely"),
    ),
    dpo_posts(
        "ico",
        on("breach", "breaches:ico"),
        Role.DESIGNATED_PERSON,
        data=lambda ctx: {"decision": "not_a_breach", "reasons": "Found in the office safe"},
        setup=draft,
        check=changed("ico_decision", "not_a_breach"),
    ),
    dpo_posts(
        "phase",
        on("breach", "breaches:phase"),
        Role.HEADTEACHER,
        data=lambda ctx: {"sent_at": when(), "nature": "12 pupils", "dpo_contact": "Dana Price"},
        setup=decided_to_notify,
        check=holds(lambda ctx: ctx["breach"].ico_phases.get().nature == "12 pupils"),
    ),
    dpo_posts(
        "individuals",
        on("breach", "breaches:individuals"),
        Role.HEADTEACHER,
        data=lambda ctx: {"decision": "exception_a", "reasons": "Encrypted; password safe"},
        setup=draft,
        check=changed("individuals_decision", "exception_a"),
    ),
    dpo_posts(
        "other",
        on("breach", "breaches:other"),
        Role.HEADTEACHER,
        data=lambda ctx: {"party": "police", "notified_at": when(), "reference": "CR/1"},
        setup=draft,
        check=holds(lambda ctx: ctx["breach"].other_notifications.get().reference == "CR/1"),
    ),
    ViewCase(
        "register_csv",
        for_school("breaches:register_csv"),
        Role.HEADTEACHER,
        Role.DESIGNATED_PERSON,
        setup=draft,
        check=holds(lambda ctx: True, csv=True),
    ),
    ViewCase(
        "register_pdf",
        for_school("breaches:register_pdf"),
        Role.HEADTEACHER,
        Role.SAR_HANDLER,
        setup=draft,
        check=is_pdf,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_view_permissions(case: ViewCase, school, other_school) -> None:
    run_view_case(case, {"school": school, "other_school": other_school})


def test_a_refused_decision_keeps_what_was_typed(school) -> None:
    ctx: dict[str, Any] = {"school": school}
    draft(ctx)
    client = sign_in(Client(), person(Role.DPO, None))
    response = client.post(reverse("breaches:ico", args=[ctx["breach"].pk]), {"decision": "not_notify"})
    page = response.content.decode()
    assert response.status_code == 400 and "Assess the risk to people" in page


def test_the_countdown_shows_on_the_case_and_the_dashboard_and_overdue_is_loud(school) -> None:
    ctx: dict[str, Any] = {"school": school}
    draft(ctx, hours_ago=80)
    client = sign_in(Client(), person(Role.DPO, None))
    page = client.get(reverse("breaches:detail", args=[ctx["breach"].pk])).content.decode()
    assert 'id="overdue"' in page and "OVERDUE by 8 h" in page
    dashboard = client.get(reverse("site:dashboard")).content.decode()
    assert 'id="breach-clocks"' in dashboard and f"{ctx['breach'].reference} is overdue" in dashboard
    head = sign_in(Client(), person(Role.HEADTEACHER, school))
    assert "OVERDUE by 8 h" in head.get(reverse("site:dashboard")).content.decode()


def test_the_report_form_starts_awareness_now(school) -> None:
    """Found on the walk: the required awareness time was empty, so "Report to the DPO" did nothing until a
    hurried reporter found the empty box; it now starts at the minute the form was opened (15.1)."""
    client = sign_in(Client(), person(Role.FOOTAGE_REVIEWER, school))
    page = client.get(reverse("breaches:report")).content.decode()
    assert re.search(r'name="aware_at" value="\d{4}-\d\d-\d\dT\d\d:\d\d"', page)
