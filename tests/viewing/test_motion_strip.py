"""The player's motion strip (design/viewing.md): the page carries motion scores only for the segments the
authorisation lets this person play (9.2) — not those before or after its window, nor other cameras'."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import sign_in
from tests.factories import CameraFactory, person
from tests.viewing.conftest import RECORDED, approved
from tests.viewing.footage import store_footage
from watchkeeper.people.models import Role
from watchkeeper.recording.models import Segment
from watchkeeper.recording.motion import MOTION_THRESHOLD

pytestmark = pytest.mark.django_db
S = timedelta(seconds=1)


def test_the_player_shows_motion_only_of_authorised_segments(school, pieces) -> None:
    gate = CameraFactory(school=school, name="Main gate")
    playground = CameraFactory(school=school, name="Yard")
    gate_segments = store_footage(gate, RECORDED, pieces)  # six 2 s segments; the window holds 1–3
    yard_segments = store_footage(playground, RECORDED, pieces[:2])
    for n, segment in enumerate(gate_segments):
        Segment.objects.filter(pk=segment.pk).update(motion=[0.11 + n / 100, 0.51 + n / 100])
    Segment.objects.filter(pk__in=[s.pk for s in yard_segments]).update(motion=[0.77, 0.77])
    reviewer = person(Role.FOOTAGE_REVIEWER, school)
    auth = approved(reviewer, [gate], RECORDED + 2 * S, RECORDED + 8 * S)

    response = sign_in(Client(), reviewer).get(reverse("viewing:player", args=[auth.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    (data,) = [json.loads(t) for t in re.findall(r'<script id="camera-data-\d+"[^>]*>(.*?)</script>', page)]
    assert [s["motion"] for s in data["segments"]] == [[0.12, 0.52], [0.13, 0.53], [0.14, 0.54]]
    assert data["motion_threshold"] == MOTION_THRESHOLD
    for unauthorised in ("0.11", "0.51", "0.15", "0.55", "0.16", "0.56", "0.77"):
        assert unauthorised not in page
    assert 'class="motion"' in page and "Jump to next motion" in page


def test_segments_not_yet_analysed_have_an_empty_strip(school, pieces) -> None:
    gate = CameraFactory(school=school, name="Main gate")
    store_footage(gate, RECORDED, pieces[:2])
    reviewer = person(Role.FOOTAGE_REVIEWER, school)
    auth = approved(reviewer, [gate], RECORDED, RECORDED + 4 * S)
    response = sign_in(Client(), reviewer).get(reverse("viewing:player", args=[auth.pk]))
    (data,) = [
        json.loads(t)
        for t in re.findall(r'<script id="camera-data-\d+"[^>]*>(.*?)</script>', response.content.decode())
    ]
    assert [s["motion"] for s in data["segments"]] == [[], []]
