"""Every change to the estate goes through these functions: they check authority, the policy gates,
and write the audit event in the same transaction."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet

from watchkeeper.audit.services import record
from watchkeeper.core.actors import Actor, Person, is_system, require_person
from watchkeeper.core.auditing import audit_about
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal, refuse_if
from watchkeeper.core.permissions import can, require
from watchkeeper.core.transitions import lock_in_state
from watchkeeper.estate import streams
from watchkeeper.estate.footing import footing_problems, place_changed
from watchkeeper.estate.models import Camera, CameraStatus, LocationType, School, Trust, Vehicle

CAMERA_FIELDS = (
    "name",
    "location_description",
    "location_type",
    "purposes",
    "visibly_sited",
    "views_beyond_premises",
    "main_stream_url",
    "sub_stream_url",
    "retention_days",
    "legacy",
    "lawful_basis",
    "lawful_basis_reason",
    "place_description",
)
# The DPO alone confirms that a place of type "other" is not one of privacy (5.4); the Headteacher or the
# DPO names who is responsible for a school's cameras, as they appoint its staff (3.2, people.manage).
CONFIRM_NOT_PRIVATE = "estate.confirm_not_private"
SET_RESPONSIBLE = "people.manage"
# Allowed status changes; activation (to ACTIVE) is additionally gated (7.1, 6.1, 5.1, 5.3).
TRANSITIONS: dict[str, frozenset[str]] = {
    CameraStatus.PROPOSED: frozenset({CameraStatus.ACTIVE, CameraStatus.DECOMMISSIONED}),
    CameraStatus.ACTIVE: frozenset({CameraStatus.SUSPENDED, CameraStatus.DECOMMISSIONED}),
    CameraStatus.SUSPENDED: frozenset({CameraStatus.ACTIVE, CameraStatus.DECOMMISSIONED}),
    CameraStatus.DECOMMISSIONED: frozenset(),
}


def create_trust(actor: Actor, name: str) -> Trust:
    with transaction.atomic():
        trust = Trust.objects.create(name=name)
        record("estate.trust_created", actor=actor, obj=trust, details={"name": name})
    return trust


def create_school(actor: Actor, trust: Trust, name: str, address: str = "") -> School:
    require(actor, "estate.manage_schools", None)
    name = name.strip()
    if School.objects.filter(trust=trust, name__iexact=name).exists():
        raise PolicyRefusal(f"3.5: {trust.name} already has a school called {name}")
    with transaction.atomic():
        school = School.objects.create(trust=trust, name=name, address=address)
        record("estate.school_created", actor=actor, school=school, obj=school, details={"name": name})
    return school


def register_vehicle(actor: Actor, school: School, registration: str, description: str = "") -> Vehicle:
    require(actor, "estate.change", school.pk)
    registration = registration.strip().upper()
    if Vehicle.objects.filter(registration=registration).exists():
        raise PolicyRefusal(f"5.2: a minibus with registration {registration} is already registered")
    with transaction.atomic():
        vehicle = Vehicle.objects.create(school=school, registration=registration, description=description)
        audit_about("estate.vehicle_registered", actor, vehicle, registration=registration)
    return vehicle


def register_camera(actor: Actor, school: School, *, vehicle: Vehicle | None = None, **fields: Any) -> Camera:
    """A new camera starts as proposed; refused outright where the policy forbids it (5.2, 5.4, 13.1)."""
    require(actor, "estate.change", school.pk)
    if vehicle is not None and vehicle.school_id != school.pk:
        raise PolicyRefusal("5.2: that minibus belongs to another school")
    fields, typed = _split_streams(_camera_fields(fields))
    camera = Camera(school=school, vehicle=vehicle, **fields)
    streams.seal_streams(camera, typed)
    _refuse_problems(camera)
    with transaction.atomic():
        camera.save()
        _camera_event("estate.camera_registered", actor, camera, _snapshot(camera))
    return camera


def update_camera(actor: Actor, camera: Camera, **fields: Any) -> Camera:
    require(actor, "estate.change", camera.school_id)
    before = _snapshot(camera)
    fields, typed = _split_streams(_camera_fields(fields))
    for name, value in fields.items():
        setattr(camera, name, value)
    streams.seal_streams(camera, typed)
    _refuse_problems(camera)
    with transaction.atomic():
        after = _snapshot(camera)
        if camera.not_private_confirmed_at is not None and place_changed(before, after):
            # 5.4: the DPO confirmed the place as it was described; a new description needs a new look.
            camera.not_private_confirmed_by, camera.not_private_confirmed_at = None, None
            after["not_private_confirmed"] = False
        camera.save()
        changed = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        _camera_event("estate.camera_updated", actor, camera, changed)
    return camera


@enforces("5.3", "R4")
def set_privacy_zones(actor: Actor, camera: Camera, zones: list[list[list[float]]]) -> Camera:
    """Zones are polygons in 0..1 picture coordinates; masked areas are never stored (5.3)."""
    require(actor, "estate.change", camera.school_id)
    for zone in zones:
        if len(zone) < 3 or any(len(p) != 2 or not all(0 <= c <= 1 for c in p) for p in zone):
            raise PolicyRefusal("5.3: a privacy zone needs at least 3 points inside the picture (0 to 1)")
    with transaction.atomic():
        camera.privacy_zones = zones
        camera.save(update_fields=["privacy_zones"])
        _camera_event("estate.privacy_zones_set", actor, camera, {"zones": len(zones)})
    return camera


def _may_see_picture(actor: Actor, camera: Camera) -> None:
    require(actor, "estate.change", camera.school_id)
    if not is_system(actor) and not can(actor, "recording.hold", camera.school_id):
        raise PermissionDenied("9.6: only the school's CCTV system administrator sees the camera's picture")


def _whole_for(actor: Actor, camera: Camera) -> bool:
    """8.1: a live picture shows the saved privacy zones blacked out unless `actor` may watch live."""
    return is_system(actor) or can(actor, "viewing.live", camera.school_id)


@enforces("9.6", "8.1", "R8")
def request_reference_frame(actor: Actor, camera: Camera, *, now: datetime) -> Any:
    """Ask for a live key frame of the camera, to draw privacy zones on (5.3). The job worker takes it from
    the camera, never this (web) process (issue 14 §5; recording/reference_frames.py). Only the school's
    CCTV system administrator, who also holds estate.change there, asks (9.6); unless they are also an
    approved live viewer there (8.1) the picture comes with the camera's saved zones blacked out, as
    recordings are. Audited; so is each showing (view_reference_frame)."""
    from watchkeeper.recording import reference_frames

    _may_see_picture(actor, camera)
    zones = camera.privacy_zones or []
    whole = _whole_for(actor, camera)
    with transaction.atomic():
        frame = reference_frames.ask(
            camera,
            require_person(actor, "9.6: a person asks for the camera's picture"),
            [] if whole else zones,
            whole=whole and bool(zones),
            now=now,
        )
        details = {"stream": streams.shown(camera), "zones_applied": 0 if whole else len(zones)}
        _camera_event("estate.reference_frame_requested", actor, camera, details)
    return frame


def reference_frame_progress(actor: Actor, camera: Camera, frame_id: str, *, now: datetime) -> Any:
    """How the picture asked for is going (recording.reference_frames.Progress), for whoever may see it."""
    from watchkeeper.recording import reference_frames
    from watchkeeper.recording.models import ReferenceFrame

    _may_see_picture(actor, camera)
    frame = ReferenceFrame.objects.filter(pk=frame_id, camera=camera).first()
    if frame is None:
        return reference_frames.Progress("failed", "the picture is no longer kept: reload the page")
    return reference_frames.progress_of(frame, now)


@enforces("9.6", "8.1", "R8")
def view_reference_frame(actor: Actor, camera: Camera, frame_id: str, *, now: datetime) -> bytes:
    """The picture asked for, as JPEG, shown once (then deleted) to the school's CCTV system administrator
    (9.6); a picture taken whole (the camera's zones not applied) only to one who may watch live (8.1).
    Audited. Raises PolicyRefusal when it is not ready or no longer kept."""
    from watchkeeper.recording import reference_frames
    from watchkeeper.recording.models import ReferenceFrame

    _may_see_picture(actor, camera)
    frame = ReferenceFrame.objects.filter(pk=frame_id, camera=camera).first()
    if frame is None:
        raise PolicyRefusal("9.3: that picture is no longer kept — reload the page")
    if frame.whole and not _whole_for(actor, camera):
        raise PermissionDenied("8.1: this picture is unmasked: only an approved live viewer sees it")
    with transaction.atomic():
        frame, jpeg = reference_frames.open_once(frame.pk, now=now)
        details = {"stream": streams.shown(camera), "bytes": len(jpeg), "zones_applied": len(frame.zones)}
        _camera_event("estate.reference_frame_viewed", actor, camera, details)
    return jpeg


@enforces("7.1", "R2")
def change_camera_status(
    actor: Actor, camera: Camera, status: str, reason: str = "", *, today: date
) -> Camera:
    """Move the camera to `status`; activation is gated on its DPIA, signs and siting as they are `today`."""
    require(actor, "estate.change", camera.school_id)
    return _move(actor, camera, status, reason, today)


# The yearly camera review's people (18.1): the Headteacher, a designated person or the DPO.
CAMERA_REVIEW = "reviews.camera_review"


@enforces("18.1", "13.1")
def decommission_unnecessary(actor: Actor, camera: Camera, reason: str, *, today: date) -> Camera:
    """The yearly review found the camera no longer necessary for its purposes (Surveillance Camera Code
    principle 2): without a purpose it has no lawful basis to record, so it is decommissioned at once by
    the reviewer's own authority (the DPO reviews cameras but does not run the estate). Its recordings
    are then erased before disposal by the CCTV administrator (13.1; recording/erasure.py)."""
    require(actor, CAMERA_REVIEW, camera.school_id)
    return _move(actor, camera, CameraStatus.DECOMMISSIONED, reason, today)


def _move(actor: Actor, camera: Camera, status: str, reason: str, today: date) -> Camera:
    sources = {source for source, targets in TRANSITIONS.items() if status in targets}
    now, wanted = camera.get_status_display().lower(), CameraStatus(status).label.lower()
    with transaction.atomic():
        # Check the transition and the gates on the locked row, inside the transaction that changes it.
        lock_in_state(camera, sources, f"7.1: a {now} camera cannot become {wanted}")
        if status == CameraStatus.ACTIVE:
            _refuse_activation(camera, today)
        previous = camera.status
        camera.status = status
        camera.save(update_fields=["status"])
        _camera_event("estate.camera_status_changed", actor, camera, {"from": previous, "to": status}, reason)
    return camera


def _camera_event(
    action: str, actor: Actor, camera: Camera, details: dict[str, Any], reason: str = ""
) -> None:
    audit_about(action, actor, camera, reason=reason, **details)


def activation_problems_for(camera: Camera, today: date) -> list[str]:
    from watchkeeper.compliance.gates import activation_problems
    from watchkeeper.compliance.models import Sign

    signs = Sign.objects.filter(school_id=camera.school_id)
    return activation_problems(camera, camera.dpias.all(), signs, today)


def _refuse_activation(camera: Camera, today: date) -> None:
    refuse_if(activation_problems_for(camera, today))


def _refuse_problems(camera: Camera) -> None:
    from watchkeeper.compliance.gates import camera_problems

    problems = camera_problems(camera) + footing_problems(camera)
    namesakes = Camera.objects.filter(school_id=camera.school_id, name__iexact=camera.name).exclude(
        pk=camera.pk
    )
    if namesakes.exists():
        problems.append(f"5.1: {camera.school.name} already has a camera called {camera.name}")
    refuse_if(problems)


def _camera_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(CAMERA_FIELDS)
    if unknown:
        raise TypeError(f"unknown camera fields: {', '.join(sorted(unknown))}")
    if "purposes" in fields:
        fields = {**fields, "purposes": sorted(set(fields["purposes"]))}
    return fields


def _split_streams(fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """(the other fields, the stream addresses as typed by "main"/"sub"), refused unless RTSP (9.6)."""
    typed = {which: fields[name] or "" for which, name in streams.FIELDS.items() if name in fields}
    problems = [p for p in (streams.scheme_problem(url.strip()) for url in typed.values()) if p]
    if problems:
        raise PolicyRefusal(sorted(set(problems)))
    return {k: v for k, v in fields.items() if k not in streams.FIELDS.values()}, typed


def _snapshot(camera: Camera) -> dict[str, Any]:
    data = {name: getattr(camera, name) for name in CAMERA_FIELDS}
    for which, name in streams.FIELDS.items():
        data[name] = streams.shown(camera, which)
    data["vehicle"] = camera.vehicle_id
    return data


def without_password(url: str) -> str:
    """Stream URLs often carry the camera's password: it must never reach the audit log or a page."""
    return streams.masked(url)


# --- The lawful footing: responsible people (R6) and places confirmed not private (5.4) -----------------


@enforces("5.4", "R4")
def confirm_not_private(actor: Actor, camera: Camera, *, now: datetime) -> Camera:
    """The DPO confirms that the place a camera of location type "other" looks at, as described, is not a
    place of privacy (5.4); until then it may not be activated (estate.footing.not_private_problems)."""
    person = require_person(actor, "5.4: the DPO confirms this in their own name")
    require(person, CONFIRM_NOT_PRIVATE, camera.school_id)
    problems = []
    if camera.location_type != LocationType.OTHER:
        problems.append("5.4: only a camera whose location type is “other” needs this confirmation")
    elif not camera.place_description.strip():
        problems.append("5.4: the camera must first say in words what the place is")
    refuse_if(problems)
    with transaction.atomic():
        camera.not_private_confirmed_by, camera.not_private_confirmed_at = person, now
        camera.save(update_fields=["not_private_confirmed_by", "not_private_confirmed_at"])
        _camera_event(
            "estate.not_private_confirmed",
            person,
            camera,
            {"location_type": camera.location_type, "place": camera.place_description},
        )
    return camera


@enforces("3.2", "R6")
def set_school_responsible(actor: Actor, school: School, person: Person | None) -> School:
    """Name the member of staff answerable for the school's cameras (None: nobody named yet)."""
    require(actor, SET_RESPONSIBLE, school.pk)
    _refuse_responsible(person, school)
    with transaction.atomic():
        previous = school.responsible_person_id
        school.responsible_person = person
        school.save(update_fields=["responsible_person"])
        details = {"school": school.pk, "from": previous, "to": person.pk if person else None}
        record("estate.school_responsible_set", actor=actor, school=school, obj=school, details=details)
    return school


@enforces("3.2", "R6")
def set_camera_responsible(actor: Actor, camera: Camera, person: Person | None) -> Camera:
    """Name a person answerable for this camera in place of the school's (None: the school's again)."""
    require(actor, SET_RESPONSIBLE, camera.school_id)
    _refuse_responsible(person, camera.school)
    with transaction.atomic():
        previous = camera.responsible_person_id
        camera.responsible_person = person
        camera.save(update_fields=["responsible_person"])
        _camera_event(
            "estate.camera_responsible_set",
            actor,
            camera,
            {"from": previous, "to": person.pk if person else None},
        )
    return camera


def responsible_candidates(school: School) -> QuerySet[Person]:
    """Who may be named: staff holding a current role at the school, or trust-wide in its trust."""
    from watchkeeper.people.models import RoleGrant

    grants = RoleGrant.objects.current().filter(trust_id=school.trust_id)
    held = grants.filter(Q(school=school) | Q(school__isnull=True)).values("user_id")
    return User.objects.filter(pk__in=held, is_active=True).order_by("last_name", "first_name", "username")


def _refuse_responsible(person: Person | None, school: School) -> None:
    if person is not None and not responsible_candidates(school).filter(pk=person.pk).exists():
        raise PolicyRefusal(
            f"3.2: the responsible person must be a member of staff holding a role at {school.name} "
            "or across the trust"
        )
