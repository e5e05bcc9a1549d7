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


def sign_check_due(sign: Sign) -> date | None:
    """The last day the sign's latest check counts (6.1: checked within SIGN_CHECK_VALID_DAYS); None when it
    was never checked (due now)."""
    if sign.last_checked_on is None:
        return None
    return sign.last_checked_on + timedelta(days=SIGN_CHECK_VALID_DAYS)


def required_sign_placement(camera: Camera) -> SignPlacement:
    return SignPlacement.INSIDE_VEHICLE if camera.vehicle_id else SignPlacement.ENTRANCE


def dpia_counts(dpia: DPIA, today: date, lapsed_ok: bool = False) -> bool:
    """Approved and in date; or, where an overdue review is only flagged (`lapsed_ok`), approved at all."""
    return dpia_in_date(dpia, today) or (lapsed_ok and dpia.status == DPIAStatus.APPROVED)


def sign_counts(sign: Sign, today: date, lapsed_ok: bool = False) -> bool:
    """Checked within the year; or, where a lapsed check is only flagged (`lapsed_ok`), ever checked."""
    return sign_checked(sign, today) or (lapsed_ok and sign.last_checked_on is not None)


def can_cover(camera: Camera, dpia: DPIA) -> bool:
    """7.3: a legacy camera (installed before DPIAs) is covered only by a retrospective DPIA."""
    return dpia.retrospective or not camera.legacy


def has_checked_sign(camera: Camera, signs: Iterable[Sign], today: date, lapsed_ok: bool = False) -> bool:
    """6.1: the school has a checked sign at an entrance, or the minibus has one inside."""
    placement = required_sign_placement(camera)
    return any(
        sign.placement == placement
        and sign.school_id == camera.school_id
        and (sign.vehicle_id == camera.vehicle_id if camera.vehicle_id else True)
        and sign_counts(sign, today, lapsed_ok)
        for sign in signs
    )


@enforces("5.1", "5.3", "6.1", "7.1", "7.3", "18.1", "R2", "R4", "R5")
def activation_problems(
    camera: Camera, dpias: Iterable[DPIA], signs: Iterable[Sign], today: date, *, lapsed_ok: bool = False
) -> list[str]:
    """Everything that stops this camera becoming active; empty when it may record.

    `lapsed_ok` is for a camera already in service under the trust's "flag and escalate" setting
    (in_service_problems): an overdue DPIA review or a lapsed yearly sign check is then an exception for the
    DPO, not a stop. Activation never passes it: a camera starts only under an in-date DPIA (7.1)."""
    dpias = list(dpias)
    problems = camera_problems(camera)
    if not camera.visibly_sited:
        problems.append("5.1: cameras must be sited where they are clearly visible")
    if camera.views_beyond_premises and not camera.privacy_zones:
        problems.append("5.3: this camera may view beyond the premises — draw privacy zones first")
    problems.extend(not_private_problems(camera))  # 5.4: a place of type "other" confirmed by the DPO
    if not any(can_cover(camera, d) and dpia_counts(d, today, lapsed_ok) for d in dpias):
        problems.append(_dpia_problem(camera, dpias))
    if not has_checked_sign(camera, signs, today, lapsed_ok):
        problems.append(_sign_problem(camera))
    return problems


@enforces("6.1", "7.1", "7.3", "18.1", "R2", "R3")
def in_service_problems(
    camera: Camera, dpias: Iterable[DPIA], signs: Iterable[Sign], today: date, *, suspend_overdue: bool
) -> list[str]:
    """What stops a camera already in service recording. The trust's setting decides whether an overdue
    DPIA review (18.1) or a sign not checked within a year (6.1) stops it (`suspend_overdue`) or is flagged
    and escalated while it keeps recording; no approved DPIA (7.1), a legacy camera without a
    retrospective one (7.3) and a sign never checked stop it either way."""
    return activation_problems(camera, dpias, signs, today, lapsed_ok=not suspend_overdue)


