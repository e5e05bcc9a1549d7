"""Camera health and maintenance (12.1): the automatic checks' run, manual checks, reference views.

`run_health_checks(now)` is what the job runner schedules and `watchkeeper health-check` runs once. The
decisions are the pure functions of health/checks.py; this module loads, decodes and writes.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from django.db import IntegrityError, transaction
from django.utils import timezone

from watchkeeper.audit.services import record
from watchkeeper.compliance import trust
from watchkeeper.compliance.models import Sign
from watchkeeper.core.actors import SYSTEM, Actor, person_or_none
from watchkeeper.core.auditing import audit_about
from watchkeeper.core.clauses import enforces
from watchkeeper.core.dates import uk_datetime
from watchkeeper.core.errors import PolicyRefusal, refuse_if
from watchkeeper.core.permissions import require
from watchkeeper.estate.models import Camera, CameraStatus, School
from watchkeeper.health import checks, clock
from watchkeeper.health.checks import Finding
from watchkeeper.health.frames import FrameError, Sample, sample
from watchkeeper.health.models import (
    MANUAL_CHECKS,
    Alert,
    AlertKind,
    CheckResult,
    CheckType,
    EntryKind,
    MaintenanceEntry,
    MaintenanceSchedule,
    ReferenceFeatures,
)
from watchkeeper.recording import conf
from watchkeeper.recording.models import CameraState, Segment
from watchkeeper.recording.recorder import recording_problems

log = logging.getLogger(__name__)
MAINTAIN = "maintenance.record"


@dataclass
class HealthRun:
    """What one run of the checks did: for the command's output and the job record."""

    cameras: int = 0
    opened: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    server_clock: str = ""  # what the server's time-source check found (9.3), said once per run

    def summary(self) -> str:
        text = (
            f"Checked {self.cameras} camera(s): {len(self.opened)} alert(s) opened, {len(self.closed)} closed"
        )
        text += (f", {len(self.errors)} error(s)" if self.errors else "") + "."
        return text + (f" Server clock: {self.server_clock}." if self.server_clock else "")


# --- the automatic checks -------------------------------------------------------------------------------


@enforces("12.1", "R27")
def run_health_checks(now: datetime, *, server: clock.ServerClock | None = None) -> HealthRun:
    """Evaluate every active camera; open and close alerts; log and audit each change (12.1). `server` is
    the server's clock state (read from the system when None; tests pass one)."""
    run = HealthRun()
    server_finding = clock.server_clock(
        server if server is not None else clock.read_server_clock(), trust.server_clock_alert_seconds()
    )
    run.server_clock = server_finding.detail
    open_alerts: dict[int, dict[str, Alert]] = defaultdict(dict)
    for alert in Alert.objects.open().filter(camera__isnull=False):
        if alert.camera_id is not None:  # the server's own alert: _apply_server
            open_alerts[alert.camera_id][alert.kind] = alert
    cameras = list(Camera.objects.select_related("school").prefetch_related("dpias"))
    signs = _signs_by_school()
    states = {s.camera_id: s for s in CameraState.objects.all()}
    references = {r.camera_id: r for r in ReferenceFeatures.objects.all()}
    for camera in cameras:
        alerts = open_alerts.get(camera.pk, {})
        if camera.status != CameraStatus.ACTIVE:
            # Not expected to record: whatever was wrong no longer matters (12.1 checks cameras in use).
            if alerts:
                reason = f"the camera is {camera.get_status_display().lower()}"
                _apply(run, camera, checks.not_applicable(reason), alerts, now)
            continue
        run.cameras += 1
        state, reference = states.get(camera.pk), references.get(camera.pk)
        findings = _evaluate(run, camera, signs[camera.school_id], state, reference, alerts, now)
        _apply(run, camera, findings, alerts, now)
    # Every recording's times are the server's: one alert for the server, not the same fact on each camera.
    idle = Finding(AlertKind.SERVER_CLOCK, False, "no camera is active: nothing is recorded")
    _apply_server(run, server_finding if run.cameras else idle, now)
    return run


def _signs_by_school() -> dict[int, list[Sign]]:
    signs: dict[int, list[Sign]] = defaultdict(list)
    for sign in Sign.objects.all():
        signs[sign.school_id].append(sign)
    return signs


def _evaluate(
    run: HealthRun,
    camera: Camera,
    signs: list[Sign],
    state: CameraState | None,
    reference: ReferenceFeatures | None,
    open_alerts: dict[str, Alert],
    now: datetime,
) -> list[Finding]:
    problems = recording_problems(camera, signs, timezone.localdate(now))
    if problems:
        # Not recording because the policy forbids it: a compliance exception, not a fault of the camera.
        return checks.not_applicable(f"not allowed to record: {problems[0]}"[:300])
    latest = Segment.objects.filter(camera=camera).order_by("-start").first()
    segment_seconds = conf.segment_seconds()
    fresh = (
        latest is not None
        and (now - latest.end).total_seconds() <= checks.NO_SEGMENT_FACTOR * segment_seconds
    )
    findings = [
        checks.stream_down(state, now),
        checks.no_new_segment(
            latest.end if latest else None, segment_seconds, now, started=checks.receiving_since(state, now)
        ),
        _camera_clock(camera) if fresh else Finding(AlertKind.CAMERA_CLOCK, None, "no recent recording"),
    ]
    picture = _sample(run, camera, latest) if fresh and latest is not None else None
    findings += checks.picture(
        picture.frames if picture else None,
        reference_thumbnail(reference),
        open_alerts.keys(),
        picture.seconds_apart if picture else None,
    )
    return findings


