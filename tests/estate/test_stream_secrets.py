"""A camera's stream addresses (9.1, 9.6; issue 14 §5): RTSP only, the password sealed under the school key
at entry and never shown after it (`user:•••@`), a masked edit keeping the stored password."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from tests.estate.test_views import SECRET_URL, form_data
from tests.factories import CameraFactory, person
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.estate import services, streams
from watchkeeper.estate.models import Camera
from watchkeeper.people.models import Role
from watchkeeper.recording.reference import FrameUnavailable, grab_jpeg

pytestmark = pytest.mark.django_db
MASKED = "rtsp://admin:•••@127.0.0.1:8554/gate"


@pytest.fixture
def admin(school: Any) -> Any:
    return person(Role.CCTV_ADMIN, school)


@pytest.fixture
def admin_client(signed_in: Any, admin: Any) -> Any:
    return signed_in(admin)


def _raw_row(camera: Camera) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT main_stream_url, sub_stream_url, stream_secret FROM estate_camera WHERE id = %s",
            [camera.pk],
        )
        return " ".join(cursor.fetchone())


def _register(actor: Any, school: Any, **fields: Any) -> Camera:
    terms = {
        "name": "Gate camera",
        "location_description": "Main gate",
        "location_type": "entrance",
        "purposes": ["4.1.1"],
        "main_stream_url": SECRET_URL,
    }
    return services.register_camera(actor, school, **{**terms, **fields})


@pytest.mark.clause("9.1")
def test_the_password_is_sealed_at_rest_and_given_back_only_to_connect(admin, school) -> None:
    camera = _register(admin, school, sub_stream_url="rtsp://viewer:other-pw@127.0.0.1:8554/gate/sub")
    row = _raw_row(camera)
    assert "s3cret-pw" not in row and "other-pw" not in row and camera.stream_secret
    camera = Camera.objects.get(pk=camera.pk)
    assert streams.stream_address(camera) == SECRET_URL
    assert streams.stream_address(camera, "sub") == "rtsp://viewer:other-pw@127.0.0.1:8554/gate/sub"
    assert streams.shown(camera) == MASKED
    assert "s3cret-pw" not in str(AuditEvent.objects.get(action="estate.camera_registered").details)


@pytest.mark.clause("9.1")
def test_a_masked_edit_keeps_the_password_and_a_typed_one_replaces_it(admin, school) -> None:
    camera = _register(admin, school)
    services.update_camera(admin, camera, main_stream_url=MASKED, retention_days=14)
    assert streams.stream_address(Camera.objects.get(pk=camera.pk)) == SECRET_URL
    services.update_camera(admin, camera, main_stream_url="rtsp://admin:new-pw@127.0.0.1:8554/gate")
    assert streams.stream_address(Camera.objects.get(pk=camera.pk)).endswith(
        "admin:new-pw@127.0.0.1:8554/gate"
    )
    services.update_camera(admin, camera, main_stream_url="rtsp://127.0.0.1:8554/gate")
    assert Camera.objects.get(pk=camera.pk).stream_secret == ""


@pytest.mark.clause("9.1")
def test_the_edit_page_shows_the_masked_address_only(admin_client, admin, school) -> None:
    camera = _register(admin, school)
    page = admin_client.get(reverse("estate:camera_edit", args=[camera.pk])).content.decode()
    assert f'value="{MASKED}"' in page and "s3cret-pw" not in page
    detail = admin_client.get(reverse("estate:camera_detail", args=[camera.pk])).content.decode()
    assert MASKED in detail and "s3cret-pw" not in detail


@pytest.mark.clause("9.6")
@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/admin", "https://intranet/", "file:///etc/passwd"])
def test_only_rtsp_addresses_are_accepted(admin_client, admin, school, url: str) -> None:
    with pytest.raises(PolicyRefusal, match="rtsp:// or rtsps://"):
        _register(admin, school, main_stream_url=url)
    response = admin_client.post(reverse("estate:camera_register"), form_data(school, main_stream_url=url))
    assert response.status_code == 400
    assert "starts with rtsp:// or rtsps://" in response.content.decode()
    assert not Camera.objects.exists()
    with pytest.raises(FrameUnavailable):
        grab_jpeg(url, timeout=0.5)


@pytest.mark.clause("9.1")
def test_the_migration_seals_passwords_typed_before(school) -> None:
    from importlib import import_module

    migration = import_module("watchkeeper.estate.migrations.0003_camera_stream_passwords_sealed")
    camera = CameraFactory(school=school, main_stream_url=SECRET_URL)
    migration.seal_passwords(apps, None)
    assert "s3cret-pw" not in _raw_row(camera)
    assert streams.stream_address(Camera.objects.get(pk=camera.pk)) == SECRET_URL


@pytest.mark.clause("9.6")
def test_an_address_saved_before_as_http_is_never_connected_to(school) -> None:
    camera = CameraFactory(school=school, main_stream_url="http://10.0.0.1/admin")
    assert streams.stream_address(camera) == ""
