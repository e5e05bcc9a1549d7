"""run_health_checks end to end (12.1): real encrypted segments, decrypted and decoded in memory; alerts
opened and closed, each logged in the maintenance log and audited; the command."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from tests.factories import CameraFactory
from tests.health.conftest import BLACK, MOVING, allowed_camera, clip, recording_now, segment
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.actors import SYSTEM
from watchkeeper.estate.models import CameraStatus
from watchkeeper.health.frames import sample
from watchkeeper.health.models import Alert, AlertKind, CheckResult, EntryKind, MaintenanceEntry
from watchkeeper.health.services import run_health_checks, set_reference_view
from watchkeeper.recording.models import CameraState, StreamState
from watchkeeper.recording.recorder import announce_start
from watchkeeper.recording.storage import absolute

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(seconds=10)


def open_kinds(camera) -> set[str]:
    return set(Alert.objects.open().filter(camera=camera).values_list("kind", flat=True))


def audited(action: str, alert: Alert) -> AuditEvent:
    return AuditEvent.objects.get(action=action, object_id=str(alert.pk))


@pytest.mark.clause("12.1", "R27")
def test_a_black_picture_opens_an_alert_and_a_working_one_closes_it(school):
    camera = allowed_camera(school, name="Gate camera")
    recording_now(camera, NOW)
    segment(camera, NOW - timedelta(seconds=1), clip(BLACK))

    run = run_health_checks(NOW)

    assert run.cameras == 1 and run.errors == []
    assert open_kinds(camera) == {AlertKind.BLACK}
    alert = Alert.objects.get(camera=camera)
    assert alert.opened_at == NOW and alert.detail.startswith("12.1: the picture is black")
    entry = MaintenanceEntry.objects.get(alert=alert)
    assert (entry.kind, entry.check_type, entry.result, entry.school) == (
        EntryKind.AUTOMATIC,
        AlertKind.BLACK,
        CheckResult.FAULT,
        school,
    )
    event = audited("health.alert_opened", alert)
    assert (event.actor_name, event.school, event.details["kind"]) == ("system", school, "black")

    # Run again with nothing changed: still one open alert, nothing logged twice.
    assert run_health_checks(NOW).opened == []
    assert Alert.objects.filter(camera=camera).count() == 1

    recording_now(camera, LATER)
    segment(camera, LATER - timedelta(seconds=1), clip(MOVING))
    run = run_health_checks(LATER)

    assert run.errors == [] and len(run.closed) == 1 and run.opened == []
    assert open_kinds(camera) == set()
    alert.refresh_from_db()
    assert alert.closed_at == LATER and alert.resolution.startswith("mean grey level")
    assert MaintenanceEntry.objects.filter(alert=alert, result=CheckResult.OK).count() == 1
    assert audited("health.alert_closed", alert).details["kind"] == "black"


def test_a_frozen_picture_opens_an_alert(school):
    camera = allowed_camera(school)
    recording_now(camera, NOW)
    segment(camera, NOW, clip(MOVING, vf="loop=loop=-1:size=1:start=0"))
    run_health_checks(NOW)
    assert open_kinds(camera) == {AlertKind.FROZEN}


def test_a_moving_picture_raises_nothing(school):
    camera = allowed_camera(school)
    recording_now(camera, NOW)
    segment(camera, NOW, clip(MOVING))
    run = run_health_checks(NOW)
    assert (run.opened, run.errors, open_kinds(camera)) == ([], [], set())


def test_a_blurred_picture_opens_an_alert(school):
    camera = allowed_camera(school)
    recording_now(camera, NOW)
    segment(camera, NOW, clip(MOVING, vf="gblur=sigma=12"))
    run_health_checks(NOW)
    assert open_kinds(camera) == {AlertKind.BLURRED}


def test_a_view_that_moved_from_its_reference_opens_an_alert(school):
    camera = allowed_camera(school)
    recording_now(camera, NOW)
    segment(camera, NOW - timedelta(seconds=10), clip(MOVING))
    set_reference_view(SYSTEM, camera, NOW)
    segment(camera, NOW, clip(MOVING, vf="crop=480:360:160:0,scale=640:360"))  # turned to the right
    run_health_checks(NOW)
    assert open_kinds(camera) == {AlertKind.VIEW_MOVED}


def test_stream_down_and_no_recording_open_then_close(school):
    camera = allowed_camera(school)
    recording_now(camera, NOW - timedelta(minutes=5))  # the recorder stopped reporting five minutes ago
    segment(camera, NOW - timedelta(minutes=5), clip(MOVING))
    run_health_checks(NOW)
    assert open_kinds(camera) == {AlertKind.STREAM_DOWN, AlertKind.NO_RECORDING}
    assert "offline for 5 min (the recorder is not running)" in Alert.objects.get(kind="stream_down").detail

    recording_now(camera, LATER)
    segment(camera, LATER, clip(MOVING))
    run_health_checks(LATER)
    assert open_kinds(camera) == set()
    assert MaintenanceEntry.objects.filter(camera=camera, result=CheckResult.OK).count() == 2


def test_a_stale_recording_is_not_decoded_and_its_picture_alerts_stay(school):
    camera = allowed_camera(school)
    recording_now(camera, NOW)
    segment(camera, NOW, clip(BLACK))
    run_health_checks(NOW)
    recording_now(camera, NOW + timedelta(minutes=10))
    run_health_checks(NOW + timedelta(minutes=10))  # nothing newer than the black segment
    assert open_kinds(camera) == {AlertKind.BLACK, AlertKind.NO_RECORDING}


def test_a_camera_the_gates_refuse_gets_no_alerts_and_its_open_ones_close(school):
    camera = CameraFactory(school=school, status=CameraStatus.ACTIVE)  # no DPIA, no sign
    Alert.objects.create(camera=camera, kind=AlertKind.STREAM_DOWN, opened_at=NOW, detail="down")
    run = run_health_checks(NOW)
    assert open_kinds(camera) == set()
    assert Alert.objects.get(camera=camera).resolution.startswith("not allowed to record: ")
    assert run.opened == []


def test_a_suspended_camera_is_not_checked_and_its_alerts_close(school):
    camera = allowed_camera(school, status=CameraStatus.SUSPENDED)
    Alert.objects.create(camera=camera, kind=AlertKind.BLACK, opened_at=NOW, detail="black")
    run = run_health_checks(NOW)
    assert run.cameras == 0 and open_kinds(camera) == set()
    assert Alert.objects.get(camera=camera).resolution == "the camera is suspended"


def test_a_segment_that_cannot_be_opened_is_reported_and_judges_nothing(school):
    camera = allowed_camera(school, name="Hall camera")
    recording_now(camera, NOW)
    damaged = segment(camera, NOW, clip(BLACK))
    path = absolute(damaged.blob_path)
    sealed = path.read_bytes()
    path.write_bytes(sealed[:-1] + bytes([sealed[-1] ^ 0xFF]))  # a change even where the byte was 0
    run = run_health_checks(NOW)
    assert len(run.errors) == 1 and run.errors[0].startswith("Hall camera: segment")
    assert "authentication failed" in run.errors[0]
    assert open_kinds(camera) == set()


def test_one_open_alert_per_camera_and_kind(school):
    camera = CameraFactory(school=school)
    Alert.objects.create(camera=camera, kind=AlertKind.BLACK, opened_at=NOW, detail="black")
    Alert.objects.create(camera=camera, kind=AlertKind.FROZEN, opened_at=NOW, detail="frozen")
    Alert.objects.create(camera=camera, kind=AlertKind.BLACK, opened_at=NOW, closed_at=NOW, detail="old")
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(camera=camera, kind=AlertKind.BLACK, opened_at=NOW, detail="again")


def test_key_frames_are_sampled_and_a_long_key_frame_interval_falls_back_to_three_frames(school):
    camera = CameraFactory(school=school)
    short = sample(segment(camera, NOW, clip(MOVING, gop=25)))
    assert len(short.frames) == 4 and short.seconds_apart == pytest.approx(3, abs=0.05)
    assert short.frames[0].shape == (180, 320)
    long = sample(segment(camera, LATER, clip(MOVING, gop=1000)))
    assert len(long.frames) == 3 and long.seconds_apart == pytest.approx(3.8, abs=0.1)


def test_the_command_runs_the_checks_once(school, capsys):
    camera = allowed_camera(school, name="Yard camera")
    recording_now(camera, NOW)
    segment(camera, NOW, clip(BLACK))
    call_command("health_check", "--now", NOW.isoformat())
    out = capsys.readouterr().out
    assert "opened: Yard camera: 12.1: the picture is black" in out
    assert "Checked 1 camera(s): 1 alert(s) opened, 0 closed." in out


def stopped_last_night(camera) -> None:
    """What the recorder left when it was stopped nine hours ago: its last segment and an offline state."""
    night = NOW - timedelta(hours=9)
    segment(camera, night, clip(MOVING))
    CameraState.objects.update_or_create(
        camera=camera,
        defaults={"state": StreamState.OFFLINE, "since": night, "detail": "stopped", "updated_at": night},
    )


@pytest.mark.clause("12.1", "R27")
def test_a_recorder_that_is_starting_raises_no_false_alert_and_one_that_never_starts_does(school):
    """Issue 15 §5: in the first minute after start-up the state the last run left is not a fault. The
    recorder (and `watchkeeper up`, before it starts the recorder) says it is starting; without that,
    the same check opens two alerts; if the recorder never refreshes its state, they open a minute on."""
    camera = allowed_camera(school)
    stopped_last_night(camera)
    announce_start(NOW)
    assert CameraState.objects.get(camera=camera).state == StreamState.CONNECTING
    assert run_health_checks(NOW + timedelta(seconds=15)).opened == []

    later = NOW + timedelta(minutes=2)  # the recorder never refreshed: not running after all
    run_health_checks(later)
    assert open_kinds(camera) == {AlertKind.STREAM_DOWN, AlertKind.NO_RECORDING}


@pytest.mark.clause("12.1", "R27")
def test_without_the_start_up_announcement_the_stale_state_alerts_at_once(school):
    camera = allowed_camera(school)
    stopped_last_night(camera)
    run_health_checks(NOW + timedelta(seconds=15))
    assert open_kinds(camera) == {AlertKind.STREAM_DOWN, AlertKind.NO_RECORDING}
