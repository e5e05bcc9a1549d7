"""The lawful footing of each camera (issue 13 §1): its lawful basis (UK GDPR Art 6; R1), the person
responsible for it (R6), and a place of type "other" described and confirmed not private by the DPO before
the camera may record (5.4). Pure checks first, then the services and pages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.estate.test_gates import TODAY, approved, camera, sign
from tests.factories import ApprovedDPIAFactory, CameraFactory, SignFactory, UserFactory, person
from tests.permission_case import ViewCase, run_view_case
from tests.refusals import shows_refusal
from watchkeeper.audit.models import AuditEvent
from watchkeeper.compliance.gates import activation_problems, compliance_exceptions
from watchkeeper.core.actors import SYSTEM
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.estate import services
from watchkeeper.estate.footing import cameras_not_for, footing_problems, not_private_problems
from watchkeeper.estate.models import Camera, CameraStatus, LawfulBasis, LocationType
from watchkeeper.people.models import Role

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
LI_REFUSAL = "4.1: An academy trust is a public authority: legitimate interests (Art 6(1)(f))"


# --- Pure checks -------------------------------------------------------------------------------------------


@pytest.mark.clause("4.1", "R1")
def test_public_task_is_the_default_lawful_basis():
    assert Camera().lawful_basis == LawfulBasis.PUBLIC_TASK
    assert footing_problems(camera()) == []


@pytest.mark.clause("4.1", "R1")
def test_legitimate_interests_needs_a_recorded_reason():
    chosen = camera(lawful_basis=LawfulBasis.LEGITIMATE_INTERESTS)
    (problem,) = footing_problems(chosen)
    assert problem.startswith("4.1: An academy trust is a public authority: legitimate interests")
    assert "use public task (Art 6(1)(e))" in problem
    chosen.lawful_basis_reason = "Car park let to the leisure centre in the evenings, not a school task"
    assert footing_problems(chosen) == []
    assert footing_problems(camera(lawful_basis="consent")) == [
        "4.1: choose the camera's lawful basis (UK GDPR Art 6(1); normally public task)"
    ]


@pytest.mark.clause("5.4", "R4")
def test_a_place_of_type_other_is_described_in_words():
    (problem,) = footing_problems(camera(location_type=LocationType.OTHER))
    assert problem.startswith("5.4: a camera whose location type is “other” says in words what the place is")
    assert footing_problems(camera(location_type=LocationType.OTHER, place_description="Bike shed")) == []


@pytest.mark.clause("5.4", "R4")
def test_a_place_of_type_other_is_activated_only_once_the_dpo_confirmed_it():
    other = camera(location_type=LocationType.OTHER, place_description="Bike shed")
    problem = "5.4: the DPO has not yet confirmed that the place Gate camera looks at is not"
    assert not_private_problems(other)[0].startswith(problem)
    assert any(p.startswith(problem) for p in activation_problems(other, [approved()], [sign()], TODAY))
    other.not_private_confirmed_at = NOW
    assert not_private_problems(other) == []
    assert activation_problems(other, [approved()], [sign()], TODAY) == []
    assert not_private_problems(camera()) == []  # an entrance needs no confirmation


@pytest.mark.clause("5.4", "R4")
def test_an_active_unconfirmed_place_of_type_other_is_on_the_exceptions_list():
    other = camera(
        location_type=LocationType.OTHER, place_description="Bike shed", status=CameraStatus.ACTIVE
    )
    assert compliance_exceptions(other, [approved()], [sign()], TODAY) == [
        "5.4: a place of type “other” not confirmed by the DPO as not private"
    ]
    other.not_private_confirmed_at = NOW
    assert compliance_exceptions(other, [approved()], [sign()], TODAY) == []


@pytest.mark.clause("4.1", "11.2")
def test_cameras_not_for_a_purpose():
    gate, yard = camera(name="Gate", purposes=["4.1.4"]), camera(name="Yard", purposes=["4.1.1"])
    assert cameras_not_for([gate, yard], "4.1.4") == [yard]
    assert cameras_not_for([gate, yard], "4.1.1") == [gate]


# --- Services and pages ------------------------------------------------------------------------------------


@pytest.fixture
def dpo():
    return person(Role.DPO, None)


@pytest.fixture
def head(school):
    return person(Role.HEADTEACHER, school)


def other_camera(school: Any, **fields: Any) -> Camera:
    values = {"location_type": LocationType.OTHER, "place_description": "Forest school clearing"}
    return CameraFactory(school=school, name="Clearing", **{**values, **fields})


@pytest.mark.django_db
@pytest.mark.clause("5.4", "R4")
def test_activation_waits_for_the_dpos_confirmation(signed_in, school, head, dpo):
    cam = other_camera(school)
    ApprovedDPIAFactory(school=school, cameras=[cam])
    SignFactory(school=school)
    url = reverse("estate:camera_status", args=[cam.pk])

    response = signed_in(head).post(url, {"status": "active"})
    assert response.status_code == 400
    assert shows_refusal(response, "5.4: the DPO has not yet confirmed that the place Clearing looks at")
    assert "not-private-form" not in response.content.decode()  # the button is the DPO's alone

    with pytest.raises(PermissionDenied):
        services.confirm_not_private(head, cam, now=NOW)
    page = signed_in(dpo).get(reverse("estate:camera_detail", args=[cam.pk])).content.decode()
    assert 'id="not-private-form"' in page and "Forest school clearing" in page
    response = signed_in(dpo).post(reverse("estate:camera_not_private", args=[cam.pk]))
    assert response.status_code == 302
    cam.refresh_from_db()
    assert cam.not_private_confirmed_by == dpo and cam.not_private_confirmed_at is not None
    event = AuditEvent.objects.get(action="estate.not_private_confirmed")
    assert event.actor == dpo and event.details["place"] == "Forest school clearing"

    assert signed_in(head).post(url, {"status": "active"}).status_code == 302
    cam.refresh_from_db()
    assert cam.status == CameraStatus.ACTIVE


@pytest.mark.django_db
@pytest.mark.clause("5.4", "R4")
def test_a_new_description_of_the_place_needs_a_new_confirmation(school, head, dpo):
    cam = other_camera(school)
    services.confirm_not_private(dpo, cam, now=NOW)
    services.update_camera(head, cam, location_description="Now pointing at the pavilion")
    cam.refresh_from_db()
    assert cam.not_private_confirmed_at is None and cam.not_private_confirmed_by is None
    event = AuditEvent.objects.filter(action="estate.camera_updated").latest("pk")
    assert event.details["not_private_confirmed"] == [None, False]
    assert not_private_problems(cam)


@pytest.mark.django_db
@pytest.mark.clause("5.4")
def test_confirmation_is_only_for_a_described_place_of_type_other(school, dpo):
    with pytest.raises(PolicyRefusal, match="only a camera whose location type is “other”"):
        services.confirm_not_private(dpo, CameraFactory(school=school), now=NOW)
    undescribed = other_camera(school, place_description="")
    with pytest.raises(PolicyRefusal, match="must first say in words what the place is"):
        services.confirm_not_private(dpo, undescribed, now=NOW)
    with pytest.raises(PermissionDenied):
        services.confirm_not_private(SYSTEM, undescribed, now=NOW)  # the DPO, in their own name


@pytest.mark.django_db
@pytest.mark.clause("4.1", "R1")
def test_registering_with_legitimate_interests_warns_and_asks_for_a_reason(signed_in, school, head):
    from tests.estate.test_views import form_data

    client = signed_in(head)
    data = form_data(school, lawful_basis="legitimate_interests")
    response = client.post(reverse("estate:camera_register"), data)
    assert response.status_code == 400
    assert shows_refusal(response, LI_REFUSAL)
    assert not Camera.objects.exists()

    data["lawful_basis_reason"] = "Car park let to the leisure centre in the evenings"
    assert client.post(reverse("estate:camera_register"), data).status_code == 302
    cam = Camera.objects.get()
    assert cam.lawful_basis == LawfulBasis.LEGITIMATE_INTERESTS
    page = client.get(reverse("estate:camera_detail", args=[cam.pk])).content.decode()
    assert "Legitimate interests — UK GDPR Art 6(1)(f)" in page
    assert 'id="lawful-basis-warning"' in page and "leisure centre" in page


@pytest.mark.django_db
@pytest.mark.clause("4.1", "R1")
def test_registering_without_choosing_gives_public_task(signed_in, school, head):
    from tests.estate.test_views import form_data

    assert signed_in(head).post(reverse("estate:camera_register"), form_data(school)).status_code == 302
    assert Camera.objects.get().lawful_basis == LawfulBasis.PUBLIC_TASK
    page = signed_in(head).get(reverse("estate:camera_list")).content.decode()
    assert "Public task — UK GDPR Art 6(1)(e)" in page


@pytest.mark.django_db
@pytest.mark.clause("3.2", "R6")
def test_the_responsible_person_is_shown_where_the_camera_is(signed_in, school, head):
    deputy = person(Role.DESIGNATED_PERSON, school, first_name="Dana", last_name="Deputy")
    head.first_name, head.last_name = "Helen", "Head"
    head.save()
    cam = CameraFactory(school=school, name="Gate")
    client = signed_in(head)

    services.set_school_responsible(head, school, head)
    event = AuditEvent.objects.get(action="estate.school_responsible_set")
    assert event.details == {"school": school.pk, "from": None, "to": head.pk}
    for url in (reverse("estate:camera_detail", args=[cam.pk]), reverse("estate:camera_list")):
        assert "Helen Head" in client.get(url).content.decode()

    response = client.post(reverse("estate:camera_responsible", args=[cam.pk]), {"person": deputy.pk})
    assert response.status_code == 302
    cam.refresh_from_db()
    assert cam.responsible() == deputy
    assert AuditEvent.objects.filter(action="estate.camera_responsible_set").exists()
    page = client.get(reverse("estate:camera_detail", args=[cam.pk])).content.decode()
    assert "Dana Deputy" in page and "(for this camera)" in page
    assert "Helen Head" in client.get(reverse("estate:school_list")).content.decode()

    services.set_camera_responsible(head, cam, None)  # back to the school's
    cam.refresh_from_db()
    assert cam.responsible() == head


@pytest.mark.django_db
@pytest.mark.clause("3.2", "R6")
def test_the_responsible_person_holds_a_role_at_the_school(signed_in, school, other_school, head):
    stranger = person(Role.HEADTEACHER, other_school)
    response = signed_in(head).post(
        reverse("estate:school_responsible", args=[school.pk]), {"person": stranger.pk}
    )
    assert response.status_code == 400  # not offered: the form refuses it
    with pytest.raises(PolicyRefusal, match="must be a member of staff holding a role at"):
        services.set_school_responsible(head, school, UserFactory(profile=school))
    school.refresh_from_db()
    assert school.responsible_person is None
    assert services.set_school_responsible(head, school, person(Role.DPO, None)).responsible_person


def _named(ctx: dict[str, Any], response: Any) -> None:
    ctx["school"].refresh_from_db()
    assert ctx["school"].responsible_person == ctx["user"]


def _confirmed(ctx: dict[str, Any], response: Any) -> None:
    ctx["camera"].refresh_from_db()
    assert ctx["camera"].not_private_confirmed_by == ctx["user"]


def _make_other(ctx: dict[str, Any]) -> None:
    ctx["camera"] = other_camera(ctx["school"])


CASES = [
    ViewCase(
        "school_responsible_get",
        lambda ctx: reverse("estate:school_responsible", args=[ctx["school"].pk]),
        Role.HEADTEACHER,
        Role.CCTV_ADMIN,
    ),
    ViewCase(
        "school_responsible_post",
        lambda ctx: reverse("estate:school_responsible", args=[ctx["school"].pk]),
        Role.HEADTEACHER,
        Role.DESIGNATED_PERSON,
        method="post",
        data=lambda ctx: {"person": ctx["user"].pk if "user" in ctx else ""},
        ok=(302,),
        check=_named,
    ),
    ViewCase(
        "camera_responsible_get",
        lambda ctx: reverse("estate:camera_responsible", args=[ctx["camera"].pk]),
        Role.HEADTEACHER,
        Role.CCTV_ADMIN,
        setup=_make_other,
    ),
    ViewCase(
        "camera_not_private_post",
        lambda ctx: reverse("estate:camera_not_private", args=[ctx["camera"].pk]),
        Role.DPO,
        Role.HEADTEACHER,
        method="post",
        ok=(302,),
        trust_wide=True,
        setup=_make_other,
        check=_confirmed,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_permissions(case: ViewCase, school, other_school) -> None:
    run_view_case(case, {"school": school, "other_school": other_school})
