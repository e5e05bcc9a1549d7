"""The cast of the "who decides" tests (people/deciders.py): a school's gate camera, its Headteacher, a
designated person with no nomination yet, a footage reviewer and the DPO. A test file that needs another
cast defines its own fixture of the same name, which takes precedence."""

from __future__ import annotations

import pytest

from tests.factories import CameraFactory, person, recorded
from tests.viewing.conftest import RECORDED
from watchkeeper.people.models import Role


@pytest.fixture
def gate(school):
    return recorded(CameraFactory(school=school, name="Main gate"), RECORDED, minutes=10)


@pytest.fixture
def head(school):
    return person(Role.HEADTEACHER, school, first_name="Helen", last_name="Head")


@pytest.fixture
def deputy(school):
    return person(Role.DESIGNATED_PERSON, school, nominated=False, first_name="Dev", last_name="Deputy")


@pytest.fixture
def reviewer(school):
    return person(Role.FOOTAGE_REVIEWER, school)


@pytest.fixture
def dpo():
    return person(Role.DPO, None)
