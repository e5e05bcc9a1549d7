"""8.1 in the zone editor: the reference frame is a live picture, so a CCTV administrator who is not also
an approved live viewer sees it with the camera's existing privacy zones blacked out; one who is approved
sees it whole. Every frame shown is audited, saying whether zones were applied (estate/services.py)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from tests.conftest import sign_in
from tests.factories import CameraFactory, GrantFactory, person
from tests.recording.conftest import Simulator
from watchkeeper.audit.models import AuditEvent
from watchkeeper.people.models import Role
from watchkeeper.recording.simulator import stream_url

pytestmark = pytest.mark.django_db
LEFT_HALF = [[[0.0, 0.0], [0.5, 0.0], [0.5, 1.0], [0.0, 1.0]]]


def brightness(jpeg: bytes, left: bool) -> float:
    """Mean luma of the left or right half (a margin kept off the zone's edge)."""
    picture = Image.open(io.BytesIO(jpeg)).convert("L")
    width, height = picture.size
    box = (0, 0, int(width * 0.45), height) if left else (int(width * 0.55), 0, width, height)
    pixels = list(picture.crop(box).getdata())
    return sum(pixels) / len(pixels)


@pytest.mark.clause("8.1")
def test_the_frame_shows_existing_zones_unless_the_administrator_is_an_approved_live_viewer(
    simulator: Simulator, school
) -> None:
    camera = CameraFactory(
        school=school, main_stream_url=stream_url(simulator.port, 1), privacy_zones=LEFT_HALF
    )
    admin = person(Role.CCTV_ADMIN, school)
    url = reverse("estate:camera_reference_frame", args=[camera.pk])
    client = sign_in(Client(), admin)

    masked = client.get(url)
    assert masked.status_code == 200
    assert brightness(masked.content, left=True) < 20 < brightness(masked.content, left=False)

    GrantFactory(user=admin, school=school, trust=school.trust, role=Role.LIVE_VIEWER)  # approved (8.1)
    whole = client.get(url)
    assert whole.status_code == 200 and brightness(whole.content, left=True) > 20

    events = AuditEvent.objects.filter(action="estate.reference_frame_viewed").order_by("pk")
    assert [e.details["zones_applied"] for e in events] == [1, 0]
