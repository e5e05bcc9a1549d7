"""Two people press "Close the case" at the same moment (issue 12 §4, design/architecture.md "Concurrency").

Each thread has its own database connection and loads the case as the case page does (with its hold),
then both wait at a barrier — so both have read an open case — and close it together. Exactly one closes
it; the other is refused, on PostgreSQL (SELECT … FOR UPDATE) and on SQLite (BEGIN IMMEDIATE) alike. Before
the fix both succeeded: close() checked the copy loaded before the lock, so the case was closed twice and
its hold released twice.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from tests.subjectaccess.conftest import log
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.subjectaccess import services
from watchkeeper.subjectaccess.models import CaseStatus, SubjectAccessRequest

# Committed data, on a database the threads can race on (tests/subjectaccess/racing.py).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("race_database")]

PEOPLE = 2


def _close_together(handler: Any, pk: int, barrier: threading.Barrier, outcomes: list[str]) -> None:
    """One person: load the case page's copy, wait for the other, press Close."""
    try:
        case = SubjectAccessRequest.objects.select_related("hold").get(pk=pk)
        barrier.wait(timeout=30)
        services.close(handler, case, note="Answered and collected", now=timezone.now())
        outcomes.append("closed")
    except PolicyRefusal as refusal:
        outcomes.append(f"refused: {refusal}")
    except Exception as error:  # noqa: BLE001 - anything else is what the test must show
        outcomes.append(f"error: {type(error).__name__}: {error}")
    finally:
        connection.close()  # this thread's own connection


@pytest.mark.clause("10.2")
def test_two_people_closing_a_case_at_once_close_it_once(handler, school, cameras):
    case = log(handler, school, cameras)
    barrier = threading.Barrier(PEOPLE)
    outcomes: list[str] = []
    people = [
        threading.Thread(target=_close_together, args=(handler, case.pk, barrier, outcomes))
        for _ in range(PEOPLE)
    ]
    for thread in people:
        thread.start()
    for thread in people:
        thread.join(timeout=60)
    assert sorted(o.split(":")[0] for o in outcomes) == ["closed", "refused"], outcomes
    assert f"{case.reference} is closed already" in next(o for o in outcomes if o.startswith("refused"))
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert AuditEvent.objects.filter(action="subjectaccess.closed").count() == 1
    assert AuditEvent.objects.filter(action="recording.hold_released").count() == 1
