"""The columns that every register declares alike: the member of staff who did something, and the school a
row belongs to. One home, so that a "by" column means the same in every app: the person is kept while a
record names them (PROTECT: records are evidence, 9.5, 13.1), the person's side gets no reverse accessor
(related_name "+"), and an optional one is empty where the installation itself acted (SYSTEM: see
`core.actors.person_or_none`, which fills it) or where nobody has acted yet.

The migrations hold these fields as declared here: changing an argument changes every app's schema, so run
`watchkeeper makemigrations --check` after any change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from watchkeeper.core.actors import Person
    from watchkeeper.estate.models import School

# By its label, not its class: the estate app declares its own rows with these fields too.
SCHOOL = "estate.School"


def person() -> models.ForeignKey[Person, Person]:
    """The member of staff who did something only a person may do (core.actors.require_person)."""
    return models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")


def person_or_none() -> models.ForeignKey[Person | None, Person | None]:
    """The member of staff who did something, or None: SYSTEM did it, or nobody has done it yet."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )


def school(related_name: str) -> models.ForeignKey[School, School]:
    """The school whose record this is (its SCHOOL_LOOKUP): kept while any of its records remains."""
    return models.ForeignKey(SCHOOL, on_delete=models.PROTECT, related_name=related_name)


def school_or_none(related_name: str) -> models.ForeignKey[School | None, School | None]:
    """A school, or None for what is trust-wide (a trust role, a trust-level event)."""
    return models.ForeignKey(
        SCHOOL, on_delete=models.PROTECT, related_name=related_name, null=True, blank=True
    )
