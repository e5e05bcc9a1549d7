"""The Jobs page and its self-refreshing table: who sees which jobs (jobs.view)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.factories import person
from tests.permission_case import ViewCase, run_view_case
from watchkeeper.jobs import services
from watchkeeper.people.models import Role

pytestmark = pytest.mark.django_db


def make_jobs(ctx: dict[str, Any]) -> None:
    services.queue("ours", "export_ours", school_id=ctx["school"].pk)
    services.start("ours", "export_ours", now=timezone.now())
    services.progress("ours", 45, "ours-message")
    services.queue("theirs", "export_theirs", school_id=ctx["other_school"].pk)
    services.finish("theirs", "theirs-message", now=timezone.now())
    services.queue("trust", "retention_sweep")
    services.fail("trust", "trust-message", now=timezone.now())


def shows_own_school_only(ctx: dict[str, Any], response: Any) -> None:
    page = response.content.decode()
    assert "ours-message" in page and "theirs-message" not in page and "trust-message" not in page
    assert '<progress max="100" value="45"' in page and '<span class="badge warn">Running</span>' in page


def shows_everything(ctx: dict[str, Any], response: Any) -> None:
    page = response.content.decode()
    assert "ours-message" in page and "theirs-message" in page and "trust-message" in page
    assert '<span class="badge bad">Failed</span>' in page and '<span class="badge ok">Done</span>' in page


def refreshes_itself(ctx: dict[str, Any], response: Any) -> None:
    page = response.content.decode()
    assert 'hx-trigger="every 5s"' in page and f'hx-get="{reverse("jobs:job_table")}?' in page
    assert "<html" not in page  # the table alone, swapped in by htmx


def for_school(name: str) -> Any:
    return lambda ctx: f"{reverse(name)}?school={ctx['school'].pk}"


CASES = [
    ViewCase(
        "job_list",
        for_school("jobs:job_list"),
        Role.CCTV_ADMIN,
        Role.FOOTAGE_REVIEWER,
        setup=make_jobs,
        check=shows_own_school_only,
    ),
    ViewCase(
        "job_list_dpo",
        lambda ctx: reverse("jobs:job_list"),
        Role.DPO,
        Role.LIVE_VIEWER,
        trust_wide=True,
        setup=make_jobs,
        check=shows_everything,
    ),
    ViewCase(
        "job_table",
        for_school("jobs:job_table"),
        Role.HEADTEACHER,
        Role.SAR_HANDLER,
        setup=make_jobs,
        check=lambda ctx, response: (shows_own_school_only(ctx, response), refreshes_itself(ctx, response)),
    ),
    ViewCase(
        "job_table_dpo",
        lambda ctx: reverse("jobs:job_table"),
        Role.DPO,
        Role.BOARD_MEMBER,
        trust_wide=True,
        setup=make_jobs,
        check=lambda ctx, response: (shows_everything(ctx, response), refreshes_itself(ctx, response)),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_view_permissions(case: ViewCase, school, other_school) -> None:
    run_view_case(case, {"school": school, "other_school": other_school})


def test_filters_by_job_and_status(school) -> None:
    services.queue("a", "retention_sweep")
    services.finish("a", "sweep-done", now=timezone.now())
    services.queue("b", "disk_pressure")
    services.fail("b", "disk-failed", now=timezone.now())
    client = sign_in(Client(), person(Role.DPO, None))
    page = client.get(reverse("jobs:job_list"), {"name": "disk_pressure"}).content.decode()
    assert "disk-failed" in page and "sweep-done" not in page
    page = client.get(reverse("jobs:job_list"), {"status": "done"}).content.decode()
    assert "sweep-done" in page and "disk-failed" not in page


def test_the_nav_shows_jobs_only_to_holders(school) -> None:
    link = f'href="{reverse("jobs:job_list")}"'
    admin = sign_in(Client(), person(Role.CCTV_ADMIN, school))
    assert link in admin.get(reverse("site:dashboard")).content.decode()
    reviewer = sign_in(Client(), person(Role.FOOTAGE_REVIEWER, school))
    assert link not in reviewer.get(reverse("site:dashboard")).content.decode()
