"""The reports' pure parts, without the database: small-number suppression, the compliance score and its
definition, the timeliness tally, the SVG chart, the retention cut-off and the Art 30 entry."""

from __future__ import annotations

from datetime import date

import pytest

from watchkeeper.compliance.services import SchoolCompliance
from watchkeeper.estate.models import School
from watchkeeper.reports.charts import bar_chart
from watchkeeper.reports.processing import processing_entry
from watchkeeper.reports.retention import DEFAULT_YEARS, cutoff
from watchkeeper.reports.score import CHECKS, score
from watchkeeper.reports.suppression import shown, suppressed
from watchkeeper.reports.timeliness import tally

TODAY = date(2026, 9, 14)

pytestmark = pytest.mark.clause("3.5", "18.1", "R28")


@pytest.mark.parametrize(
    ("count", "public"), [(0, "0"), (1, "fewer than 5"), (4, "fewer than 5"), (5, "5"), (123, "123")]
)
def test_counts_of_one_to_four_are_suppressed_and_zero_and_five_up_are_shown(count: int, public: str) -> None:
    assert suppressed(count) == public
    assert shown(count, public=True) == public
    assert shown(count, public=False) == str(count)


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError):
        suppressed(-1)


def test_the_score_weights_add_up_to_100_and_a_school_with_nothing_wrong_scores_100() -> None:
    assert sum(check.weight for check in CHECKS) == 100
    row = SchoolCompliance(
        School(name="A"), cameras_by_status={"active": 4}, dpias_approved=1, signs_checked=2
    )
    assert score(row).total == 100


def test_each_check_weighs_its_share() -> None:
    row = SchoolCompliance(
        School(name="A"),
        cameras_by_status={"active": 4},
        exceptions=1,  # 3 of 4 cameras: 0.75 × 40 = 30
        dpias_approved=1,
        dpias_overdue=1,  # 0.5 × 25 = 12.5
        signs_checked=0,
        signs_unchecked=2,  # 0 × 20
        notice_due=True,  # 0 × 15
    )
    result = score(row)
    assert result.total == 42  # 30 + 12.5, rounded
    assert [share for _, share in result.parts] == [0.75, 0.5, 0.0, 0.0]


def test_tally_counts_on_time_late_and_open() -> None:
    cases = [
        (date(2026, 9, 1), date(2026, 8, 30)),  # on time
        (date(2026, 9, 1), date(2026, 9, 1)),  # on the day: on time
        (date(2026, 9, 1), date(2026, 9, 2)),  # late
        (date(2026, 9, 13), None),  # open, overdue
        (date(2026, 9, 14), None),  # open, due today
        (None, None),  # clock not started
    ]
    t = tally(cases, TODAY)
    assert (t.on_time, t.late, t.open_overdue, t.open_in_time) == (2, 1, 1, 2)
    assert t.percent_on_time == 67
    assert tally([], TODAY).percent_on_time is None


def test_the_chart_is_plain_svg_with_escaped_labels_and_no_script_or_style() -> None:
    svg = str(bar_chart("Uptime <b>", [("Gate <script>", 50.0), ("Hall", 100)], " %"))
    assert svg.startswith("<svg") and svg.count("<rect") == 2
    assert "<script" not in svg and "style=" not in svg and "&lt;script&gt;" in svg
    assert 'width="0.0"' not in svg  # both bars drawn
    assert str(bar_chart("Empty", [])).startswith("<svg")


def test_the_retention_cutoff_counts_back_whole_years() -> None:
    assert cutoff(TODAY, 6) == date(2020, 9, 14)
    assert cutoff(TODAY, 1) == date(2025, 9, 14)


def test_the_record_of_processing_covers_art_30_1_a_to_g_and_names_the_purposes_and_retention() -> None:
    entry = dict(processing_entry("ALT", ["Oak School"], ["4.1.4", "nonsense"], 30, DEFAULT_YEARS))
    assert len(entry) == 7 and all(f"Art 30(1)({x})" in " ".join(entry) for x in "abcdefg")
    assert "Oak School" in entry["Controller (Art 30(1)(a))"]
    assert "at most 30 days" in entry["Retention (Art 30(1)(f))"]
    assert "6 years after closing" in entry["Retention (Art 30(1)(f))"]


def test_the_processing_entry_names_the_purpose_in_words() -> None:
    entry = dict(processing_entry("ALT", [], ["4.1.4"], 30, DEFAULT_YEARS))
    assert "Preventing crime" in entry["Purposes (Art 30(1)(b))"]


def test_a_fraction_of_a_year_counts_in_days_and_29_february_falls_back() -> None:
    assert cutoff(TODAY, 0.1) == date(2026, 8, 9)  # 36 days
    assert cutoff(date(2028, 2, 29), 1) == date(2027, 2, 28)
