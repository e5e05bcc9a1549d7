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
        check=shows("Art 30(1)(g)", "Not yet: the register is not built", "WATCHKEEPER_REGISTER_RETENTION"),
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
