"""Schools register (the trust's sites): listed for anyone with a role, added by the DPO only (3.5)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import sign_in
from tests.factories import person
from tests.permission_case import ViewCase, run_view_case
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.estate.models import School
from watchkeeper.estate.services import create_school
from watchkeeper.people.models import Role

pytestmark = pytest.mark.django_db


def lists_own_school_only(ctx, response) -> None:
    page = response.content.decode()
    assert ctx["school"].name in page and ctx["other_school"].name not in page


def school_added(ctx, response) -> None:
    school = School.objects.get(name="Westbrook Infants")
    assert response["Location"] == "/estate/schools/"
    assert AuditEvent.objects.filter(
        action="estate.school_created", actor=ctx["user"], school=school
    ).exists()


CASES = [
    ViewCase(
        "school_list",
        lambda ctx: f"/estate/schools/?school={ctx['school'].pk}",
        permitted="headteacher",
        wrong_role=None,
        check=lists_own_school_only,
    ),
    ViewCase(
        "school_register GET",
        lambda ctx: "/estate/schools/new/",
        permitted="dpo",
        wrong_role="headteacher",
        trust_wide=True,
    ),
    ViewCase(
        "school_register POST",
        lambda ctx: "/estate/schools/new/",
        permitted="dpo",
        wrong_role="headteacher",
        trust_wide=True,
        method="post",
        ok=(302,),
        data=lambda ctx: {"name": "Westbrook Infants", "address": "3 West Road"},
        check=school_added,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_school_view_permissions(case, school, other_school) -> None:
    run_view_case(case, {"school": school, "other_school": other_school})


def test_dpo_sees_every_school(school, other_school) -> None:
    page = sign_in(Client(), person(Role.DPO, None)).get("/estate/schools/").content.decode()
    assert school.name in page and other_school.name in page


def test_duplicate_school_name_is_refused_and_the_form_kept(school) -> None:
    client = sign_in(Client(), person(Role.DPO, None))
    response = client.post("/estate/schools/new/", {"name": school.name.upper(), "address": "Somewhere"})
    assert response.status_code == 400
    assert f"already has a school called {school.name.upper()}" in response.content.decode()
    assert 'value="' + school.name.upper() + '"' in response.content.decode()
    assert School.objects.filter(name__iexact=school.name).count() == 1


def test_headteacher_cannot_add_a_school_through_the_service(school) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        create_school(person(Role.HEADTEACHER, school), school.trust, "Sneaky School")
    with pytest.raises(PolicyRefusal):
        create_school(person(Role.DPO, None), school.trust, f"  {school.name} ")