def _dpia_problem(camera: Camera, dpias: list[DPIA]) -> str:
    approved = [d for d in dpias if d.status == DPIAStatus.APPROVED and can_cover(camera, d)]
    if approved:
        return f"7.1/18.1: the DPIA covering {camera.name} is past its review date — review and re-approve it"
    if camera.legacy:
        return (
            f"7.3: {camera.name} was installed before DPIAs, so it records only under an approved "
            "retrospective DPIA — draft a retrospective DPIA for it and ask the DPO to approve it"
        )
    return f"7.1: no approved DPIA covers {camera.name}"


def _sign_problem(camera: Camera) -> str:
    if camera.vehicle_id:
        return "6.1: the minibus has no checked CCTV sign inside it"
    return "6.1: the school has no checked CCTV sign at an entrance point"


OVERDUE_DPIA = "18.1: DPIA review overdue"
KEEPS_RECORDING = "the camera keeps recording meanwhile (the DPO's setting: flag and escalate)"
STOPPED = "the camera has stopped recording until it is done (the DPO's setting: suspend)"


@enforces("5.3", "6.1", "7.1", "7.3", "18.1", "R3")
def compliance_exceptions(
    camera: Camera,
    dpias: Iterable[DPIA],
    signs: Iterable[Sign],
    today: date,
    suspend_overdue: bool | None = None,
) -> list[str]:
    """Problems with a camera already in service, for the Headteacher's and the DPO's exceptions list.

    Given the trust's setting (`suspend_overdue`), an overdue review or sign check of an active camera
    also says what it does to the camera: it keeps recording (flag and escalate) or it has stopped."""
    dpias = list(dpias)
    active = camera.status == "active"
    exceptions = []
    if any(d.status == DPIAStatus.APPROVED and not dpia_in_date(d, today) for d in dpias):
        exceptions.append(_overdue(OVERDUE_DPIA, "review and re-approve it", active, suspend_overdue))
    if camera.legacy and not any(d.retrospective and dpia_in_date(d, today) for d in dpias):
        exceptions.append(_legacy_exception(dpias, today, active and suspend_overdue is not None))
    if active:
        if not any(dpia_in_date(d, today) for d in dpias) and not _has_overdue(exceptions):
            exceptions.append("7.1: active without an approved DPIA")
        if not has_checked_sign(camera, signs, today):
            exceptions.append(_sign_exception(camera, signs, today, suspend_overdue))
        if camera.views_beyond_premises and not camera.privacy_zones:
            exceptions.append("5.3: views beyond the premises without privacy zones")
        if not_private_problems(camera):  # the recorder stops it: say why on the exceptions list
            exceptions.append("5.4: a place of type “other” not confirmed by the DPO as not private")
    return exceptions


def _legacy_exception(dpias: list[DPIA], today: date, say_what_it_does: bool) -> str:
    text = "7.3: legacy camera without an approved retrospective DPIA"
    if not say_what_it_does:
        return text
    if any(d.retrospective and dpia_counts(d, today, lapsed_ok=True) for d in dpias):
        return text  # its retrospective DPIA is only overdue: the review exception says what that does
    return f"{text} — it does not record until the DPO approves one"


def _has_overdue(exceptions: list[str]) -> bool:
    return any(e.startswith(OVERDUE_DPIA) for e in exceptions)


def _overdue(text: str, step: str, active: bool, suspend_overdue: bool | None) -> str:
    if suspend_overdue is None or not active:
        return text
    return f"{text} — {step}; {STOPPED if suspend_overdue else KEEPS_RECORDING}"


def _sign_exception(camera: Camera, signs: Iterable[Sign], today: date, suspend_overdue: bool | None) -> str:
    if suspend_overdue is None or not has_checked_sign(camera, signs, today, lapsed_ok=True):
        return _sign_problem(camera)  # never checked: it stops the camera whatever the setting
    where = "inside the minibus" if camera.vehicle_id else "at the entrance"
    return _overdue(
        f"6.1: sign check overdue: the CCTV sign {where} was last checked over a year ago",
        "check it and record the check",
        True,
        suspend_overdue,
    )
