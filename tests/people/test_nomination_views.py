"""The nominated alternates page (9.2, Appendix I): the DPO sees every school's nominations, the Headteacher
nominates and ends them, others are refused; a decider recuses from a request's page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.factories import CameraFactory, nominate, person
from tests.people.accounts import ask
from tests.permission_case import ViewCase, run_view_case
from watchkeeper.people.models import Nomination, Recusal, Role

pytestmark = pytest.mark.django_db
URL = reverse("people:nominations")


def nominations_at_both(ctx: dict[str, Any]) -> None:
    for school in (ctx["school"], ctx["other_school"]):
        nominate(
            person(Role.DESIGNATED_PERSON, school, nominated=False, last_name=f"Alt {school.name}"), school
        )


def shows_both(ctx: dict[str, Any], response: Any) -> None:
    text = response.content.decode()
    assert f"Alt {ctx['school'].name}" in text and f"Alt {ctx['other_school'].name}" in text


@pytest.mark.clause("Appendix I")
def test_the_dpo_sees_every_schools_nominations(school, other_school) -> None:
    ctx = {"school": school, "other_school": other_school}
    run_view_case(
        ViewCase(
            "nominations_dpo",
            lambda c: URL,
            "dpo",
            "cctv_admin",
            trust_wide=True,
            setup=nominations_at_both,
            check=shows_both,
        ),
        ctx,
    )


@pytest.mark.clause("Appendix I")
def test_a_headteacher_sees_their_schools_only_and_nominates(school, other_school) -> None:
    nominations_at_both({"school": school, "other_school": other_school})
    head = person(Role.HEADTEACHER, school)
    deputy = person(Role.DESIGNATED_PERSON, school, nominated=False, last_name="Newly")
    client = sign_in(Client(), head)
    text = client.get(URL).content.decode()
    assert f"Alt {school.name}" in text and f"Alt {other_school.name}" not in text
    today = timezone.localdate()
    grant = deputy.role_grants.get()
    response = client.post(
        URL,
        {
            "school": school.pk,
            "nominee": grant.pk,
            "decisions": ["viewing", "downloads"],
            "starts_on": today.isoformat(),
            "ends_on": today.isoformat(),
            "reason": "Trip",
        },
    )
    assert response.status_code == 302
    made = Nomination.objects.get(nominee=deputy)
    assert made.viewing and made.downloads and not made.deletions and made.nominated_by == head
    response = client.post(reverse("people:nomination_end", args=[made.pk]), {"reason": "Back"})
    made.refresh_from_db()
    assert made.ended_at is not None


@pytest.mark.clause("Appendix I")
def test_a_designated_person_may_not_nominate(school) -> None:
    deputy = person(Role.DESIGNATED_PERSON, school, nominated=False)
    client = sign_in(Client(), deputy)
    assert client.get(URL).status_code == 200  # they may read their school's
    today = timezone.localdate().isoformat()
    client.post(
        URL,
        {
            "school": school.pk,
            "nominee": deputy.role_grants.get().pk,
            "decisions": ["viewing"],
            "starts_on": today,
            "ends_on": today,
        },
    )
    assert not Nomination.objects.filter(nominee=deputy).exists()


@pytest.mark.clause("9.2")
def test_a_headteacher_recuses_from_a_request_page(school) -> None:
    head = person(Role.HEADTEACHER, school)
    auth = ask(person(Role.FOOTAGE_REVIEWER, school), CameraFactory(school=school))
    client = sign_in(Client(), head)
    response = client.post(reverse("people:recuse", args=["viewing", auth.pk]), {"reason": "I am in it"})
    assert response.status_code == 302
    assert Recusal.objects.get().person == head
    page = client.get(reverse("viewing:authorisation_detail", args=[auth.pk])).content.decode()
    assert "you recused yourself" in page


# --- The permission cases of ending a nomination and recusing (issue 14 §6: every URL has one) ----------


def nomination_to_end(ctx: dict[str, Any]) -> None:
    deputy = person(Role.DESIGNATED_PERSON, ctx["school"], nominated=False)
    ctx["nomination"] = nominate(deputy, ctx["school"])


def has_ended(ctx: dict[str, Any], response: Any) -> None:
    ctx["nomination"].refresh_from_db()
    assert ctx["nomination"].ended_at is not None  # and not before: the refused requests ran first


def request_to_recuse_from(ctx: dict[str, Any]) -> None:
    ctx["auth"] = ask(person(Role.FOOTAGE_REVIEWER, ctx["school"]), CameraFactory(school=ctx["school"]))


def has_recused(ctx: dict[str, Any], response: Any) -> None:
    assert [r.person for r in Recusal.objects.all()] == [ctx["user"]]


CASES = [
    ViewCase(
        "nomination_end",
        lambda ctx: reverse("people:nomination_end", args=[ctx["nomination"].pk]),
        Role.HEADTEACHER,
        Role.CCTV_ADMIN,
        method="post",
        data=lambda ctx: {"reason": "Back from the trip"},
        ok=(302,),
        setup=nomination_to_end,
        check=has_ended,
    ),
    ViewCase(
        "recuse",
        lambda ctx: reverse("people:recuse", args=["viewing", ctx["auth"].pk]),
        Role.HEADTEACHER,
        Role.LIVE_VIEWER,
        method="post",
        data=lambda ctx: {"reason": "I am in the footage"},
        ok=(302,),
        setup=request_to_recuse_from,
        check=has_recused,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
@pytest.mark.clause("9.2", "Appendix I")
def test_view_permissions(case: ViewCase, school, other_school) -> None:
    run_view_case(case, {"school": school, "other_school": other_school})
