"""The policy gates as pure functions: unsaved objects and a fixed `today`, no database (no django_db mark,
so any query would fail the test)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from watchkeeper.compliance.gates import (
    activation_problems,
    camera_problems,
    compliance_exceptions,
    dpia_in_date,
    has_checked_sign,
    required_sign_placement,
    sign_checked,
)
from watchkeeper.compliance.models import DPIA, DPIAStatus, Sign, SignPlacement
from watchkeeper.estate.models import Camera, CameraStatus, LocationType

TODAY = date(2025, 3, 14)
SCHOOL, OTHER_SCHOOL, BUS, OTHER_BUS = 1, 2, 7, 8


def camera(**fields: Any) -> Camera:
    values: dict[str, Any] = {
        "school_id": SCHOOL,
        "name": "Gate camera",
        "location_type": LocationType.ENTRANCE,
        "purposes": ["4.1.1"],
        "retention_days": 30,
    }
    values.update(fields)
    return Camera(**values)


def bus_camera(**fields: Any) -> Camera:
    return camera(vehicle_id=BUS, name="Bus camera", location_type=LocationType.VEHICLE_INTERNAL, **fields)


def approved(review_on: date = TODAY + timedelta(days=200), **fields: Any) -> DPIA:
    return DPIA(school_id=SCHOOL, status=DPIAStatus.APPROVED, next_review_on=review_on, **fields)


def sign(checked_on: date | None = TODAY - timedelta(days=10), **fields: Any) -> Sign:
    values: dict[str, Any] = {"school_id": SCHOOL, "placement": SignPlacement.ENTRANCE}
    values.update(fields)
    return Sign(last_checked_on=checked_on, **values)


# --- camera_problems: what may not even be registered ------------------------------------------------------


def test_a_sound_camera_has_no_problems() -> None:
    assert camera_problems(camera()) == []


@pytest.mark.parametrize(
    ("location", "word"), [(LocationType.TOILET, "toilet"), (LocationType.CHANGING_ROOM, "changing room")]
)
@pytest.mark.clause("5.4", "R4")
def test_places_of_privacy_are_refused_5_4(location: str, word: str) -> None:
    problems = camera_problems(camera(location_type=location))
    assert problems == [
        f"5.4: cameras may not be sited in a {word} — places where people expect privacy are refused"
    ]


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (30, []),
        (1, []),
        (31, ["13.1: retention is at most 30 days (asked for 31)"]),
        (0, ["13.1: retention must be at least 1 day"]),
    ],
)
@pytest.mark.clause("13.1")
def test_retention_limits_13_1(days: int, expected: list[str]) -> None:
    assert camera_problems(camera(retention_days=days)) == expected


@pytest.mark.clause("4.1", "R1")
def test_purposes_4_1() -> None:
    assert camera_problems(camera(purposes=[])) == ["4.1: name at least one purpose the camera serves"]
    assert camera_problems(camera(purposes=["4.1.1", "4.1.9"])) == ["4.1: unknown purpose 4.1.9"]
    assert camera_problems(camera(purposes=["4.1.1", "4.1.2", "4.1.3", "4.1.4"])) == []


@pytest.mark.parametrize(
    "location", [LocationType.VEHICLE_INTERNAL, LocationType.VEHICLE_DASH, LocationType.VEHICLE_REAR]
)
@pytest.mark.clause("5.2")
def test_minibus_cameras_use_minibus_positions_5_2(location: str) -> None:
    assert camera_problems(camera(vehicle_id=BUS, location_type=location)) == []
    assert camera_problems(camera(location_type=location)) == [
        "5.2: minibus positions are only for cameras fitted to a minibus"
    ]


def test_a_minibus_camera_at_a_building_position_is_refused_5_2() -> None:
    assert camera_problems(camera(vehicle_id=BUS, location_type=LocationType.ENTRANCE)) == [
        "5.2: a minibus camera must be internal, dash or rear view"
    ]


# --- DPIAs in date (7.1, 18.1) -----------------------------------------------------------------------------


def test_dpia_review_date_today_is_in_date_and_yesterday_is_overdue() -> None:
    assert dpia_in_date(approved(review_on=TODAY), TODAY)
    assert not dpia_in_date(approved(review_on=TODAY - timedelta(days=1)), TODAY)


@pytest.mark.parametrize("status", [DPIAStatus.DRAFT, DPIAStatus.SUPERSEDED])
def test_only_an_approved_dpia_is_in_date(status: str) -> None:
    assert not dpia_in_date(DPIA(status=status, next_review_on=TODAY + timedelta(days=100)), TODAY)


def test_an_approved_dpia_without_review_date_is_not_in_date() -> None:
    assert not dpia_in_date(DPIA(status=DPIAStatus.APPROVED, next_review_on=None), TODAY)


# --- Signs (6.1) -------------------------------------------------------------------------------------------


def test_sign_checked_365_days_ago_is_valid_and_366_is_not() -> None:
    assert sign_checked(sign(TODAY - timedelta(days=365)), TODAY)
    assert not sign_checked(sign(TODAY - timedelta(days=366)), TODAY)
    assert sign_checked(sign(TODAY), TODAY)
    assert not sign_checked(sign(None), TODAY)


def test_required_sign_placement() -> None:
    assert required_sign_placement(camera()) == SignPlacement.ENTRANCE
    assert required_sign_placement(bus_camera()) == SignPlacement.INSIDE_VEHICLE


def test_a_building_camera_needs_a_checked_entrance_sign_of_its_school() -> None:
    assert has_checked_sign(camera(), [sign()], TODAY)
    assert not has_checked_sign(camera(), [], TODAY)
    assert not has_checked_sign(camera(), [sign(school_id=OTHER_SCHOOL)], TODAY)
    assert not has_checked_sign(camera(), [sign(placement=SignPlacement.AREA)], TODAY)
    assert not has_checked_sign(camera(), [sign(TODAY - timedelta(days=366))], TODAY)
    assert has_checked_sign(camera(), [sign(TODAY - timedelta(days=400)), sign()], TODAY)


def test_a_minibus_camera_needs_a_checked_sign_inside_that_minibus() -> None:
    inside = {"placement": SignPlacement.INSIDE_VEHICLE}
    assert has_checked_sign(bus_camera(), [sign(vehicle_id=BUS, **inside)], TODAY)
    assert not has_checked_sign(bus_camera(), [sign(vehicle_id=OTHER_BUS, **inside)], TODAY)
    assert not has_checked_sign(bus_camera(), [sign()], TODAY)  # the school's entrance sign is not enough


# --- activation_problems -----------------------------------------------------------------------------------


def test_a_camera_with_dpia_and_sign_may_be_activated() -> None:
    assert activation_problems(camera(), [approved()], [sign()], TODAY) == []


@pytest.mark.clause("6.1", "7.1", "R2", "R5")
def test_activation_without_dpia_or_sign_lists_both() -> None:
    assert activation_problems(camera(), [], [], TODAY) == [
        "7.1: no approved DPIA covers Gate camera",
        "6.1: the school has no checked CCTV sign at an entrance point",
    ]


def test_activation_with_only_a_draft_dpia() -> None:
    draft = DPIA(status=DPIAStatus.DRAFT, next_review_on=None)
    assert activation_problems(camera(), [draft], [sign()], TODAY) == [
        "7.1: no approved DPIA covers Gate camera"
    ]


@pytest.mark.clause("7.1", "18.1")
def test_activation_with_an_overdue_dpia() -> None:
    overdue = approved(review_on=TODAY - timedelta(days=1))
    assert activation_problems(camera(), [overdue], [sign()], TODAY) == [
        "7.1/18.1: the DPIA covering Gate camera is past its review date — review and re-approve it"
    ]
    assert activation_problems(camera(), [approved(review_on=TODAY)], [sign()], TODAY) == []


def test_activation_of_a_minibus_camera_needs_the_sign_inside() -> None:
    assert activation_problems(bus_camera(), [approved()], [sign()], TODAY) == [
        "6.1: the minibus has no checked CCTV sign inside it"
    ]


@pytest.mark.clause("5.1")
def test_activation_needs_a_visible_camera_5_1() -> None:
    assert activation_problems(camera(visibly_sited=False), [approved()], [sign()], TODAY) == [
        "5.1: cameras must be sited where they are clearly visible"
    ]


@pytest.mark.clause("5.3", "R4")
def test_viewing_beyond_premises_needs_privacy_zones_5_3() -> None:
    beyond = camera(views_beyond_premises=True)
    assert activation_problems(beyond, [approved()], [sign()], TODAY) == [
        "5.3: this camera may view beyond the premises — draw privacy zones first"
    ]
    beyond.privacy_zones = [[[0, 0], [1, 0], [1, 1]]]
    assert activation_problems(beyond, [approved()], [sign()], TODAY) == []


def test_activation_repeats_the_registration_problems() -> None:
    problems = activation_problems(camera(retention_days=31), [approved()], [sign()], TODAY)
    assert problems == ["13.1: retention is at most 30 days (asked for 31)"]


# --- compliance_exceptions: cameras already in service -----------------------------------------------------


def test_an_active_compliant_camera_has_no_exceptions() -> None:
    assert compliance_exceptions(camera(status=CameraStatus.ACTIVE), [approved()], [sign()], TODAY) == []


@pytest.mark.clause("18.1", "R3")
def test_overdue_review_is_an_exception_but_not_also_a_missing_dpia() -> None:
    overdue = approved(review_on=TODAY - timedelta(days=1))
    assert compliance_exceptions(camera(status=CameraStatus.ACTIVE), [overdue], [sign()], TODAY) == [
        "18.1: DPIA review overdue"
    ]


@pytest.mark.clause("5.3", "6.1", "7.1")
def test_active_without_dpia_sign_or_zones() -> None:
    active = camera(status=CameraStatus.ACTIVE, views_beyond_premises=True)
    assert compliance_exceptions(active, [], [], TODAY) == [
        "7.1: active without an approved DPIA",
        "6.1: the school has no checked CCTV sign at an entrance point",
        "5.3: views beyond the premises without privacy zones",
    ]


def test_a_proposed_camera_is_not_an_exception_for_lacking_a_dpia() -> None:
    assert compliance_exceptions(camera(), [], [], TODAY) == []


@pytest.mark.clause("7.3")
def test_legacy_cameras_need_a_retrospective_dpia_7_3() -> None:
    legacy = camera(status=CameraStatus.ACTIVE, legacy=True)
    assert compliance_exceptions(legacy, [approved()], [sign()], TODAY) == [
        "7.3: legacy camera without an approved retrospective DPIA"
    ]
    assert compliance_exceptions(legacy, [approved(retrospective=True)], [sign()], TODAY) == []
    overdue_retro = approved(review_on=TODAY - timedelta(days=1), retrospective=True)
    assert compliance_exceptions(legacy, [overdue_retro, approved()], [sign()], TODAY) == [
        "18.1: DPIA review overdue",
        "7.3: legacy camera without an approved retrospective DPIA",
    ]
