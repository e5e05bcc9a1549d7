"""The maintenance schedule (12.1): pure due dates (clock passed in), the service and its refusals, overdue
checks in the inbox and on the dashboard, and the schedule page through the permission case."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from tests.conftest import sign_in
from tests.factories import CameraFactory, person
from tests.permission_case import ViewCase, run_view_case
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.registry import inbox_items
from watchkeeper.health import schedule
from watchkeeper.health.models import CheckResult, CheckType, MaintenanceSchedule
from watchkeeper.health.services import record_check, set_schedule
from watchkeeper.people.models import Role

HEAD, CCTV, LIVE = Role.HEADTEACHER, Role.CCTV_ADMIN, Role.LIVE_VIEWER


@pytest.mark.clause("12.1")
def test_next_due_counts_from_the_last_check_or_the_schedule() -> None:
    assert schedule.next_due(None, date(2026, 1, 1), 30) == date(2026, 1, 31)
    assert schedule.next_due(date(2026, 3, 1), date(2026, 1, 1), 30) == date(2026, 3, 31)
    assert schedule.is_overdue(date(2026, 3, 31), date(2026, 4, 1))
    assert not schedule.is_overdue(date(2026, 3, 31), date(2026, 3, 31))


@pytest.mark.django_db
@pytest.mark.clause("12.1")
def test_an_overdue_check_is_in_the_inbox_and_on_the_dashboard_until_done(school) -> None:
    now = timezone.now()
    admin = person(CCTV, school)
    camera = CameraFactory(school=school, name="Gate camera")
    set_schedule(admin, school, camera, CheckType.PICTURE_QUALITY, 30, now=now - timedelta(days=40))
    set_schedule(admin, school, None, CheckType.SIGNAGE, 90, now=now - timedelta(days=40))
    items = [item for item in inbox_items(admin, now) if item.key.startswith("health.scheduled")]
    assert len(items) == 1 and items[0].overdue(now) and "Picture quality" in items[0].title
    page = sign_in(Client(), admin).get(reverse("site:dashboard")).content.decode()
    assert "Overdue maintenance checks" in page
    record_check(admin, school, camera, CheckType.PICTURE_QUALITY, CheckResult.OK, "", now, now=now)
    assert not [item for item in inbox_items(admin, now) if item.key.startswith("health.scheduled")]
    set_schedule(admin, school, camera, CheckType.PICTURE_QUALITY, 14, now=now)  # changed, not doubled
    assert MaintenanceSchedule.objects.count() == 2


@pytest.mark.django_db
def test_schedule_refusals(school, other_school) -> None:
    now, head = timezone.now(), person(HEAD, school)
    theirs = CameraFactory(school=other_school)
    with pytest.raises(PolicyRefusal, match="another school"):
        set_schedule(head, school, theirs, CheckType.CLOCK, 30, now=now)
    with pytest.raises(PolicyRefusal, match="not a manual check"):
        set_schedule(head, school, None, CheckType.FROZEN, 30, now=now)
    with pytest.raises(PermissionDenied):
        set_schedule(person(LIVE, school), school, None, CheckType.SIGNAGE, 30, now=now)


def cameras(ctx: dict[str, Any]) -> None:
    ctx["camera"] = CameraFactory(school=ctx["school"], name="Gate camera")


CASES = [
    ViewCase(
        "schedule-get",
        lambda ctx: f"{reverse('health:schedule')}?school={ctx['school'].pk}",
        HEAD,
        LIVE,
        setup=cameras,
    ),
    ViewCase(
        "schedule-post",
        lambda ctx: reverse("health:schedule"),
        CCTV,
        LIVE,
        method="post",
        ok=(302,),
        setup=cameras,
        data=lambda ctx: {
            "school": ctx["school"].pk,
            "camera": ctx["camera"].pk,
            "check_type": CheckType.HOUSING,
            "every_days": 60,
        },
        check=lambda ctx, response: MaintenanceSchedule.objects.get(camera=ctx["camera"], set_by=ctx["user"]),
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_permission_case(case: ViewCase, school, other_school) -> None:
    run_view_case(case, {"school": school, "other_school": other_school})


@pytest.mark.django_db
@pytest.mark.clause("12.1")
def test_an_overdue_camera_check_links_to_the_form_with_that_camera_and_check_chosen(school) -> None:
    # Issue 15: the inbox item led to the form with "the school as a whole" chosen, so recording it
    # logged a school-wide check and the camera's check stayed overdue.
    now = timezone.now()
    admin = person(CCTV, school)
    camera = CameraFactory(school=school, name="Gate camera")
    CameraFactory(school=school, name="Yard camera")
    set_schedule(admin, school, camera, CheckType.PICTURE_QUALITY, 30, now=now - timedelta(days=40))
    (item,) = [item for item in inbox_items(admin, now) if item.key.startswith("health.scheduled")]
    client = sign_in(Client(), admin)
    assert escape(item.url) in client.get(reverse("health:schedule")).content.decode()
    assert escape(item.url) in client.get(reverse("site:dashboard")).content.decode()
    form = client.get(item.url).context["form"]
    assert form.initial["camera"] == str(camera.pk)
    assert form.initial["check_type"] == CheckType.PICTURE_QUALITY
    page = client.get(item.url).content.decode()
    assert f'<option value="{camera.pk}" selected>' in page
    posted = {"school": school.pk, "camera": camera.pk, "check_type": CheckType.PICTURE_QUALITY}
    at = timezone.localtime(now).strftime("%Y-%m-%dT%H:%M")
    posted |= {"result": CheckResult.OK, "notes": "", "at": at}
    assert client.post(item.url, posted).status_code == 302
    assert not [item for item in inbox_items(admin, now) if item.key.startswith("health.scheduled")]
