"""The misuse rules (16), pure: for each rule one case that fires and one that does not. No database, the
clock passed in."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from watchkeeper.misuse import rules
from watchkeeper.misuse.rules import CopyRow, Event, Thresholds

pytestmark = pytest.mark.clause("16")

# Monday 7 December 2026, 12:00 UTC (= London time in winter).
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
LIMITS = Thresholds()
ALICE, SCHOOL = 7, 3


def served(at: datetime, actor: int = ALICE, **details: object) -> Event:
    return Event(at, actor, SCHOOL, "viewing.segment_served", details=details)


def test_a_viewing_outside_the_school_hours_fires() -> None:
    evening = datetime(2026, 12, 7, 21, 40, tzinfo=UTC)
    hits = rules.out_of_hours([served(evening), served(evening + timedelta(minutes=5))], {})
    assert [(h.rule, h.subject_id, h.school_id) for h in hits] == [("a", ALICE, SCHOOL)]
    assert "21:40 on 07/12/2026" in hits[0].summary


def test_a_viewing_inside_the_school_hours_or_of_a_calendar_does_not_fire() -> None:
    assert rules.out_of_hours([served(NOW)], {}) == []
    # A school open on Saturday mornings: Saturday 10:00 is inside its hours; Sunday is closed.
    calendar = {SCHOOL: {5: (time(9), time(12))}}
    saturday = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
    assert rules.out_of_hours([served(saturday)], calendar) == []
    assert len(rules.out_of_hours([served(saturday + timedelta(days=1))], calendar)) == 1


def _weeks(counts: list[int], actor: int = ALICE) -> list[Event]:
    """counts[i] footage plays in the i-th week before NOW (0 = the last seven days)."""
    return [
        served(NOW - timedelta(days=7 * i + 1, minutes=n), actor)
        for i, c in enumerate(counts)
        for n in range(c)
    ]


def test_b_a_week_far_above_the_persons_usual_fires() -> None:
    hits = rules.volume_spike(_weeks([40, 5, 6, 4, 5, 7, 5, 6, 5]), NOW, LIMITS)
    assert [(h.rule, h.subject_id, h.figures["n"], h.figures["median"]) for h in hits] == [
        ("b", ALICE, 40, 5)
    ]


def test_b_a_busy_but_usual_week_or_a_week_under_the_floor_does_not_fire() -> None:
    assert rules.volume_spike(_weeks([40, 30, 35, 30, 28, 31, 30, 29, 33]), NOW, LIMITS) == []
    # Three times nothing, but under the absolute floor of 20.
    assert rules.volume_spike(_weeks([12, 0, 0, 0, 0, 0, 0, 0, 0]), NOW, LIMITS) == []


def refused(at: datetime, actor: int = ALICE) -> Event:
    return Event(at, actor, SCHOOL, "viewing.segment_refused")


def test_c_repeated_refusals_in_a_day_fire() -> None:
    hits = rules.repeated_refusals([refused(NOW - timedelta(minutes=m)) for m in range(5)], LIMITS)
    assert [(h.rule, h.subject_id, h.figures["n"]) for h in hits] == [("c", ALICE, 5)]


def test_c_refusals_under_the_number_or_spread_over_days_do_not_fire() -> None:
    assert rules.repeated_refusals([refused(NOW - timedelta(minutes=m)) for m in range(4)], LIMITS) == []
    spread = [refused(NOW - timedelta(days=d)) for d in range(6)]
    assert rules.repeated_refusals(spread, LIMITS) == []
    # A Headteacher refusing five download requests decides; nobody refused them.
    decisions = [Event(NOW, ALICE, SCHOOL, "evidence.download_refused") for _ in range(5)]
    assert rules.repeated_refusals(decisions, LIMITS) == []


def test_d_viewing_footage_of_a_case_one_is_named_in_fires() -> None:
    hits = rules.own_interest([served(NOW, authorisation=12)], {12: frozenset({ALICE})})
    assert [(h.rule, h.subject_id, h.figures["authorisation"]) for h in hits] == [("d", ALICE, 12)]


def test_d_viewing_footage_of_someone_elses_case_does_not_fire() -> None:
    assert rules.own_interest([served(NOW, authorisation=12)], {12: frozenset({99})}) == []
    assert rules.own_interest([served(NOW, authorisation=13)], {12: frozenset({ALICE})}) == []


def test_e_a_download_never_marked_viewed_fires_after_the_set_days() -> None:
    row = CopyRow(4, SCHOOL, ALICE, NOW - timedelta(days=15), None)
    hits = rules.unviewed_downloads([row], NOW, LIMITS)
    assert [(h.rule, h.subject_id, h.key) for h in hits] == [("e", ALICE, "e:4")]


def test_e_a_viewed_or_recent_download_does_not_fire() -> None:
    viewed = CopyRow(4, SCHOOL, ALICE, NOW - timedelta(days=30), NOW - timedelta(days=29))
    recent = CopyRow(5, SCHOOL, ALICE, NOW - timedelta(days=13), None)
    assert rules.unviewed_downloads([viewed, recent], NOW, LIMITS) == []


def fetched(address: str, package: str = "4", actor: int = ALICE) -> tuple[Event, str]:
    return Event(NOW, actor, SCHOOL, rules.FETCH, object_id=package), address


def test_f_one_package_fetched_from_two_addresses_fires() -> None:
    hits = rules.several_addresses([fetched("10.0.0.5"), fetched("203.0.113.9")], LIMITS)
    assert [(h.rule, h.figures["addresses"]) for h in hits] == [("f", ["10.0.0.5", "203.0.113.9"])]


def test_f_fetches_from_one_address_each_do_not_fire() -> None:
    pairs = [fetched("10.0.0.5"), fetched("10.0.0.5"), fetched("203.0.113.9", package="5")]
    assert rules.several_addresses(pairs, LIMITS) == []


def test_every_rule_states_its_formula() -> None:
    for rule in rules.RULES:
        assert rules.title(rule) and "Fires" in rules.formula(rule)
