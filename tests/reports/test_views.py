"""The reports pages: a permission case for each (anonymous, another school, a wrong role, permitted), and
what the dashboard shows (the score with its definition, the charts as SVG, the open registers)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.evidence.pdftext import pdf_text
from tests.factories import CameraFactory, person
from tests.permission_case import ViewCase, run_view_case
from tests.reports.conftest import breach
from watchkeeper.people.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.clause("3.5", "18.1")]


def some_breach(ctx: dict[str, Any]) -> None:
    breach(ctx["school"], timezone.now() - timedelta(hours=2))


def shows(*texts: str) -> Any:
    def check(ctx: dict[str, Any], response: Any) -> None:
        page = response.content.decode()
        assert all(text in page for text in texts), [t for t in texts if t not in page]

    return check


def pdf_says(*texts: str) -> Any:
    def check(ctx: dict[str, Any], response: Any) -> None:
        assert response["Content-Type"] == "application/pdf"
        text = " ".join(pdf_text(response.content).split())
        assert all(t in text for t in texts), text[:400]

    return check


def annual_of_school(ctx: dict[str, Any]) -> str:
    return f"{reverse('reports:annual')}?school={ctx['school'].pk}&year=2026&public=on"


CASES = [
    ViewCase(
        "dashboard",
        lambda ctx: reverse("reports:dashboard"),
        Role.DPO,
        Role.FOOTAGE_REVIEWER,
        trust_wide=True,
        setup=some_breach,
        check=shows(
            "How the score is worked out",
            "weight 40",
            "<svg",
            "Breaches awaiting the DPO's decision: <strong>1",
        ),
    ),
    ViewCase(
        "annual_form",
        lambda ctx: f"{reverse('reports:annual')}?school={ctx['school'].pk}",
        Role.HEADTEACHER,
        Role.CCTV_ADMIN,
        check=shows("Public edition (counts only"),
    ),
    ViewCase(
        "annual_school_pdf",
        annual_of_school,
        Role.HEADTEACHER,
        Role.CCTV_ADMIN,
        setup=some_breach,
        check=pdf_says("Public edition", "Suspected breaches (15.1) fewer than 5"),
    ),
    ViewCase(
        "annual_trust_pdf",
        lambda ctx: f"{reverse('reports:annual')}?year=2026",
        Role.BOARD_MEMBER,
        Role.HEADTEACHER,
        trust_wide=True,
        check=pdf_says("Internal edition"),
    ),
    ViewCase(
        "compliance_pdf",
        lambda ctx: reverse("reports:compliance"),
        Role.IG_GROUP,
        Role.HEADTEACHER,
        trust_wide=True,
        check=pdf_says("CCTV compliance evidence report", "Enforced by"),
    ),
    ViewCase(
        "processing",
        lambda ctx: reverse("reports:processing"),
        Role.DPO,
        Role.BOARD_MEMBER,
        trust_wide=True,
        check=shows(
            "Art 30(1)(g)",
            "WATCHKEEPER_REGISTER_RETENTION",
            "Public-form requests whose e-mail address was never confirmed: 7 days",
        ),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_view_permissions(case: ViewCase, school: Any, other_school: Any) -> None:
    run_view_case(case, {"school": school, "other_school": other_school})


def test_a_headteacher_sees_only_their_own_school_on_the_dashboard(school: Any, other_school: Any) -> None:
    CameraFactory(school=school, name="Gate")
    CameraFactory(school=other_school, name="Hall")
    page = (
        sign_in(Client(), person(Role.HEADTEACHER, school)).get(reverse("reports:dashboard")).content.decode()
    )
    assert "Northfield Primary" in page and "Southgate Academy" not in page
    assert "Compliance evidence report" not in page  # the auditor's report is trust-wide governance's


def test_a_headteacher_cannot_print_the_trust_report(school: Any) -> None:
    client = sign_in(Client(), person(Role.HEADTEACHER, school))
    response = client.get(f"{reverse('reports:annual')}?year=2026")
    assert response.status_code == 403
    assert "choose your school" in client.get(f"{reverse('reports:annual')}?year=2026").content.decode()


def test_the_dashboard_runs_the_same_number_of_queries_however_many_schools_and_cameras(
    school: Any, other_school: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from watchkeeper.reports.dashboard import dashboard

    dpo = person(Role.DPO, None)
    CameraFactory(school=school, name="Gate")
    with CaptureQueriesContext(connection) as few:
        dashboard(dpo, timezone.now())
    for n in range(4):
        CameraFactory(school=other_school, name=f"Hall {n}")
        CameraFactory(school=school, name=f"Field {n}")
    with CaptureQueriesContext(connection) as many:
        dashboard(dpo, timezone.now())
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


@pytest.mark.clause("3.5", "16")
def test_what_is_open_counts_the_misuse_alerts_for_those_who_look_at_them(school: Any) -> None:
    # README walk-through 8: "what is open" — it said "shown here once the misuse alerts are in place".
    from tests.misuse.test_services import alert_about

    alert_about(person(Role.FOOTAGE_REVIEWER, school), school)
    dpo = sign_in(Client(), person(Role.DPO, None)).get(reverse("reports:dashboard")).content.decode()
    assert (
        f"Misuse alerts you handle, still open: <strong>{school.name} 1</strong>" in dpo
        and "once the misuse" not in dpo
    )
    head = sign_in(Client(), person(Role.HEADTEACHER, school)).get(reverse("reports:dashboard"))
    head = head.content.decode()
    assert "Misuse alerts you handle" not in head  # 16: the DPO, the board and the IG group look at them


@pytest.mark.clause("18.1")
def test_the_annual_report_form_offers_last_year(school: Any) -> None:
    # README walk-through 8: print the annual report from the DPO dashboard without looking up a year.
    page = sign_in(Client(), person(Role.DPO, None)).get(reverse("reports:annual")).content.decode()
    assert f'name="year" value="{timezone.localdate().year - 1}"' in page


@pytest.mark.clause("16", "13.1")
def test_the_record_of_processing_gives_the_misuse_alerts_period_the_misuse_app_applies(school: Any) -> None:
    # README walk-through 8: the registers' own retention schedule. Misuse alerts found to be no concern
    # are deleted by the misuse app after the days of Misuse settings (90 by default), not a year, and
    # that register exists: the page said "1 year" and "Not yet: the register is not built".
    page = sign_in(Client(), person(Role.DPO, None)).get(reverse("reports:processing")).content.decode()
    row = page.split("Misuse alerts found to be no concern")[-1].split("</tr>")[0]
    assert "90 days" in row and "by the misuse app" in row and "not built" not in page
    entry = page.split("Retention (Art 30(1)(f))")[1].split("</dd>")[0]
    assert "Misuse alerts found to be no concern (16): 90 days after the outcome" in entry
