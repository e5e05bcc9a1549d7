"""8.1 in the zone editor: the reference frame is a live picture, so a CCTV administrator who is not also
an approved live viewer sees it with the camera's existing privacy zones blacked out; one who is approved
sees it whole, and a picture taken whole is shown to nobody else. Every frame shown is audited, saying
whether zones were applied (estate/services.py). The picture is taken by the job worker's task."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from PIL import Image

from tests.conftest import sign_in
from tests.factories import CameraFactory, GrantFactory, person
from tests.recording.conftest import Simulator
from watchkeeper.audit.models import AuditEvent
from watchkeeper.people.models import Role, RoleGrant
from watchkeeper.recording import reference_frames
from watchkeeper.recording.models import ReferenceFrame
from watchkeeper.recording.simulator import stream_url
from watchkeeper.recording.tasks import reference_frame_take

pytestmark = pytest.mark.django_db
LEFT_HALF = [[[0.0, 0.0], [0.5, 0.0], [0.5, 1.0], [0.0, 1.0]]]


def brightness(jpeg: bytes, left: bool) -> float:
    """Mean luma of the left or right half (a margin kept off the zone's edge)."""
    picture = Image.open(io.BytesIO(jpeg)).convert("L")
    width, height = picture.size
    box = (0, 0, int(width * 0.45), height) if left else (int(width * 0.55), 0, width, height)
    pixels = list(picture.crop(box).getdata())
    return sum(pixels) / len(pixels)


def picture(client: Client, camera) -> Any:
    """What the editor's page does: ask, let the job worker's task take it (huey in immediate mode, as the
    worker would run it), ask how it went, fetch it."""
    asked = client.post(reverse("estate:camera_reference_request", args=[camera.pk]))
    assert asked.status_code == 202
    frame = ReferenceFrame.objects.latest("requested_at")
    HUEY.immediate = True
    try:
        reference_frame_take(str(frame.pk), school_id=camera.school_id)
    finally:
        HUEY.immediate = False
    answer = client.get(asked.json()["status"]).json()
    assert answer["state"] == "ready", answer
    return client.get(answer["picture"])


@pytest.mark.clause("8.1", "R8")
def test_the_frame_shows_existing_zones_unless_the_administrator_is_an_approved_live_viewer(
    simulator: Simulator, school, settings, tmp_path
) -> None:
    settings.DATA_DIR = tmp_path
    camera = CameraFactory(
        school=school, main_stream_url=stream_url(simulator.port, 1), privacy_zones=LEFT_HALF
    )
    admin = person(Role.CCTV_ADMIN, school)
    client = sign_in(Client(), admin)

    masked = picture(client, camera)
    assert masked.status_code == 200
    assert brightness(masked.content, left=True) < 20 < brightness(masked.content, left=False)

    grant = GrantFactory(user=admin, school=school, trust=school.trust, role=Role.LIVE_VIEWER)  # 8.1
    whole = picture(client, camera)
    assert whole.status_code == 200 and brightness(whole.content, left=True) > 20

    events = AuditEvent.objects.filter(action="estate.reference_frame_viewed").order_by("pk")
    assert [e.details["zones_applied"] for e in events] == [1, 0]

    # A picture taken whole is shown only to an approved live viewer: not to them once the grant is gone.
    client.post(reverse("estate:camera_reference_request", args=[camera.pk]))
    frame = ReferenceFrame.objects.latest("requested_at")
    assert frame.whole and frame.zones == []
    reference_frames.take(str(frame.pk), now=timezone.now())
    RoleGrant.objects.filter(pk=grant.pk).update(revoked_at=timezone.now())
    url = reverse("estate:camera_reference_frame", args=[camera.pk, frame.pk])
    assert client.get(url).status_code == 403
