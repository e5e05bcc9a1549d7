"""The navigation grouped into menus, usable on a phone, and the site's icon (issue 15 §5)."""

import re

import pytest

from tests.factories import person
from watchkeeper.core.registry import Link
from watchkeeper.people.models import Role
from watchkeeper.site.navigation import grouped

pytestmark = pytest.mark.django_db


def test_links_gather_in_their_groups_in_order_and_a_lone_link_stands_alone():
    links = [
        (Link("Dashboard", "x", "a", order=10), "/"),
        (Link("Live", "x", "a", group="Footage", order=100), "/live/"),
        (Link("Audit log", "x", "a", group="Reports", order=210), "/audit/"),
        (Link("Downloads", "x", "a", group="Footage", order=140), "/downloads/"),
    ]
    entries = grouped(links, "/downloads/")
    assert [(e.label, e.links, e.single, e.current) for e in entries] == [
        ("", [("Dashboard", "/")], True, False),
        ("Footage", [("Live", "/live/"), ("Downloads", "/downloads/")], False, True),
        ("Reports", [("Audit log", "/audit/")], True, False),
    ]


def test_the_headteachers_navigation_is_a_few_menus_not_a_row_of_links(client, school, signed_in):
    signed_in(person(Role.HEADTEACHER, school))
    page = client.get("/").content.decode()
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', page, re.S)
    assert nav is not None
    summaries = re.findall(r"<summary>(.*?)</summary>", nav.group(1))
    assert {"Footage", "Requests", "Registers"} <= set(summaries)
    # Only a handful of entries in the bar itself; the rest inside the menus.
    top_level = re.sub(r"<details.*?</details>", "", nav.group(1), flags=re.S)
    assert top_level.count("<a ") <= 3
    assert ">Footage requests<" in nav.group(1) and ">CCTV log<" in nav.group(1)


def test_the_navigation_folds_behind_a_menu_button_on_a_phone(client, school, signed_in):
    signed_in(person(Role.HEADTEACHER, school))
    page = client.get("/").content.decode()
    assert 'id="nav-toggle"' in page and '<label for="nav-toggle" class="nav-button">Menu</label>' in page
    assert 'name="viewport"' in page


def test_the_site_has_an_icon_and_favicon_ico_finds_it(client):
    answer = client.get("/favicon.ico")
    assert answer.status_code == 302 and answer["Location"].endswith("watchkeeper/favicon.svg")
    page = client.get("/login/").content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page


@pytest.mark.clause("12.1")
def test_the_cctv_administrator_finds_the_maintenance_schedule_under_maintenance(client, school, signed_in):
    # README walk-through 10 and design/health.md: "Maintenance → Schedule" (it had no link at all).
    signed_in(person(Role.CCTV_ADMIN, school))
    page = client.get("/").content.decode()
    menu = re.search(r"<summary>Maintenance</summary>(.*?)</details>", page, re.S)
    assert menu is not None
    assert '<a href="/health/maintenance/schedule/" class="">Schedule</a>' in menu.group(1)
    assert '<a href="/health/maintenance/" class="">Log</a>' in menu.group(1)
