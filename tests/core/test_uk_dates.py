"""Date-times in UK format and the window presets (issue 15 §5)."""

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.template import Context, Template

from tests.factories import person
from watchkeeper.people.models import Role

STATIC = Path(__file__).resolve().parents[2] / "src/watchkeeper/core/static/watchkeeper"
MOMENT = dt.datetime(2026, 7, 1, 8, 5, 9, tzinfo=dt.UTC)  # 09:05:09 BST


def test_a_date_time_reads_dd_mm_yyyy_hh_mm_in_uk_time():
    template = Template("{{ moment }}|{{ moment|date:'SHORT_DATETIME_FORMAT' }}")
    page = template.render(Context({"moment": MOMENT}))
    assert page == "01/07/2026 09:05|01/07/2026 09:05"


def test_no_template_shows_a_date_time_month_first_or_as_iso():
    """Every date-time filter in the templates writes the day first, as dd/mm/yyyy."""
    templates = Path(__file__).resolve().parents[2] / "src/watchkeeper"
    for path in templates.rglob("*.html"):
        text = path.read_text()
        for old in (
            'date:"j M Y H:i',
            'date:"Y-m-d H:i',
            'date:"j M H:i',
            'date:"j F Y H:i',
            'date:"j M Y"',
            'date:"j F Y"',
        ):
            assert old not in text, f"{path}: {old}"


def test_a_typed_uk_date_time_is_read_as_uk_time():
    field = forms.DateTimeField()
    assert field.clean("01/07/2026 09:05") == dt.datetime(2026, 7, 1, 9, 5, tzinfo=ZoneInfo("Europe/London"))


@pytest.mark.django_db
def test_every_page_offers_last_hour_today_and_now_for_its_time_windows(client, school, signed_in):
    signed_in(person(Role.FOOTAGE_REVIEWER, school))
    page = client.get("/").content.decode()
    assert "watchkeeper/window-presets.js" in page
    script = (STATIC / "window-presets.js").read_text()
    assert all(f'"{label}"' in script for label in ("Last hour", "Today", "Now"))
