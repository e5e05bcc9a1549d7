"""What the estate pages do: policy refusals shown with their clause and nothing saved (5.2–5.4, 6.1, 7.1,
13.1), activation once the DPIA and sign exist, audit events for every change, other schools' cameras 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.factories import (
    ApprovedDPIAFactory,
    CameraFactory,
    DPIAFactory,
    GrantFactory,
    SignFactory,
    UserFactory,
    VehicleFactory,
    person,
)
from tests.refusals import refusals_on, shows_refusal
from watchkeeper.audit.models import AuditEvent
from watchkeeper.estate.models import Camera, CameraStatus, Vehicle
from watchkeeper.estate.services import set_privacy_zones
from watchkeeper.estate.streams import stream_address
from watchkeeper.people.models import Role

pytestmark = pytest.mark.django_db

SECRET_URL = "rtsp://admin:s3cret-pw@127.0.0.1:8554/gate"


def form_data(school: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "school": school.pk if school else None,  # None: the edit form has no school
        "name": "Gate camera",
        "location_description": "Main gate, facing the street door",
        "location_type": "entrance",
        "purposes": ["4.1.1", "4.1.3"],
        "visibly_sited": "on",
        "main_stream_url": SECRET_URL,
        "sub_stream_url": "",
        "retention_days": "30",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def admin(school):
    return person(Role.CCTV_ADMIN, school)


@pytest.fixture
def client_as(signed_in):
    return signed_in


@pytest.fixture
def admin_client(signed_in, admin):
    return signed_in(admin)


# --- Registering -------------------------------------------------------------------------------------------


def test_register_page_offers_every_location_and_purpose(admin_client, school):
    page = admin_client.get(reverse("estate:camera_register")).content.decode()
    for value in ("toilet", "changing_room", "vehicle_dash", "entrance"):
        assert f'value="{value}"' in page
    for purpose in ("4.1.1", "4.1.2", "4.1.3", "4.1.4"):
        assert f'value="{purpose}"' in page
    assert 'value="30"' in page  # 13.1: the default retention is the maximum
    for label in ("Name", "Location description", "Location type", "Retention (days)"):
        assert f">{label}</label>" in page


def test_register_lists_only_schools_where_the_user_may_change(admin_client, school, other_school):
    page = admin_client.get(reverse("estate:camera_register")).content.decode()
    assert school.name in page
    assert other_school.name not in page


def test_register_success_redirects_to_detail_with_message(admin_client, school):
    response = admin_client.post(reverse("estate:camera_register"), form_data(school), follow=True)
    camera = Camera.objects.get(name="Gate camera")
    assert response.redirect_chain[-1][0] == reverse("estate:camera_detail", args=[camera.pk])
    assert "Gate camera is registered; it stays proposed" in response.content.decode()
    assert camera.purposes == ["4.1.1", "4.1.3"]
    assert stream_address(camera) == SECRET_URL
    assert camera.retention_days == 30


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("toilet", "5.4: cameras may not be sited in a toilet"),
        ("changing_room", "5.4: cameras may not be sited in a changing room"),
        ("vehicle_internal", "5.2: minibus positions are only for cameras fitted to a minibus"),
    ],
)
def test_register_refuses_forbidden_locations(admin_client, school, location, message):
    response = admin_client.post(reverse("estate:camera_register"), form_data(school, location_type=location))
    assert response.status_code == 400
    assert shows_refusal(response, message)
    assert not Camera.objects.exists()
    assert not AuditEvent.objects.filter(action="estate.camera_registered").exists()
    page = response.content.decode()
    assert 'value="Main gate, facing the street door"' in page  # what was typed is kept
    assert f'value="{location}" selected' in page


def test_register_refuses_retention_over_30_days(admin_client, school):
    response = admin_client.post(reverse("estate:camera_register"), form_data(school, retention_days="31"))
    assert response.status_code == 400
    assert shows_refusal(response, "13.1: retention is at most 30 days (asked for 31)")
    assert not Camera.objects.exists()
    assert 'value="31"' in response.content.decode()


def test_register_refuses_camera_without_purpose(admin_client, school):
    response = admin_client.post(reverse("estate:camera_register"), form_data(school, purposes=None))
    assert response.status_code == 400
    assert shows_refusal(response, "4.1: name at least one purpose")
    assert not Camera.objects.exists()


def test_minibus_camera_must_use_a_minibus_position(admin_client, school):
    vehicle = VehicleFactory(school=school)
    data = form_data(school, vehicle=vehicle.pk, location_type="entrance")
    response = admin_client.post(reverse("estate:camera_register"), data)
    assert response.status_code == 400
    assert shows_refusal(response, "5.2: a minibus camera must be internal, dash or rear view")
    assert not Camera.objects.exists()

    response = admin_client.post(reverse("estate:camera_register"), {**data, "location_type": "vehicle_dash"})
    assert response.status_code == 302
    assert Camera.objects.get().vehicle == vehicle


def test_minibus_of_another_school_is_refused(signed_in, school, other_school, admin):
    GrantFactory(user=admin, school=other_school, role=Role.CCTV_ADMIN)
    vehicle = VehicleFactory(school=other_school)
    data = form_data(school, vehicle=vehicle.pk, location_type="vehicle_rear")
    response = signed_in(admin).post(reverse("estate:camera_register"), data)
    assert response.status_code == 400
    assert shows_refusal(response, "5.2: that minibus belongs to another school")
    assert not Camera.objects.exists()


def test_register_refuses_duplicate_name_in_school(admin_client, school):
    CameraFactory(school=school, name="Gate camera")
    response = admin_client.post(reverse("estate:camera_register"), form_data(school))
    assert response.status_code == 400
    assert "already has a camera called Gate camera" in response.content.decode()
    assert Camera.objects.count() == 1


def test_register_refuses_a_stream_url_that_is_not_a_stream(admin_client, school):
    response = admin_client.post(reverse("estate:camera_register"), form_data(school, main_stream_url="gate"))
    assert response.status_code == 400
    assert "stream address starts with rtsp:// or rtsps://" in response.content.decode()
    assert not Camera.objects.exists()


def test_register_for_another_school_is_404(admin_client, other_school):
    response = admin_client.post(reverse("estate:camera_register"), form_data(other_school))
    assert response.status_code == 404
    assert not Camera.objects.exists()
    assert admin_client.get(reverse("estate:camera_register") + "?school=abc").status_code == 404


# --- The detail page and activation -----------------------------------------------------------------------


def test_detail_hides_stream_passwords(admin_client, school):
    camera = CameraFactory(school=school, main_stream_url=SECRET_URL, sub_stream_url=SECRET_URL + "/sub")
    page = admin_client.get(reverse("estate:camera_detail", args=[camera.pk])).content.decode()
    assert "s3cret-pw" not in page
    assert "rtsp://admin:•••@127.0.0.1:8554/gate" in page


def test_detail_lists_what_stops_activation(admin_client, school):
    camera = CameraFactory(school=school, name="Gate camera")
    response = admin_client.get(reverse("estate:camera_detail", args=[camera.pk]))
    page = response.content.decode()
    assert 'id="activation-problems"' in page
    assert shows_refusal(response, "7.1: no approved DPIA covers Gate camera")
    assert shows_refusal(response, "6.1: the school has no checked CCTV sign at an entrance point")
    for button in (">Activate<", ">Decommission<"):
        assert button in page
    assert ">Suspend<" not in page  # a proposed camera cannot be suspended


def test_detail_shows_covering_dpias_to_compliance_roles_only(signed_in, school):
    camera = CameraFactory(school=school)
    ApprovedDPIAFactory(school=school, title="Gate cameras DPIA 2025", cameras=[camera])
    url = reverse("estate:camera_detail", args=[camera.pk])
    assert "Gate cameras DPIA 2025" in signed_in(person(Role.HEADTEACHER, school)).get(url).content.decode()
    page = signed_in(person(Role.LIVE_VIEWER, school)).get(url).content.decode()
    assert "Gate cameras DPIA 2025" not in page
    assert ">Activate<" not in page  # no estate.change: no status buttons


@pytest.mark.clause("7.1", "R2")
def test_activation_refused_until_dpia_and_sign_exist(admin_client, school):
    camera = CameraFactory(school=school, name="Gate camera")
    url = reverse("estate:camera_status", args=[camera.pk])

    response = admin_client.post(url, {"status": "active"})
    assert response.status_code == 400
    assert shows_refusal(response, "7.1: no approved DPIA covers Gate camera")
    assert shows_refusal(response, "6.1: the school has no checked CCTV sign at an entrance point")
    camera.refresh_from_db()
    assert camera.status == CameraStatus.PROPOSED
    assert not AuditEvent.objects.filter(action="estate.camera_status_changed").exists()

    DPIAFactory(school=school, cameras=[camera])  # a draft does not count (7.1)
    response = admin_client.post(url, {"status": "active"})
    assert response.status_code == 400
    assert shows_refusal(response, "7.1: no approved DPIA covers Gate camera")

    ApprovedDPIAFactory(school=school, cameras=[camera])
    SignFactory(school=school)
    response = admin_client.post(url, {"status": "active", "reason": "DPIA approved"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("estate:camera_detail", args=[camera.pk])
    assert "Gate camera is now active" in response.content.decode()
    camera.refresh_from_db()
    assert camera.status == CameraStatus.ACTIVE
    event = AuditEvent.objects.get(action="estate.camera_status_changed")
    assert (event.details, event.reason) == ({"from": "proposed", "to": "active"}, "DPIA approved")


def test_camera_viewing_beyond_premises_needs_privacy_zones(admin_client, admin, school):
    camera = CameraFactory(school=school, views_beyond_premises=True)
    ApprovedDPIAFactory(school=school, cameras=[camera])
    SignFactory(school=school)
    url = reverse("estate:camera_status", args=[camera.pk])

    response = admin_client.post(url, {"status": "active"})
    assert response.status_code == 400
    shown = [plain for clause, plain in refusals_on(response) if clause == "policy 5.3"]
    # In the refusal, and in the page's own list of what stops activation.
    assert 'id="refusal"' in response.content.decode() and len(shown) == 2
    assert all(plain.startswith("This camera may view beyond the premises") for plain in shown)
    camera.refresh_from_db()
    assert camera.status == CameraStatus.PROPOSED

    set_privacy_zones(admin, camera, [[[0, 0], [0.5, 0], [0.5, 0.5]]])
    assert admin_client.post(url, {"status": "active"}).status_code == 302
    camera.refresh_from_db()
    assert camera.status == CameraStatus.ACTIVE


def test_suspend_and_decommission_are_audited(admin_client, school):
    camera = CameraFactory(school=school, status=CameraStatus.ACTIVE)
    url = reverse("estate:camera_status", args=[camera.pk])
    assert admin_client.post(url, {"status": "suspended", "reason": "Lens damaged"}).status_code == 302
    assert admin_client.post(url, {"status": "decommissioned"}).status_code == 302
    camera.refresh_from_db()
    assert camera.status == CameraStatus.DECOMMISSIONED
    steps = AuditEvent.objects.filter(action="estate.camera_status_changed").order_by("seq")
    assert [e.details["to"] for e in steps] == ["suspended", "decommissioned"]
    assert steps[0].reason == "Lens damaged"

    response = admin_client.post(url, {"status": "active"})
    assert response.status_code == 400
    assert shows_refusal(response, "7.1: a decommissioned camera cannot become active")
    assert 'id="status-form"' not in response.content.decode()  # nothing further to offer


def test_status_change_needs_a_valid_status(admin_client, school):
    camera = CameraFactory(school=school)
    url = reverse("estate:camera_status", args=[camera.pk])
    assert admin_client.post(url, {"status": "exploded"}).status_code == 400
    assert admin_client.get(url).status_code == 405
    camera.refresh_from_db()
    assert camera.status == CameraStatus.PROPOSED


# --- Editing -----------------------------------------------------------------------------------------------


def test_edit_keeps_the_stored_password_when_the_masked_url_comes_back(admin_client, school):
    camera = CameraFactory(
        school=school, name="Gate camera", main_stream_url=SECRET_URL, purposes=["4.1.1", "4.1.3"]
    )
    url = reverse("estate:camera_edit", args=[camera.pk])
    page = admin_client.get(url).content.decode()
    assert "s3cret-pw" not in page
    masked = "rtsp://admin:•••@127.0.0.1:8554/gate"
    assert f'value="{masked}"' in page

    data = form_data(
        None, main_stream_url=masked, retention_days="14", location_description=camera.location_description
    )
    assert admin_client.post(url, data).status_code == 302
    camera.refresh_from_db()
    assert (stream_address(camera), camera.retention_days) == (SECRET_URL, 14)
    assert "s3cret-pw" not in camera.main_stream_url  # sealed on the way (issue 14 §5)
    event = AuditEvent.objects.get(action="estate.camera_updated")
    assert event.details == {"retention_days": [30, 14]}


def test_edit_refused_by_policy_changes_nothing(admin_client, school):
    camera = CameraFactory(school=school, name="Gate camera")
    url = reverse("estate:camera_edit", args=[camera.pk])
    response = admin_client.post(url, form_data(None, location_type="toilet", name="Loo cam"))
    assert response.status_code == 400
    assert shows_refusal(response, "5.4: cameras may not be sited in a toilet")
    assert "Edit Gate camera" in response.content.decode()
    assert 'value="Loo cam"' in response.content.decode()
    camera.refresh_from_db()
    assert (camera.name, camera.location_type) == ("Gate camera", "entrance")
    assert not AuditEvent.objects.filter(action="estate.camera_updated").exists()


def test_edit_refuses_a_name_taken_in_the_school(admin_client, school):
    CameraFactory(school=school, name="Hall camera")
    camera = CameraFactory(school=school, name="Gate camera")
    response = admin_client.post(
        reverse("estate:camera_edit", args=[camera.pk]), form_data(None, name="Hall camera")
    )
    assert response.status_code == 400
    camera.refresh_from_db()
    assert camera.name == "Gate camera"


# --- Another school's cameras ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("estate:camera_detail", "get"),
        ("estate:camera_edit", "get"),
        ("estate:camera_edit", "post"),
        ("estate:camera_status", "post"),
    ],
)
def test_another_schools_camera_is_404(admin_client, school, other_school, name, method):
    camera = CameraFactory(school=other_school, name="Their camera")
    data = form_data(None, name="Renamed") if name.endswith("edit") else {"status": "active"}
    response = getattr(admin_client, method)(
        reverse(name, args=[camera.pk]), data if method == "post" else {}
    )
    assert response.status_code == 404
    camera.refresh_from_db()
    assert (camera.name, camera.status) == ("Their camera", CameraStatus.PROPOSED)


# --- Lists -------------------------------------------------------------------------------------------------


def test_camera_list_filters_by_school_and_status(signed_in, school, other_school):
    dpo = person(Role.DPO, None)
    CameraFactory(school=school, name="North gate", status=CameraStatus.ACTIVE)
    CameraFactory(school=school, name="North hall")
    CameraFactory(school=other_school, name="South gate", status=CameraStatus.ACTIVE)
    client = signed_in(dpo)
    url = reverse("estate:camera_list")

    def names(query: dict[str, Any]) -> set[str]:
        page = client.get(url, query).content.decode()
        return {n for n in ("North gate", "North hall", "South gate") if n in page}

    assert names({}) == {"North gate", "North hall", "South gate"}
    assert names({"school": school.pk}) == {"North gate", "North hall"}
    assert names({"status": "active"}) == {"North gate", "South gate"}
    assert names({"school": school.pk, "status": "proposed"}) == {"North hall"}
    assert client.get(url, {"status": "exploded"}).status_code == 404


def test_register_link_only_for_those_who_may_change(signed_in, school):
    CameraFactory(school=school)
    url = reverse("estate:camera_list")
    assert "Register a camera" in signed_in(person(Role.CCTV_ADMIN, school)).get(url).content.decode()
    assert "Register a camera" not in signed_in(person(Role.LIVE_VIEWER, school)).get(url).content.decode()


def test_list_columns(signed_in, school):
    CameraFactory(
        school=school,
        name="Bus cam",
        vehicle=VehicleFactory(school=school, registration="MB99 BUS"),
        location_type="vehicle_internal",
        retention_days=7,
        status=CameraStatus.SUSPENDED,
    )
    page = signed_in(person(Role.LIVE_VIEWER, school)).get(reverse("estate:camera_list")).content.decode()
    for text in (
        "Bus cam",
        school.name,
        "Minibus MB99 BUS",
        "Minibus: internal",
        "4.1.1, 4.1.2, 4.1.3, 4.1.4",
        '<span class="badge suspended">Suspended</span>',
        "7 days",
    ):
        assert text in page


def test_no_role_at_all_is_refused_the_lists(signed_in, school):
    client = signed_in(UserFactory(profile=school))
    assert client.get(reverse("estate:camera_list")).status_code == 403
    assert client.get(reverse("estate:vehicle_list")).status_code == 403


# --- Minibuses ---------------------------------------------------------------------------------------------


def test_vehicle_register_refuses_a_duplicate_registration(signed_in, school):
    VehicleFactory(school=school, registration="AB12 CDE")
    client = signed_in(person(Role.HEADTEACHER, school))
    data = {"school": school.pk, "registration": "ab12 cde", "description": ""}
    response = client.post(reverse("estate:vehicle_register"), data)
    assert response.status_code == 400
    assert shows_refusal(response, "5.2: a minibus with registration AB12 CDE is already registered")
    assert Vehicle.objects.count() == 1
    assert not AuditEvent.objects.filter(action="estate.vehicle_registered").exists()


def test_vehicle_register_success_shows_in_list(signed_in, school):
    client = signed_in(person(Role.HEADTEACHER, school))
    data = {"school": school.pk, "registration": "xy70 bus", "description": "Blue minibus"}
    response = client.post(reverse("estate:vehicle_register"), data, follow=True)
    page = response.content.decode()
    assert "Minibus XY70 BUS is registered" in page
    assert "Blue minibus" in page


def test_lists_show_only_the_users_schools(signed_in, school, other_school):
    CameraFactory(school=school, name="North gate")
    CameraFactory(school=other_school, name="South gate")
    VehicleFactory(school=school, registration="NORTH 1")
    VehicleFactory(school=other_school, registration="SOUTH 1")
    client = signed_in(person(Role.LIVE_VIEWER, school))
    cameras = client.get(reverse("estate:camera_list")).content.decode()
    assert "North gate" in cameras
    assert "South gate" not in cameras
    assert other_school.name not in cameras  # not even offered as a filter
    vehicles = client.get(reverse("estate:vehicle_list")).content.decode()
    assert "NORTH 1" in vehicles
    assert "SOUTH 1" not in vehicles


def test_the_only_school_is_chosen_already(admin_client, school):
    for name in ("estate:camera_register", "estate:vehicle_register"):
        page = admin_client.get(reverse(name)).content.decode()
        assert f'<option value="{school.pk}" selected>{school.name}</option>' in page
