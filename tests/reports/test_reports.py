"""The reports against live data: the annual report's two editions (web and command line), the compliance
evidence report changing when the data does, and the register retention job."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.evidence.pdftext import pdf_text
from tests.factories import person
from tests.reports.conftest import NOW, breach
from watchkeeper.audit.models import AuditEvent
from watchkeeper.breaches.models import Breach
from watchkeeper.core.actors import SYSTEM
from watchkeeper.people.models import Role
from watchkeeper.reports import evidence, services

pytestmark = pytest.mark.django_db


def _annual(school: Any, public: bool, tmp_path: Path) -> str:
    output = tmp_path / "annual.pdf"
    args = ["annual", "--year", "2026", "--output", str(output), "--school", str(school.pk)]
    call_command("report", *args, *(["--public"] if public else []))
    return pdf_text(output.read_bytes())


@pytest.mark.clause("18.1", "R28")
def test_the_public_edition_suppresses_small_counts_and_the_internal_one_gives_them(
    school: Any, tmp_path: Path
) -> None:
    for days in (10, 20, 30):
        breach(school, NOW - timedelta(days=days))
    internal = " ".join(_annual(school, False, tmp_path).split())
    public = " ".join(_annual(school, True, tmp_path).split())
    assert "Internal edition" in internal and "Suspected breaches (15.1) 3" in internal
    assert "Breaches awaiting the DPO's decision: 3" in internal  # the internal edition's open items
    assert "Public edition" in public and "Suspected breaches (15.1) fewer than 5" in public
    assert "Northfield Primary" in public and "laptop" not in public
    assert "At the time of printing" not in public


@pytest.mark.clause("18.1", "R28")
def test_the_trust_annual_report_needs_trust_wide_authority(school: Any) -> None:
    from django.core.exceptions import PermissionDenied

    head = person(Role.HEADTEACHER, school)
    assert services.annual_report(head, school=school, year=2026, public=True, now=NOW).startswith(b"%PDF")
    with pytest.raises(PermissionDenied):
        services.annual_report(head, school=None, year=2026, public=True, now=NOW)


def _line(rows: list[evidence.Row], clause: str, start: str) -> str:
    row = next(r for r in rows if r.entry.id == clause)
    return next(line for line in row.evidence if line.startswith(start))


@pytest.mark.clause("3.5", "18.1")
def test_the_compliance_evidence_report_changes_with_live_data(school: Any, tmp_path: Path) -> None:
    today = NOW.date()
    assert _line(evidence.rows(today), "15.1", "Breaches recorded") == "Breaches recorded: 0"
    breach(school, NOW - timedelta(days=2))
    rows = evidence.rows(today)
    assert _line(rows, "15.1", "Breaches recorded").startswith("Breaches recorded: 1, the last on ")
    assert _line(rows, "R26", "Breaches awaiting") == "Breaches awaiting the DPO's ICO decision: 1"
    row = next(r for r in rows if r.entry.id == "9.5")
    assert any("download_problems" in name for name in row.enforced_by)
    assert len(rows) == len(evidence.CATALOGUE)

    output = tmp_path / "compliance.pdf"
    call_command("report", "compliance", "--output", str(output))
    text = " ".join(pdf_text(output.read_bytes()).split())
    assert "Breaches recorded: 1" in text and "Not enforced in code." in text and "R29" in text


@pytest.mark.clause("13.1", "18.1")
def test_the_retention_job_deletes_closed_breaches_past_their_period_only(school: Any, settings: Any) -> None:
    old = breach(school, NOW - timedelta(days=7 * 365), decided=True)
    recent = breach(school, NOW - timedelta(days=365), decided=True)
    still_open = breach(school, NOW - timedelta(days=8 * 365))
    outcome = services.apply_register_retention(SYSTEM, NOW)
    assert outcome.deleted == {"breach": 1}
    assert set(Breach.objects.values_list("pk", flat=True)) == {recent.pk, still_open.pk}
    assert AuditEvent.objects.filter(action="reports.register_record_deleted", object_id=str(old.pk)).exists()

    settings.WATCHKEEPER_REGISTER_RETENTION = {"breach": 0.5}  # the DPO's setting shortens the period
    assert services.apply_register_retention(SYSTEM, NOW).deleted == {"breach": 1}
    assert list(Breach.objects.values_list("pk", flat=True)) == [still_open.pk]
