"""The audit log's CSV export as a service (audit/export.py): the web and the command line record it alike."""

from __future__ import annotations

import csv
import io

import pytest

from tests.factories import person
from watchkeeper.audit.export import export_csv
from watchkeeper.audit.models import AuditEvent
from watchkeeper.audit.services import record
from watchkeeper.people.models import Role

pytestmark = pytest.mark.django_db


def test_an_export_is_recorded_with_its_filter_and_holds_the_rows_asked_for(school) -> None:
    dpo = person(Role.DPO, None)
    record("test.before", school=school)
    lines = export_csv(dpo, AuditEvent.objects.all(), school=school, described={"action": "test"})
    exported = AuditEvent.objects.get(action="audit.exported")  # recorded before any line is read
    assert exported.actor == dpo and exported.school == school
    assert exported.details["filter"] == {"action": "test"}
    assert exported.details["rows"] == AuditEvent.objects.filter(seq__lt=exported.seq).count()
    rows = list(csv.reader(io.StringIO("".join(lines))))
    assert "audit.exported" not in [row[4] for row in rows[1:]]  # the rows as they were when asked for
    assert "test.before" in [row[4] for row in rows[1:]]
