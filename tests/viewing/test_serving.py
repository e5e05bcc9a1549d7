"""Footage is served only under an approved, unexpired authorisation covering that camera and time (9.2),
held footage only to the CCTV system administrator (9.6), decrypted in memory to exactly what was recorded
(9.3), with byte ranges, and every served segment is an audit event (16).

The segments are real: an ffmpeg clip cut and muxed by the recording app, sealed and stored through its
write path (tests/viewing/footage.py)."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.factories import CameraFactory, GrantFactory, TrainingFactory, person
from tests.refusals import shows_refusal
from tests.viewing.conftest import RECORDED, approved
from tests.viewing.footage import store_footage
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.actors import SYSTEM
from watchkeeper.people.models import Role, RoleGrant
from watchkeeper.recording.models import HoldPurpose
from watchkeeper.recording.services import place_hold
from watchkeeper.recording.storage import absolute

pytestmark = pytest.mark.django_db
S = timedelta(seconds=1)
# The window covers segments 1, 2 and 3 (2–8 s); segment 0 starts before it, 4 and 5 after.
START, END = RECORDED + 2 * S, RECORDED + 8 * S


@pytest.fixture
def gate(school):
    return CameraFactory(school=school, name="Main gate")


@pytest.fixture
def playground(school):
    return CameraFactory(school=school, name="Playground")


@pytest.fixture
def segments(gate, pieces):
    return store_footage(gate, RECORDED, pieces)


@pytest.fixture
def playground_segments(playground, pieces):
    return store_footage(playground, RECORDED, pieces)


@pytest.fixture
def reviewer(school):
    return person(Role.FOOTAGE_REVIEWER, school)


@pytest.fixture
def auth(reviewer, gate, segments):
    return approved(reviewer, [gate], START, END)


@pytest.fixture
def client_for():
    return lambda user: sign_in(Client(), user)


def segment_url(auth, segment, part: str = "segment") -> str:
    return reverse(f"viewing:{part}", args=[auth.pk, segment.pk])


def served():
    return list(AuditEvent.objects.filter(action="viewing.segment_served").order_by("seq"))


def test_a_served_segment_is_exactly_the_recorded_plaintext(client_for, reviewer, auth, segments, pieces):
    segment = segments[1]
    response = client_for(reviewer).get(segment_url(auth, segment))
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == segment.sha256
    assert response.content == pieces[1][0]
    assert response["Content-Type"] == "video/mp4" and response["Accept-Ranges"] == "bytes"
    assert "no-store" in response["Cache-Control"]  # no copy in the browser's disk cache either (9.1)
    [event] = served()
    assert (event.actor, event.school, event.object_id) == (reviewer, auth.school, str(segment.pk))
    assert event.details == {
        "authorisation": auth.pk,
        "camera": segment.camera_id,
        "camera_name": "Main gate",
        "start": segment.start.isoformat(),
        "end": segment.end.isoformat(),
    }


@pytest.mark.clause("9.2", "R10")
def test_byte_ranges_join_to_the_segment_and_are_audited_once(client_for, reviewer, auth, segments, pieces):
    client, url, whole = client_for(reviewer), segment_url(auth, segments[2]), pieces[2][0]
    head = client.get(url, HTTP_RANGE="bytes=0-999")
    tail = client.get(url, HTTP_RANGE="bytes=1000-")
    assert (head.status_code, tail.status_code) == (206, 206)
    assert head["Content-Range"] == f"bytes 0-999/{len(whole)}"
    assert tail["Content-Range"] == f"bytes 1000-{len(whole) - 1}/{len(whole)}"
    assert head.content + tail.content == whole
    beyond = client.get(url, HTTP_RANGE=f"bytes={len(whole)}-")
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{len(whole)}"
    assert len(served()) == 1  # one event per person, segment and authorisation while it plays


def test_each_fetch_is_audited_when_the_repeat_interval_is_zero(
    client_for, reviewer, auth, segments, settings
):
    settings.WATCHKEEPER_VIEWING_AUDIT_REPEAT_SECONDS = 0
    client = client_for(reviewer)
    for _ in range(2):
        assert client.get(segment_url(auth, segments[1]), HTTP_RANGE="bytes=0-9").status_code == 206
    assert len(served()) == 2


def test_the_hls_playlist_lists_the_covered_segments_and_its_parts_join_up(
    client_for, reviewer, auth, segments, pieces
):
    client = client_for(reviewer)
    response = client.get(reverse("viewing:playlist", args=[auth.pk, auth.cameras.get().pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/vnd.apple.mpegurl"
    lines = response.content.decode().splitlines()
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in lines
    media = [line for line in lines if line.endswith(".m4s")]
    assert media == [segment_url(auth, s, "segment_media") for s in segments[1:4]]
    init = client.get(segment_url(auth, segments[1], "segment_init")).content
    rest = client.get(media[0]).content
    assert init[4:8] == b"ftyp" and b"moov" in init and rest[4:8] == b"moof"
    assert init + rest == pieces[1][0]


@pytest.mark.parametrize(
    ("which", "reason"),
    [
        (0, "outside the authorised time window"),  # starts before the window
        (4, "outside the authorised time window"),  # starts where the window ends
        ("playground", "does not cover that camera"),  # in the window, another camera of the school
    ],
)
@pytest.mark.clause("9.2", "R9")
def test_footage_outside_the_window_or_camera_is_refused(
    client_for, reviewer, auth, segments, playground_segments, which, reason
):
    segment = playground_segments[2] if which == "playground" else segments[which]
    response = client_for(reviewer).get(segment_url(auth, segment))
    assert response.status_code == 403
    assert b"ftyp" not in response.content and not served()
    [refused] = AuditEvent.objects.filter(action="viewing.segment_refused")
    assert reason in refused.reason and refused.actor == reviewer


def test_another_schools_footage_is_not_found(client_for, reviewer, auth, other_school, pieces):
    theirs = store_footage(CameraFactory(school=other_school), RECORDED, pieces[1:2])[0]
    assert client_for(reviewer).get(segment_url(auth, theirs)).status_code == 404
    assert not served()


def expect_nothing_served(client, auth, segments, status: int) -> None:
    urls = [
        reverse("viewing:player", args=[auth.pk]),
        reverse("viewing:playlist", args=[auth.pk, segments[1].camera_id]),
        *(segment_url(auth, segments[1], part) for part in ("segment", "segment_init", "segment_media")),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == status, url
        assert b"ftyp" not in response.content and b"#EXTINF" not in response.content
    assert not served()


def test_an_expired_authorisation_serves_nothing(client_for, reviewer, gate, segments):
    expired = approved(reviewer, [gate], START, END, expires_in=-S)
    expect_nothing_served(client_for(reviewer), expired, segments, 403)
    response = client_for(reviewer).get(reverse("viewing:player", args=[expired.pk]))
    assert shows_refusal(response, "9.2: this authorisation has expired")


def test_a_request_not_yet_approved_serves_nothing(client_for, reviewer, auth, segments):
    auth.status = "pending"
    auth.save()
    expect_nothing_served(client_for(reviewer), auth, segments, 403)


@pytest.mark.clause("9.2")
def test_only_the_requester_sees_the_footage(client_for, school, auth, segments):
    colleague = person(Role.FOOTAGE_REVIEWER, school)
    expect_nothing_served(client_for(colleague), auth, segments, 404)
    head = person(Role.HEADTEACHER, school)  # the decider reads the request but does not see the footage
    expect_nothing_served(client_for(head), auth, segments, 404)


@pytest.mark.clause("9.2", "14.1")
def test_a_reviewer_who_lost_the_role_sees_nothing(client_for, reviewer, auth, segments):
    RoleGrant.objects.filter(user=reviewer).update(revoked_at=timezone.now())
    expect_nothing_served(client_for(reviewer), auth, segments, 404)


@pytest.mark.clause("9.6", "R12")
def test_held_footage_is_shown_only_to_the_cctv_administrator(
    client_for, school, reviewer, auth, gate, segments
):
    held = segments[2]
    review = timezone.localdate() + timedelta(days=30)
    place_hold(
        SYSTEM,
        school,
        [gate],
        held.start,
        held.end,
        "Evidence for incident 7",
        review,
        today=timezone.localdate(),
    )

    client = client_for(reviewer)
    response = client.get(segment_url(auth, held))
    assert response.status_code == 403 and not served()
    assert "9.6" in AuditEvent.objects.get(action="viewing.segment_refused").reason
    playlist = client.get(reverse("viewing:playlist", args=[auth.pk, gate.pk])).content.decode()
    assert str(held.pk) not in playlist and str(segments[1].pk) in playlist
    assert client.get(segment_url(auth, segments[1])).status_code == 200

    admin = person(Role.CCTV_ADMIN, school)
    GrantFactory(user=admin, school=school, role=Role.FOOTAGE_REVIEWER)
    TrainingFactory(user=admin, school=school)
    theirs = approved(admin, [gate], START, END)
    response = client_for(admin).get(segment_url(theirs, held))
    assert response.status_code == 200 and hashlib.sha256(response.content).hexdigest() == held.sha256


@pytest.mark.parametrize("purpose", [HoldPurpose.SUBJECT_ACCESS, HoldPurpose.DISCLOSURE])
def test_a_hold_for_an_open_request_keeps_the_footage_reviewable(
    client_for, school, reviewer, auth, gate, segments, purpose
):
    """Only evidential holds lock footage away (9.6); a hold while a request is answered does not (10.2)."""
    held = segments[2]
    review = timezone.localdate() + timedelta(days=30)
    place_hold(
        SYSTEM,
        school,
        [gate],
        held.start,
        held.end,
        "SAR 4 is open",
        review,
        purpose=purpose,
        today=timezone.localdate(),
    )
    response = client_for(reviewer).get(segment_url(auth, held))
    assert response.status_code == 200 and hashlib.sha256(response.content).hexdigest() == held.sha256


def player_data(response) -> list[dict]:
    found = re.findall(
        r'<script id="camera-data-\d+" type="application/json">(.*?)</script>', response.content.decode()
    )
    return [json.loads(text) for text in found]


def test_the_player_lists_each_cameras_segments_on_a_timeline(
    client_for, reviewer, gate, playground, segments
):
    auth = approved(reviewer, [gate, playground], START, END)
    response = client_for(reviewer).get(reverse("viewing:player", args=[auth.pk]))
    assert response.status_code == 200
    gate_data, playground_data = player_data(response)  # cameras by name: Main gate, Playground
    assert [s["id"] for s in gate_data["segments"]] == [str(s.pk) for s in segments[1:4]]
    assert [round(s["left"]) for s in gate_data["segments"]] == [0, 33, 67]
    assert playground_data["segments"] == []
    assert "No footage of this camera can be shown" in response.content.decode()
    assert not served()  # the page itself serves no footage


def test_an_unreadable_segment_is_reported_and_not_served(client_for, reviewer, auth, segments):
    absolute(segments[1].blob_path).unlink()
    response = client_for(reviewer).get(segment_url(auth, segments[1]))
    assert response.status_code == 500 and b"9.3" in response.content
    assert not served()
