"""The scheduled tasks, run through huey in immediate mode: retention sweep (13.1), disk pressure, prune."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from tests.factories import CameraFactory
from tests.recording.helpers import store
from watchkeeper.audit.models import AuditEvent
from watchkeeper.audit.tasks import audit_head_email, audit_head_export
from watchkeeper.evidence.tasks import copy_check
from watchkeeper.health.tasks import camera_health
from watchkeeper.jobs import disk
from watchkeeper.jobs.models import JobRecord, JobStatus
from watchkeeper.jobs.queue import tasks_by_hand
from watchkeeper.jobs.tasks import disk_pressure, prune_job_records
from watchkeeper.misuse.tasks import misuse_purge, misuse_scan
from watchkeeper.notices.tasks import deadline_notices
from watchkeeper.people.tasks import lapse_unconfirmed_roles
from watchkeeper.recording.models import Segment
from watchkeeper.recording.tasks import (
    dvr_upload_purge,
    motion_analysis,
    reference_frame_purge,
    retention_sweep,
)
from watchkeeper.redaction.tasks import redaction_preview_purge
from watchkeeper.reports.tasks import register_retention

pytestmark = pytest.mark.django_db


def only_job(name: str) -> JobRecord:
    return JobRecord.objects.get(name=name)


@pytest.mark.clause("13.1", "R11")
def test_the_retention_sweep_erases_expired_footage_with_the_real_clock(immediate, data_dir: Path) -> None:
    camera = CameraFactory(retention_days=7)
    now = timezone.now()
    expired = store(camera, now - timedelta(days=7, minutes=5))
    kept = store(camera, now - timedelta(days=6))
    retention_sweep()
    assert set(Segment.objects.values_list("pk", flat=True)) == {kept.pk}
    assert not Segment.objects.filter(pk=expired.pk).exists()
    job = only_job("retention_sweep")
    assert job.status == JobStatus.DONE and job.progress == 100 and job.school is None
    assert job.message.startswith("Erased 1 recording file(s)")
    event = AuditEvent.objects.get(action="recording.retention_sweep")
    assert event.actor_name == "system" and event.details["erased"] == 1


def test_a_sweep_is_skipped_while_another_is_running(immediate, data_dir: Path) -> None:
    camera = CameraFactory(retention_days=7)
    expired = store(camera, timezone.now() - timedelta(days=8))
    with HUEY.lock_task("retention_sweep"):
        retention_sweep()
    job = only_job("retention_sweep")
    assert job.status == JobStatus.DONE and job.message.startswith("Skipped")
    assert Segment.objects.filter(pk=expired.pk).exists()
    assert not AuditEvent.objects.filter(action="recording.retention_sweep").exists()


def test_the_disk_check_reports_the_real_disk(immediate, data_dir: Path) -> None:
    disk_pressure()
    job = only_job("disk_pressure")
    assert job.status == JobStatus.DONE
    assert "Recordings disk" in job.message and "% used" in job.message


def test_prune_runs_as_a_job(immediate) -> None:
    prune_job_records()
    assert only_job("prune_job_records").message.startswith("Removed 0 job record(s)")


@pytest.mark.clause("R10")
def test_the_audit_head_export_runs_as_a_job(immediate, settings, tmp_path: Path) -> None:
    settings.WATCHKEEPER_AUDIT_HEAD_DIR = str(tmp_path / "heads")
    audit_head_export()
    job = only_job("audit_head_export")
    assert job.status == JobStatus.DONE and job.message.startswith("Audit head written to")
    assert (tmp_path / "heads" / "audit-head-latest.json").exists()


def test_the_schedules() -> None:
    """Hourly sweep (13.1 asks for erasure within 30 days; an hour late at most), disk every 15 minutes."""
    assert {
        "retention": retention_sweep,
        "disk": disk_pressure,
        "health": camera_health,
        "motion": motion_analysis,
        "prune": prune_job_records,
        "copies": copy_check,  # evidence (13.2): copies due for deletion or overdue, daily
        "previews": redaction_preview_purge,  # redaction (13.1): unapproved previews, daily
        "audit-head": audit_head_export,  # audit (R10): the signed head outside the database, hourly
        "audit-head-email": audit_head_email,  # audit (R10): the signed head e-mailed to the DPO, daily
        "reference-frames": reference_frame_purge,  # recording (9.3): zone-editor pictures not shown, 10 min
        "roles": lapse_unconfirmed_roles,  # people (issue 14): footage roles unconfirmed for a term, daily
        "dvr-uploads": dvr_upload_purge,  # recording (issue 16 §3): unfinished DVR uploads, daily
        "notices": deadline_notices,  # notices (issue 15 §3): 7-day, 1-day and overdue notices, hourly
        "register-retention": register_retention,  # reports (issue 18 §4): registers' retention, daily
        "misuse": misuse_scan,  # misuse (16): the rules over the audit log, hourly
        "misuse-purge": misuse_purge,  # misuse (16): "no concern" alerts past the set period, daily
    } == tasks_by_hand()
    sweep_times = [t for t in _day() if retention_sweep.task_class().validate_datetime(t)]
    assert len(sweep_times) == 24 and all(t.minute == 7 for t in sweep_times)
    assert len([t for t in _day() if disk_pressure.task_class().validate_datetime(t)]) == 96
    assert len([t for t in _day() if prune_job_records.task_class().validate_datetime(t)]) == 1
    assert len([t for t in _day() if copy_check.task_class().validate_datetime(t)]) == 1
    assert len([t for t in _day() if camera_health.task_class().validate_datetime(t)]) == 24 * 60
    assert len([t for t in _day() if motion_analysis.task_class().validate_datetime(t)]) == 24 * 60
    assert len([t for t in _day() if audit_head_export.task_class().validate_datetime(t)]) == 24
    assert len([t for t in _day() if dvr_upload_purge.task_class().validate_datetime(t)]) == 1
    assert len([t for t in _day() if deadline_notices.task_class().validate_datetime(t)]) == 24
    assert len([t for t in _day() if audit_head_email.task_class().validate_datetime(t)]) == 1
    assert len([t for t in _day() if reference_frame_purge.task_class().validate_datetime(t)]) == 144
    assert len([t for t in _day() if misuse_scan.task_class().validate_datetime(t)]) == 24
    assert len([t for t in _day() if misuse_purge.task_class().validate_datetime(t)]) == 1


def test_deadline_notices_run_as_a_job(immediate) -> None:
    deadline_notices()
    job = only_job("deadline_notices")
    assert job.status == JobStatus.DONE and job.message.startswith("0 deadline notice(s) sent")


@pytest.mark.clause("12.1", "R27")
def test_camera_health_runs_as_a_job(immediate) -> None:
    camera_health()
    assert only_job("camera_health").status == "done"


def _day():
    start = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    return [start + timedelta(minutes=m) for m in range(24 * 60)]


# Disk pressure (design/jobs.md): thresholds, alerts and what a full disk does NOT do.

GB = 10**9


def reading(used_percent: float) -> disk.Reading:
    total = 1000 * GB
    return disk.Reading(total=total, free=round(total * (100 - used_percent) / 100))


@pytest.mark.parametrize(
    ("used", "level"),
    [
        (0, "ok"),
        (79.9, "ok"),
        (80, "warning"),
        (89.9, "warning"),
        (90, "high"),
        (95, "critical"),
        (100, "critical"),
    ],
)
def test_levels_at_80_90_95_percent(used: float, level: str) -> None:
    assert disk.level_for(reading(used).used_percent) == level


def test_alerts_on_each_change_and_daily_while_not_ok() -> None:
    now = timezone.now()
    assert not disk.should_alert("ok", None, None, now)
    assert disk.should_alert("warning", None, None, now)
    assert disk.should_alert("high", "warning", now, now)
    assert disk.should_alert("ok", "critical", now, now)  # the all-clear is recorded too
    assert not disk.should_alert("high", "high", now - timedelta(hours=23), now)
    assert disk.should_alert("high", "high", now - timedelta(hours=24), now)
    assert not disk.should_alert("ok", "ok", now - timedelta(days=3), now)


def test_a_full_disk_alerts_and_never_erases_retained_footage(data_dir: Path) -> None:
    camera = CameraFactory(retention_days=30)
    now = timezone.now()
    retained = [store(camera, now - timedelta(days=d)) for d in (29, 10, 1)]

    outcome = disk.check(now, reading(99))

    assert outcome.level == "critical" and outcome.alerted
    assert "Critical (≥ 95% used)" in outcome.message and disk.FULL_DISK_NOTE in outcome.message
    assert set(Segment.objects.values_list("pk", flat=True)) == {s.pk for s in retained}
    event = AuditEvent.objects.get(action="recording.disk_pressure")
    assert event.actor_name == "system" and event.school is None
    assert event.details["level"] == "critical" and event.details["used_percent"] == 99.0
    assert event.details["thresholds"] == {"critical": 95, "high": 90, "warning": 80}

    # Still critical a minute later: no second alert. Back to normal: the all-clear is audited.
    assert not disk.check(now + timedelta(minutes=1), reading(99)).alerted
    assert disk.check(now + timedelta(minutes=2), reading(50)).alerted
    levels = list(AuditEvent.objects.filter(action="recording.disk_pressure").order_by("seq"))
    assert [e.details["level"] for e in levels] == ["critical", "ok"]


def test_the_forecast_uses_the_last_day_of_recording(data_dir: Path) -> None:
    camera = CameraFactory()
    now = timezone.now()
    for hours in range(1, 24):
        store(camera, now - timedelta(hours=hours))
    outcome = disk.check(now, reading(85))
    assert outcome.level == "warning" and "full in about" in outcome.message
    assert "Warning (≥ 80% used)" in outcome.message and disk.FULL_DISK_NOTE not in outcome.message