def _camera_clock(camera: Camera) -> Finding:
    """9.3: the latest measured offsets of the camera's clock (recording/recorder.py measures one per
    segment where the stream sends RTCP sender reports)."""
    offsets = (
        Segment.objects.filter(camera=camera, clock_offset_ms__isnull=False)
        .order_by("-start")
        .values_list("clock_offset_ms", flat=True)[: clock.CAMERA_OFFSET_SAMPLES]
    )
    threshold = trust.clock_drift_alert_seconds(camera.school_id)
    return clock.camera_clock([offset for offset in offsets if offset is not None], threshold)


def _sample(run: HealthRun, camera: Camera, segment: Segment) -> Sample | None:
    try:
        return sample(segment)
    except FrameError as error:
        log.warning("health check of camera %s: %s", camera.pk, error)
        run.errors.append(f"{camera.name}: {error}")
        return None


def reference_thumbnail(reference: ReferenceFeatures | None) -> np.ndarray | None:
    if reference is None:
        return None
    pixels = np.frombuffer(bytes(reference.thumbnail), dtype=np.uint8)
    return pixels.reshape(reference.height, reference.width)


def _apply(
    run: HealthRun, camera: Camera, findings: list[Finding], open_alerts: dict[str, Alert], now: datetime
) -> None:
    to_open, to_close = checks.alert_changes(open_alerts.keys(), findings)
    try:
        with transaction.atomic():
            for finding in to_open:
                _open(camera, finding, now)
                run.opened.append(f"{camera.name}: {finding.detail}")
            for finding in to_close:
                _close(camera, open_alerts[finding.kind], finding, now)
                run.closed.append(f"{camera.name}: {finding.kind.label} — {finding.detail}")
    except IntegrityError:
        # Another run opened the same alert a moment ago (one open alert per camera and kind).
        run.errors.append(f"{camera.name}: skipped, another health check was changing its alerts")


def _apply_server(run: HealthRun, finding: Finding, now: datetime) -> None:
    """The server's own alert (no camera): opened and closed like a camera's, audited trust-wide. Not in a
    school's maintenance log, which is of its cameras; the Recording page shows it to every school."""
    kind = AlertKind.SERVER_CLOCK
    current = Alert.objects.open().filter(camera__isnull=True, kind=kind).first()
    to_open, to_close = checks.alert_changes({kind} if current else set(), [finding])
    try:
        with transaction.atomic():
            for found in to_open:
                alert = Alert.objects.create(kind=kind, opened_at=now, detail=found.detail[:300])
                details = {"kind": kind.value}
                record("health.alert_opened", actor=SYSTEM, obj=alert, reason=found.detail, details=details)
                run.opened.append(f"the server: {found.detail}")
            for found in to_close:
                assert current is not None  # alert_changes closes only an open one
                current.closed_at, current.resolution = now, found.detail[:300]
                current.save(update_fields=["closed_at", "resolution"])
                details = {"kind": kind.value, "opened_at": current.opened_at.isoformat()}
                record("health.alert_closed", actor=SYSTEM, obj=current, reason=found.detail, details=details)
                run.closed.append(f"the server: {kind.label} — {found.detail}")
    except IntegrityError:
        run.errors.append("the server: skipped, another health check was changing its alert")


def _open(camera: Camera, finding: Finding, now: datetime) -> None:
    alert = Alert.objects.create(camera=camera, kind=finding.kind, opened_at=now, detail=finding.detail[:300])
    _log_automatic(camera, alert, CheckResult.FAULT, finding.detail, now)
    record(
        "health.alert_opened",
        actor=SYSTEM,
        school=camera.school,
        obj=alert,
        reason=finding.detail,
        details={"camera": camera.pk, "kind": finding.kind.value},
    )


def _close(camera: Camera, alert: Alert, finding: Finding, now: datetime) -> None:
    alert.closed_at = now
    alert.resolution = finding.detail[:300]
    alert.save(update_fields=["closed_at", "resolution"])
    _log_automatic(camera, alert, CheckResult.OK, f"Resolved: {finding.detail}", now)
    record(
        "health.alert_closed",
        actor=SYSTEM,
        school=camera.school,
        obj=alert,
        reason=finding.detail,
        details={"camera": camera.pk, "kind": alert.kind, "opened_at": alert.opened_at.isoformat()},
    )


