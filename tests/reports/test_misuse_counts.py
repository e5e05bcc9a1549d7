"""Misuse alerts on the DPO's reports (16; issue 18 §4): open alerts per school on the dashboard and the
year's alerts in the annual report's internal edition — counted only among the alerts the reader handles, so a
Headteacher sees none and nobody counts an alert about themselves."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import sign_in
from tests.evidence.pdftext import pdf_text
from tests.factories import person
from tests.reports.conftest import NOW
from watchkeeper.misuse import services as misuse
from watchkeeper.misuse.models import Alert, Outcome
from watchkeeper.misuse.rules import Hit
from watchkeeper.people.models import Role
from watchkeeper.reports import services

pytestmark = [pytest.mark.django_db, pytest.mark.clause("3.5", "16")]


def alert_about(user: Any, school: Any, key: str) -> Alert:
    [alert] = misuse.raise_alerts([Hit("c", user.pk, school.pk, key, "5 refusals", {"n": 5})], NOW)
    return alert


@pytest.fixture
def alerts(school: Any, other_school: Any) -> dict[str, Any]:
    dpo, chair = person(Role.DPO, None), person(Role.BOARD_MEMBER, None)
    head = person(Role.HEADTEACHER, school)
    alert_about(person(Role.FOOTAGE_REVIEWER, school), school, "c:1")
    alert_about(head, school, "c:2")
    closed = alert_about(person(Role.CCTV_ADMIN, other_school), other_school, "c:3")
    misuse.record_outcome(dpo, closed, Outcome.SPOKE, "Talked it through", now=NOW + timedelta(hours=1))
    alert_about(dpo, school, "c:4")  # about the DPO: the chair's
    return {"dpo": dpo, "chair": chair, "head": head}


def dashboard(user: Any) -> str:
    return " ".join(sign_in(Client(), user).get(reverse("reports:dashboard")).content.decode().split())


def test_the_dashboard_counts_open_alerts_per_school_among_the_readers_own(alerts: dict[str, Any]) -> None:
    # The DPO: two open at Northfield (the reviewer's and the Headteacher's), none about themselves.
    assert "still open: <strong>Northfield Primary 2</strong>" in dashboard(alerts["dpo"])
    # The chair: the one about the DPO only.
    assert "still open: <strong>Northfield Primary 1</strong>" in dashboard(alerts["chair"])
    head = dashboard(alerts["head"])
    assert "still open" not in head and "seen by the DPO only" in head


def test_the_internal_annual_report_counts_the_readers_alerts_and_the_public_one_none(
    alerts: dict[str, Any], school: Any
) -> None:
    def text(user: Any, public: bool, at: Any = None) -> str:
        pdf = services.annual_report(user, school=at, year=2026, public=public, now=NOW + timedelta(days=1))
        return " ".join(pdf_text(pdf).split())

    assert "Misuse alerts raised in the year (16): 3; still open: 2." in text(alerts["dpo"], False)
    assert "Misuse alerts raised in the year (16): 2; still open: 2." in text(alerts["dpo"], False, school)
    assert "Misuse alerts raised in the year (16): 1; still open: 1." in text(alerts["chair"], False)
    assert "Misuse alerts" not in text(alerts["head"], False, school)
    assert "Misuse alerts" not in text(alerts["dpo"], True)


@pytest.mark.clause("13.1", "16")
def test_the_retention_schedule_shows_the_period_the_misuse_purge_applies(school: Any) -> None:
    dpo = person(Role.DPO, None)
    misuse.update_settings(dpo, {"no_concern_keep_days": 30}, now=NOW)
    retention_text = dict(services.record_of_processing(dpo))["Retention (Art 30(1)(f))"]
    assert "Misuse alerts found to be no concern (16): 30 days after the outcome" in retention_text
    page = sign_in(Client(), dpo).get(reverse("reports:processing")).content.decode()
    row = page.split("Misuse alerts found to be no concern")[-1].split("</tr>")[0]
    assert "30 days" in row and "Yes" in row and "not built" not in row
