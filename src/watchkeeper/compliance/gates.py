"""Policy gates as pure functions: data and today's date in, the list of problems out (no I/O).

Services call these with what they loaded; tests call them with unsaved objects.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from watchkeeper.compliance.models import DPIA, DPIAStatus, Sign, SignPlacement
from watchkeeper.core.clauses import enforces
from watchkeeper.estate.footing import not_private_problems
from watchkeeper.estate.models import (
    MAX_RETENTION_DAYS,
    PROHIBITED_LOCATIONS,
    VEHICLE_LOCATIONS,
    Camera,
    LocationType,
    Purpose,
)

# A sign counts as checked when someone has looked at it within the last year (6.1, reviewed yearly — 18.1).
SIGN_CHECK_VALID_DAYS = 365


@enforces("4.1", "5.2", "5.4", "13.1", "R1", "R4")
def camera_problems(camera: Camera) -> list[str]:
    """Why this camera may not even be registered (or kept) as described."""
    problems = []
    if camera.location_type in PROHIBITED_LOCATIONS:
        label = LocationType(camera.location_type).label.lower()
        problems.append(
            f"5.4: cameras may not be sited in a {label} — places where people expect privacy are refused"
        )
    if camera.retention_days > MAX_RETENTION_DAYS:
        problems.append(
            f"13.1: retention is at most {MAX_RETENTION_DAYS} days (asked for {camera.retention_days})"
        )
    if camera.retention_days < 1:
        problems.append("13.1: retention must be at least 1 day")
    if not camera.purposes:
        problems.append("4.1: name at least one purpose the camera serves")
    unknown = [p for p in camera.purposes if p not in Purpose.values]
    if unknown:
        problems.append(f"4.1: unknown purpose {', '.join(map(str, unknown))}")
    problems.extend(_placement_problems(camera))
    return problems


def _placement_problems(camera: Camera) -> list[str]:
    on_vehicle = camera.vehicle_id is not None
    if on_vehicle and camera.location_type not in VEHICLE_LOCATIONS:
        return ["5.2: a minibus camera must be internal, dash or rear view"]
    if not on_vehicle and camera.location_type in VEHICLE_LOCATIONS:
        return ["5.2: minibus positions are only for cameras fitted to a minibus"]
    return []


def dpia_in_date(dpia: DPIA, today: date) -> bool:
    return (
        dpia.status == DPIAStatus.APPROVED
        and dpia.next_review_on is not None
        and dpia.next_review_on >= today
    )


def sign_checked(sign: Sign, today: date) -> bool:
    return sign.last_checked_on is not None and sign.last_checked_on >= today - timedelta(
        days=SIGN_CHECK_VALID_DAYS
    )


def required_sign_placement(camera: Camera) -> SignPlacement:
    return SignPlacement.INSIDE_VEHICLE if camera.vehicle_id else SignPlacement.ENTRANCE


def has_checked_sign(camera: Camera, signs: Iterable[Sign], today: date) -> bool:
    """6.1: the school has a checked sign at an entrance, or the minibus has one inside."""
    placement = required_sign_placement(camera)
    return any(
        sign.placement == placement
        and sign.school_id == camera.school_id
        and (sign.vehicle_id == camera.vehicle_id if camera.vehicle_id else True)
        and sign_checked(sign, today)
        for sign in signs
    )


@enforces("5.1", "5.3", "6.1", "7.1", "18.1", "R2", "R4", "R5")
def activation_problems(
    camera: Camera, dpias: Iterable[DPIA], signs: Iterable[Sign], today: date
) -> list[str]:
    """Everything that stops this camera becoming active; empty when it may record."""
    problems = camera_problems(camera)
    if not camera.visibly_sited:
        problems.append("5.1: cameras must be sited where they are clearly visible")
    if camera.views_beyond_premises and not camera.privacy_zones:
        problems.append("5.3: this camera may view beyond the premises — draw privacy zones first")
    problems.extend(not_private_problems(camera))  # 5.4: a place of type "other" confirmed by the DPO
    if not any(dpia_in_date(d, today) for d in dpias):
        problems.append(_dpia_problem(camera, list(dpias), today))
    if not has_checked_sign(camera, signs, today):
        problems.append(_sign_problem(camera))
    return problems


def _dpia_problem(camera: Camera, dpias: list[DPIA], today: date) -> str:
    approved = [d for d in dpias if d.status == DPIAStatus.APPROVED]
    if approved:
        return f"7.1/18.1: the DPIA covering {camera.name} is past its review date — review and re-approve it"
    return f"7.1: no approved DPIA covers {camera.name}"


def _sign_problem(camera: Camera) -> str:
    if camera.vehicle_id:
        return "6.1: the minibus has no checked CCTV sign inside it"
    return "6.1: the school has no checked CCTV sign at an entrance point"


@enforces("5.3", "6.1", "7.1", "7.3", "18.1", "R3")
def compliance_exceptions(
    camera: Camera, dpias: Iterable[DPIA], signs: Iterable[Sign], today: date
) -> list[str]:
    """Problems with a camera already in service, for the Headteacher's and the DPO's exceptions list."""
    dpias = list(dpias)
    exceptions = []
    if any(d.status == DPIAStatus.APPROVED and not dpia_in_date(d, today) for d in dpias):
        exceptions.append("18.1: DPIA review overdue")
    if camera.legacy and not any(d.retrospective and dpia_in_date(d, today) for d in dpias):
        exceptions.append("7.3: legacy camera without an approved retrospective DPIA")
    if camera.status == "active":
        if not any(dpia_in_date(d, today) for d in dpias) and "18.1: DPIA review overdue" not in exceptions:
            exceptions.append("7.1: active without an approved DPIA")
        if not has_checked_sign(camera, signs, today):
            exceptions.append(_sign_problem(camera))
        if camera.views_beyond_premises and not camera.privacy_zones:
            exceptions.append("5.3: views beyond the premises without privacy zones")
        if not_private_problems(camera):  # the recorder stops it: say why on the exceptions list
            exceptions.append("5.4: a place of type “other” not confirmed by the DPO as not private")
    return exceptions