def _log_automatic(camera: Camera, alert: Alert, result: str, notes: str, now: datetime) -> None:
    MaintenanceEntry.objects.create(
        school=camera.school,
        camera=camera,
        kind=EntryKind.AUTOMATIC,
        check_type=alert.kind,
        result=result,
        notes=notes,
        at=now,
        alert=alert,
    )


# --- manual checks and the reference view ---------------------------------------------------------------


@enforces("12.1", "R27")
def record_check(
    actor: Actor,
    school: School,
    camera: Camera | None,
    check_type: str,
    result: str,
    notes: str,
    at: datetime,
    *,
    now: datetime,
) -> MaintenanceEntry:
    """Log a manual check (12.1) in the school's maintenance log."""
    require(actor, MAINTAIN, school.pk)
    refuse_if(maintenance_check_problems(school, camera, check_type, result, notes, at, now))
    with transaction.atomic():
        entry = MaintenanceEntry.objects.create(
            school=school,
            camera=camera,
            kind=EntryKind.MANUAL,
            check_type=check_type,
            result=result,
            notes=notes.strip(),
            by=person_or_none(actor),
            at=at,
        )
        audit_about(
            "health.check_recorded",
            actor,
            entry,
            reason=entry.notes,
            camera=camera.pk if camera else None,
            check=check_type,
            result=result,
            at=at.isoformat(),
        )
    return entry


@enforces("12.1", "R27")
def maintenance_check_problems(
    school: School,
    camera: Camera | None,
    check_type: str,
    result: str,
    notes: str,
    at: datetime,
    now: datetime,
) -> list[str]:
    problems = []
    if camera is not None and camera.school_id != school.pk:
        problems.append("12.1: the camera belongs to another school")
    if check_type not in MANUAL_CHECKS:
        problems.append(f"12.1: “{check_type}” is not a manual check")
    if result not in CheckResult.values:
        problems.append(f"12.1: “{result}” is not a check result")
    if result == CheckResult.FAULT and not notes.strip():
        problems.append("12.1: describe the fault found, so it can be put right")
    if at > now:
        problems.append("12.1: a check cannot be recorded as done in the future")
    return problems


@enforces("12.1")
def set_reference_view(actor: Actor, camera: Camera, now: datetime) -> ReferenceFeatures:
    """Take the camera's reference view from its latest recording: the view as it should be (12.1).
    Only a 32×18 grey thumbnail and a sharpness figure are kept, never a picture."""
    require(actor, MAINTAIN, camera.school_id)
    latest = Segment.objects.filter(camera=camera).order_by("-start").first()
    if latest is None:
        raise PolicyRefusal("12.1: nothing has been recorded from this camera to take a reference view from")
    try:
        frame = sample(latest).frames[0]
    except FrameError as error:
        raise PolicyRefusal(f"12.1: the latest recording cannot be read ({error})") from error
    thumb = checks.thumbnail(frame)
    by = person_or_none(actor)
    when = timezone.localtime(latest.start)
    with transaction.atomic():
        reference, _ = ReferenceFeatures.objects.update_or_create(
            camera=camera,
            defaults={
                "width": thumb.shape[1],
                "height": thumb.shape[0],
                "thumbnail": thumb.tobytes(),
                "sharpness": checks.laplacian_variance(frame),
                "taken_from": latest.start,
                "set_at": now,
                "set_by": by,
            },
        )
        MaintenanceEntry.objects.create(
            school=camera.school,
            camera=camera,
            kind=EntryKind.MANUAL,
            check_type=CheckType.VIEW_MOVED,
            result=CheckResult.OK,
            notes=f"Reference view set from the recording of {uk_datetime(when)}.",
            by=by,
            at=now,
        )
        audit_about(
            "health.reference_set",
            actor,
            camera,
            segment_start=latest.start.isoformat(),
            sharpness=round(reference.sharpness, 1),
        )
    return reference


@enforces("12.1")
def set_schedule(
    actor: Actor, school: School, camera: Camera | None, check_type: str, every_days: int, *, now: datetime
) -> MaintenanceSchedule:
    """How often a manual check is due, for the school as a whole or one camera (12.1): set or changed."""
    require(actor, MAINTAIN, school.pk)
    refuse_if(schedule_problems(school, camera, check_type, every_days))
    with transaction.atomic():
        schedule, created = MaintenanceSchedule.objects.update_or_create(
            school=school,
            camera=camera,
            check_type=check_type,
            defaults={"every_days": every_days, "set_by": person_or_none(actor), "set_at": now},
        )
        audit_about(
            "health.schedule_set",
            actor,
            schedule,
            camera=camera.pk if camera else None,
            check=check_type,
            every_days=every_days,
            new=created,
        )
    return schedule


def schedule_problems(school: School, camera: Camera | None, check_type: str, every_days: int) -> list[str]:
    problems = []
    if camera is not None and camera.school_id != school.pk:
        problems.append("12.1: the camera belongs to another school")
    if check_type not in MANUAL_CHECKS:
        problems.append(f"12.1: “{check_type}” is not a manual check")
    if not 1 <= every_days <= 400:
        problems.append("12.1: a check is due between every day and every 400 days")
    return problems
