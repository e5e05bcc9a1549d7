"""The lawful footing of each camera as pure checks (no I/O): its lawful basis (UK GDPR Art 6), a place of
type "other" described and confirmed not private (5.4), and whether a use of its footage is one of its
purposes (4.1, 11.2). Services call these with what they loaded; tests call them with unsaved objects
(design/estate.md)."""

from __future__ import annotations

from collections.abc import Iterable

from watchkeeper.core.clauses import enforces
from watchkeeper.estate.models import Camera, LawfulBasis, LocationType

# Said wherever legitimate interests is offered or chosen: the form's help, the refusal, the camera page.
LEGITIMATE_INTERESTS_WARNING = (
    "An academy trust is a public authority: legitimate interests (Art 6(1)(f)) is not available to it for "
    "its tasks, and CCTV for the purposes of 4.1 is one of them — use public task (Art 6(1)(e)) unless "
    "this camera serves something outside the trust's tasks, and say what"
)


@enforces("4.1", "5.4", "R1", "R4")
def footing_problems(camera: Camera) -> list[str]:
    """Why the camera may not be registered (or kept) as described: a lawful basis of Art 6, a recorded
    reason for legitimate interests, and words saying what a place of type "other" is."""
    problems = []
    if camera.lawful_basis not in LawfulBasis.values:
        problems.append("4.1: choose the camera's lawful basis (UK GDPR Art 6(1); normally public task)")
    if camera.lawful_basis == LawfulBasis.LEGITIMATE_INTERESTS and not camera.lawful_basis_reason.strip():
        problems.append(f"4.1: {LEGITIMATE_INTERESTS_WARNING}")
    if camera.location_type == LocationType.OTHER and not camera.place_description.strip():
        problems.append(
            "5.4: a camera whose location type is “other” says in words what the place is, so that the DPO "
            "can confirm it is not a place where people expect privacy"
        )
    return problems


@enforces("5.4", "R4")
def not_private_problems(camera: Camera) -> list[str]:
    """5.4: a camera in a place of type "other" is activated only once the DPO has confirmed the place is
    not one of privacy (toilets, changing rooms and the like). Empty when nothing is missing."""
    if camera.location_type != LocationType.OTHER or camera.not_private_confirmed_at is not None:
        return []
    return [
        f"5.4: the DPO has not yet confirmed that the place {camera.name} looks at is not a place of privacy "
        "(such as a toilet or changing room)"
    ]


def place_changed(before: dict[str, object], after: dict[str, object]) -> bool:
    """Whether the description of the place changed: a DPO's confirmation (5.4) was of the place as it was
    described, so it no longer holds."""
    keys = ("location_type", "location_description", "place_description")
    return any(before.get(key) != after.get(key) for key in keys)


@enforces("4.1", "11.2", "R24")
def cameras_not_for(cameras: Iterable[Camera], purpose: str) -> list[Camera]:
    """The cameras that do not name `purpose` among their purposes (4.1): footage is used, and disclosed
    to the police (11.2), only in line with the purposes each camera is there for."""
    return [camera for camera in cameras if purpose not in camera.purposes]
