"""Issue 15 §4: the CCTV administrator reviews several holds together (9.6, 13.1) — one note, one next
review date, one fresh code — each hold checked and reviewed on its own, its history recording it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.factories import CameraFactory, person
from tests.permission_case import ViewCase, run_view_case
from tests.refusals import shows_refusal
from tests.viewing.conftest import code_for, wrong_code_for
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.people.models import Role
from watchkeeper.recording.models import Hold
from watchkeeper.recording.services import place_hold, release_hold, review_holds_together

pytestmark = pytest.mark.django_db
CCTV = Role.CCTV_ADMIN


def due_holds(school: Any, count: int = 2, *, review_in: int = 2) -> list[Hold]:
    camera = CameraFactory(school=school)
    admin = person(CCTV, school)
    now, today = timezone.now(), timezone.localdate()
    return [
        place_hold(
            admin,
            school,
            [camera],
            now - timedelta(days=3, hours=n),
            now - timedelta(days=2),
            f"Incident {n}: damage to the gate",
            today + timedelta(days=review_in),
            today=today,
        )
        for n in range(count)
    ]


def review(admin: Any, holds: list[Hold], **overrides: Any) -> list[Hold]:
    terms: dict[str, Any] = {
        "note": "The police investigation is open",
        "next_review_on": timezone.localdate() + timedelta(days=60),
        "code": code_for(admin),
        "now": timezone.now(),
    }
    terms.update(overrides)
    note, next_review_on = terms.pop("note"), terms.pop("next_review_on")
    return review_holds_together(admin, holds, note, next_review_on, **terms)


@pytest.mark.clause("9.6", "13.1")
def test_holds_are_reviewed_together_with_one_code_each_in_its_history(school) -> None:
    holds = due_holds(school, 3)
    admin = person(CCTV, school)
    review(admin, holds)
    later = timezone.localdate() + timedelta(days=60)
    assert set(Hold.objects.values_list("review_on", flat=True)) == {later}
    events = AuditEvent.objects.filter(action="recording.hold_reviewed")
    assert sorted(int(e.object_id) for e in events) == sorted(h.pk for h in holds)
    assert {e.actor for e in events} == {admin}


def test_nothing_is_reviewed_unless_every_hold_can_be(school) -> None:
    holds = due_holds(school, 2)
    admin = person(CCTV, school)
    release_hold(admin, holds[1], "Incident closed", now=timezone.now())
    with pytest.raises(PolicyRefusal, match="this hold has been released"):
        review(admin, holds)
    with pytest.raises(PolicyRefusal, match="13.1: the next review must be in the future"):
        review(admin, holds[:1], next_review_on=timezone.localdate())
    assert not AuditEvent.objects.filter(action="recording.hold_reviewed").exists()


def test_a_wrong_code_reviews_nothing_and_only_the_administrator_reviews(school) -> None:
    holds = due_holds(school, 2)
    with pytest.raises(PolicyRefusal, match="authenticator code"):
        review(person(CCTV, school), holds, code=wrong_code_for(person(CCTV, school)))
    head = person(Role.HEADTEACHER, school)
    with pytest.raises(PermissionDenied):
        review(head, holds, code=code_for(head))
    assert not AuditEvent.objects.filter(action="recording.hold_reviewed").exists()


# --- the page --------------------------------------------------------------------------------------------


def page_url(ctx: dict[str, Any]) -> str:
    return f"{reverse('recording:holds_review_together')}?school={ctx['school'].pk}"


def with_holds(ctx: dict[str, Any]) -> None:
    ctx["holds"] = due_holds(ctx["school"], 2)
    ctx["not_due"] = due_holds(ctx["school"], 1, review_in=30)[0]


def review_data(ctx: dict[str, Any]) -> dict[str, Any]:
    user = ctx.get("user")
    return {
        "holds": [h.pk for h in ctx["holds"]],
        "note": "Still needed for the police",
        "next_review_on": (timezone.localdate() + timedelta(days=60)).isoformat(),
        "code": code_for(user) if user else "000000",
    }


def lists_due_holds(ctx: dict[str, Any], response: Any) -> None:
    page = response.content.decode()
    for hold in ctx["holds"]:
        assert f"Hold #{hold.pk} — " in page
    assert f"Hold #{ctx['not_due'].pk} — " not in page  # not due within the week


def all_reviewed(ctx: dict[str, Any], response: Any) -> None:
    assert AuditEvent.objects.filter(action="recording.hold_reviewed").count() == 2


CASES = [
    ViewCase(
        "holds-together-page", page_url, CCTV, Role.HEADTEACHER, setup=with_holds, check=lists_due_holds
    ),
    ViewCase(
        "holds-together",
        page_url,
        CCTV,
        Role.HEADTEACHER,
        method="post",
        data=review_data,
        ok=(302,),
        setup=with_holds,
        check=all_reviewed,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_permission_case(case: ViewCase, school, other_school) -> None:
    run_view_case(case, {"school": school, "other_school": other_school})


def test_a_refused_review_shows_why_in_the_form(school) -> None:
    holds = due_holds(school, 1)
    admin = person(CCTV, school)
    data = {
        "holds": [holds[0].pk],
        "note": "Still needed",
        "next_review_on": timezone.localdate().isoformat(),
    }
    response = sign_in(Client(), admin).post(page_url({"school": school}), data | {"code": code_for(admin)})
    assert response.status_code == 400
    assert shows_refusal(response, "13.1: the next review must be in the future")
