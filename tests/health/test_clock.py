"""Clock drift (9.3): the camera's clock against the server's and the server's against its time
source — the pure decisions, the kernel's answer read as it is, and the run opening alerts for the CCTV
administrator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.health.conftest import MOVING, allowed_camera, clip, recording_now, segment
from watchkeeper.compliance import trust
from watchkeeper.core.actors import SYSTEM
from watchkeeper.health import clock
from watchkeeper.health.clock import (
    STA_UNSYNC,
    TIME_ERROR,
    ServerClock,
    adjtimex_state,
    camera_clock,
    server_clock,
)
from watchkeeper.health.models import Alert, AlertKind, MaintenanceEntry
from watchkeeper.health.services import run_health_checks
from watchkeeper.recording.models import Segment

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
IN_TIME = ServerClock(True, 0.005, "kernel (adjtimex)")
TWO = 2.0  # the DPO's default threshold


# --- pure decisions -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.clause("9.3")
def test_the_threshold_is_the_dpos_setting_two_seconds_by_default(school):
    assert trust.clock_drift_alert_seconds(school.pk) == trust.server_clock_alert_seconds() == 2
    trust.update_trust_settings(SYSTEM, school.trust, {"clock_drift_alert_seconds": 0.5}, now=NOW)
    assert trust.clock_drift_alert_seconds(school.pk) == trust.server_clock_alert_seconds() == 0.5


@pytest.mark.clause("9.3", "R20")
def test_a_camera_clock_more_than_two_seconds_out_is_a_fault_either_way():
    ahead = camera_clock([2500, 2600, 2400], TWO)
    assert ahead.fault is True and ahead.kind == AlertKind.CAMERA_CLOCK
    assert ahead.detail.startswith("9.3: the camera's clock is 2.5 s ahead of the server's")
    behind = camera_clock([-3100], TWO)
    assert behind.fault is True and "3.1 s behind the server's" in behind.detail


@pytest.mark.clause("9.3", "R20")
def test_a_camera_clock_within_two_seconds_passes_and_one_stray_report_does_not_open_an_alert():
    assert camera_clock([2000], TWO).fault is False  # exactly the threshold: not above it
    assert camera_clock([150, 90, 9000, 120, 100], TWO).fault is False  # the median, not the worst
    assert camera_clock([1500], threshold=1.0).fault is True


def test_a_camera_that_reports_no_clock_is_not_judged():
    finding = camera_clock([], TWO)
    assert finding.fault is None and "does not report its clock" in finding.detail


@pytest.mark.clause("9.3", "R20")
def test_the_server_clock_decision():
    assert server_clock(IN_TIME, TWO).fault is False
    unsynchronised = server_clock(ServerClock(False, 16.0, "kernel (adjtimex)"), TWO)
    assert unsynchronised.fault is True and unsynchronised.kind == AlertKind.SERVER_CLOCK
    assert unsynchronised.detail.startswith("9.3: the server's clock is not synchronised")
    loose = server_clock(ServerClock(True, 2.5, "kernel (adjtimex)"), TWO)
    assert loose.fault is True and "up to 2.5 s out" in loose.detail
    unknown = server_clock(ServerClock(None, None, "unknown", "neither adjtimex nor timedatectl"), TWO)
    assert unknown.fault is None
    assert unknown.detail == (
        "the server's time source is unknown (neither adjtimex nor timedatectl): check it by hand"
    )


def test_the_kernel_answer_is_read_as_adjtimex_documents_it():
    assert adjtimex_state(TIME_ERROR, 0, 16_000_000) == ServerClock(
        False, 16.0, "kernel (adjtimex)", "not synchronised"
    )
    assert adjtimex_state(0, STA_UNSYNC, 500).synchronised is False
    assert adjtimex_state(0, 0x2001, 1500) == ServerClock(True, 0.0015, "kernel (adjtimex)")


def test_reading_this_machines_clock_gives_an_answer_or_says_unknown():
    # Not read_server_clock: the health tests replace it (conftest) so that no result hangs on this machine.
    found = clock._adjtimex() or clock._timedatectl() or clock.UNKNOWN
    assert isinstance(found, ServerClock) and found.synchronised in (True, False, None)
    assert found.source in ("kernel (adjtimex)", "timedatectl", "unknown")


# --- the run --------------------------------------------------------------------------------------------


def offset_segment(camera, end: datetime, offset_ms: int | None) -> Segment:
    stored = segment(camera, end, clip(MOVING))
    Segment.objects.filter(pk=stored.pk).update(clock_offset_ms=offset_ms)
    return stored


def open_kinds(camera) -> set[str]:
    return set(Alert.objects.open().filter(camera=camera).values_list("kind", flat=True))


@pytest.mark.django_db
@pytest.mark.clause("9.3", "12.1", "R20")
def test_a_drifting_camera_clock_opens_an_alert_and_closes_once_corrected(school):
    camera = allowed_camera(school, name="Gate camera")
    recording_now(camera, NOW)
    offset_segment(camera, NOW - timedelta(seconds=5), 4200)
    offset_segment(camera, NOW - timedelta(seconds=1), 4300)

    run = run_health_checks(NOW, server=IN_TIME)

    assert open_kinds(camera) == {AlertKind.CAMERA_CLOCK}
    alert = Alert.objects.get(camera=camera, kind=AlertKind.CAMERA_CLOCK)
    assert "4.2 s ahead of the server's" in alert.detail or "4.3 s ahead" in alert.detail
    assert MaintenanceEntry.objects.get(alert=alert).check_type == AlertKind.CAMERA_CLOCK
    assert "Server clock: the server's clock is synchronised" in run.summary()

    later = NOW + timedelta(seconds=12)
    recording_now(camera, later)
    for second in (8, 6, 4, 2, 1):
        offset_segment(camera, later - timedelta(seconds=second), 40)
    run_health_checks(later, server=IN_TIME)
    assert open_kinds(camera) == set()


def server_alerts():
    return Alert.objects.open().filter(camera__isnull=True, kind=AlertKind.SERVER_CLOCK)


@pytest.mark.django_db
@pytest.mark.clause("9.3", "12.1", "R20")
def test_an_unsynchronised_server_opens_one_alert_for_every_camera_and_unknown_opens_none(school):
    gate, hall = allowed_camera(school, name="Gate"), allowed_camera(school, name="Hall")
    for camera in (gate, hall):
        recording_now(camera, NOW)
        offset_segment(camera, NOW - timedelta(seconds=1), None)  # no RTCP: the camera is not judged

    run = run_health_checks(NOW, server=ServerClock(False, 16.0, "kernel (adjtimex)"))
    # One fact, one alert: the server's, not the same alert on each camera.
    assert open_kinds(gate) == open_kinds(hall) == set()
    assert [a.detail[:45] for a in server_alerts()] == ["9.3: the server's clock is not synchronised t"]
    assert "not synchronised" in run.summary() and run.opened == [f"the server: {server_alerts()[0].detail}"]
    run_health_checks(NOW + timedelta(minutes=1), server=ServerClock(False, 16.0, "kernel (adjtimex)"))
    assert server_alerts().count() == 1  # still one while the fault lasts

    # The time source cannot be asked: nothing is closed or opened on a guess, and the run says so.
    run = run_health_checks(NOW, server=clock.UNKNOWN)
    assert server_alerts().count() == 1
    assert "the server's time source is unknown" in run.summary()

    run = run_health_checks(NOW, server=IN_TIME)
    assert not server_alerts().exists() and run.closed[0].startswith("the server: Server clock")


@pytest.mark.django_db
@pytest.mark.clause("9.3", "12.1", "R20")
def test_the_dpos_threshold_decides_a_camera_clock_alert(school):
    camera = allowed_camera(school, name="Gate camera")
    recording_now(camera, NOW)
    offset_segment(camera, NOW - timedelta(seconds=1), 1500)
    run_health_checks(NOW, server=IN_TIME)
    assert open_kinds(camera) == set()  # 1.5 s is within the default 2 s
    trust.update_trust_settings(SYSTEM, school.trust, {"clock_drift_alert_seconds": 1.0}, now=NOW)
    run_health_checks(NOW, server=IN_TIME)
    assert open_kinds(camera) == {AlertKind.CAMERA_CLOCK}


@pytest.mark.django_db
@pytest.mark.clause("9.3", "12.1", "R20")
def test_the_servers_alert_is_shown_to_each_schools_administrator_on_the_dashboard_and_recording_page(
    school, monkeypatch
):
    from django.test import Client
    from django.urls import reverse

    from tests.conftest import sign_in
    from tests.factories import person
    from watchkeeper.people.models import Role

    camera = allowed_camera(school, name="Gate")
    recording_now(camera, NOW)
    run_health_checks(NOW, server=ServerClock(False, 16.0, "kernel (adjtimex)"))
    client = sign_in(Client(), person(Role.CCTV_ADMIN, school))
    dashboard = client.get("/").content.decode()
    assert "The server (every camera's recordings)" in dashboard
    monkeypatch.setattr(clock, "read_server_clock", lambda: ServerClock(False, 16.0, "kernel (adjtimex)"))
    page = client.get(reverse("recording:health_list")).content.decode()
    assert "one alert for every camera, open since" in page


@pytest.mark.django_db
@pytest.mark.clause("9.3")
def test_the_recording_page_says_what_the_server_clock_is_known_to_be(school, monkeypatch):
    from django.test import Client
    from django.urls import reverse

    from tests.conftest import sign_in
    from tests.factories import person
    from watchkeeper.people.models import Role

    client = sign_in(Client(), person(Role.CCTV_ADMIN, school))
    page = client.get(reverse("recording:health_list")).content.decode()
    assert "the server&#x27;s clock is synchronised" in page and '<span class="badge ok">OK</span>' in page

    monkeypatch.setattr(clock, "read_server_clock", lambda: clock.UNKNOWN)
    page = client.get(reverse("recording:health_list")).content.decode()
    assert '<span class="badge warn">Unknown</span>' in page and "time source is unknown" in page
