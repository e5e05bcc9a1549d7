"""Closure periods (11.7): the school holidays and INSET days the FOI clock skips."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction

from watchkeeper.core.actors import Actor, Person
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import refuse_if
from watchkeeper.core.permissions import require
from watchkeeper.disclosures.models import ClosurePeriod
from watchkeeper.disclosures.services.common import MANAGE, audit, staff
from watchkeeper.estate.models import School


@enforces("11.7", "R25")
def closure_problems(*, first_day: date, last_day: date, description: str) -> list[str]:
    """What a closure period must be. Pure."""
    problems = []
    if last_day < first_day:
        problems.append("11.7: the last day of a closure cannot be before its first")
    if not description.strip():
        problems.append("11.7: say what the closure is (holiday, INSET day)")
    if (last_day - first_day).days > 366:
        problems.append("11.7: a closure period is at most a year: enter each holiday separately")
    return problems


@enforces("11.7", "R25")
def add_closure(
    actor: Actor, *, school: School, first_day: date, last_day: date, description: str, now: datetime
) -> ClosurePeriod:
    person = staff(actor)
    require(person, MANAGE, school.pk)
    refuse_if(closure_problems(first_day=first_day, last_day=last_day, description=description))
    with transaction.atomic():
        period = ClosurePeriod.objects.create(
            school=school,
            first_day=first_day,
            last_day=last_day,
            description=description.strip(),
            added_by=person,
            added_at=now,
        )
        _audit(person, "closure_added", period)
    return period


def remove_closure(actor: Actor, period: ClosurePeriod) -> None:
    person = staff(actor)
    require(person, MANAGE, period.school_id)
    with transaction.atomic():
        _audit(person, "closure_removed", period)
        period.delete()


def _audit(person: Person, event: str, period: ClosurePeriod) -> None:
    first, last = period.first_day.isoformat(), period.last_day.isoformat()
    audit(event, person, period, first_day=first, last_day=last, what=period.description)
