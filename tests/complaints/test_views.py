"""Complaint pages (17.1; DPA 2018 s164A): a permission case for every page and action, the register on the
DPO's dashboard and the statutory acknowledgement in the inbox."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.complaints.conftest import record
from tests.conftest import sign_in
from tests.factories import CameraFactory, person
from tests.permission_case import ViewCase, run_view_case
from tests.subjectaccess.conftest import log as log_sar
from watchkeeper.complaints.models import Complaint, Outcome, Status
from watchkeeper.core import registry
from watchkeeper.people.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.clause("17.1", "R29")]

SAR, HEAD, DEPUTY, REVIEWER, ADMIN, LIVE, DPO = (
    Role.SAR_HANDLER,
    Role.HEADTEACHER,
    Role.DESIGNATED_PERSON,
    Role.FOOTAGE_REVIEWER,
    Role.CCTV_ADMIN,
    Role.LIVE_VIEWER,
    Role.DPO,
)


def make_complaint(ctx: dict[str, Any]) -> None:
    ctx["gate"] = CameraFactory(school=ctx["school"], name="Main gate")
    CameraFactory(school=ctx["other_school"], name="Their gate")
    ctx["complaint"] = record(person(SAR, ctx["school"]), ctx["school"], now=timezone.now())


def with_outcome(ctx: dict[str, Any]) -> None:
    make_complaint(ctx)
    complaint = ctx["complaint"]
    Complaint.objects.filter(pk=complaint.pk).update(
        status=Status.CLOSED, outcome=Outcome.UPHELD, outcome_note="Moved", outcome_on=timezone.localdate()
    )


def of(name: str, *extra: str) -> Any:
    return lambda ctx: reverse(f"complaints:{name}", args=[ctx["complaint"].pk, *extra])


def in_school(name: str) -> Any:
    return lambda ctx: f"{reverse(f'complaints:{name}')}?school={ctx['school'].pk}"


def local(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M:%S")


def shows(*texts: str) -> Any:
    def check(ctx: dict[str, Any], response: Any) -> None:
        body = response.content.decode()
        for text in texts:
            assert text in body, text

    return check


def changed(test: Any) -> Any:
    def check(ctx: dict[str, Any], response: Any) -> None:
        ctx["complaint"].refresh_from_db()
        assert test(ctx["complaint"])

    return check


def intake(ctx: dict[str, Any]) -> dict[str, Any]:
    return {
        "school": ctx["school"].pk,
        "received_on": timezone.localdate().isoformat(),
        "channel": "phone",
        "complainant": "employee",
        "complainant_name": "Casey Caretaker",
        "complainant_contact": "Extension 204",
        "subject": "policy",
        "data_protection": "on",
        "summary": "The policy lets too many people watch the staff room corridor",
        "cameras": [ctx["gate"].pk],
    }


def recorded(ctx: dict[str, Any], response: Any) -> None:
    complaint = Complaint.objects.get(complainant_name="Casey Caretaker")
    assert response["Location"] == reverse("complaints:detail", args=[complaint.pk])
    assert complaint.logged_by == ctx["user"] and complaint.route == "the Trust's Grievance Procedure"


NOW_WINDOW = timezone.now() - timedelta(days=1)

CASES = [
    ViewCase(
        "list", in_school("list"), SAR, REVIEWER, setup=make_complaint, check=shows("COMP-", "Record a")
    ),
    ViewCase(
        "list-dpo",
        in_school("list"),
        DPO,
        ADMIN,
        trust_wide=True,
        setup=make_complaint,
        check=shows("COMP-", "predates", "s164A"),
    ),
    ViewCase("new-form", in_school("new"), DEPUTY, LIVE, setup=make_complaint, check=shows("How it arrived")),
    ViewCase(
        "new-post",
        lambda ctx: reverse("complaints:new"),
        HEAD,
        LIVE,
        method="post",
        data=intake,
        ok=(302,),
        setup=make_complaint,
        check=recorded,
    ),
    ViewCase(
        "detail",
        of("detail"),
        SAR,
        REVIEWER,
        setup=make_complaint,
        check=shows("Not yet", "acknowledge by", "Record the acknowledgement", "Complaints Policy"),
    ),
    ViewCase(
        "detail-dpo",
        of("detail"),
        DPO,
        LIVE,
        trust_wide=True,
        setup=make_complaint,
        check=shows("Record the outcome", "Information Commissioner"),
    ),
    ViewCase(
        "acknowledge",
        of("action", "acknowledge"),
        SAR,
        ADMIN,
        method="post",
        data=lambda ctx: {"acknowledge-acknowledged_on": timezone.localdate().isoformat()},
        ok=(302,),
        setup=make_complaint,
        check=changed(lambda c: c.acknowledged_on == timezone.localdate()),
    ),
    ViewCase(
        "step",
        of("action", "step"),
        DEPUTY,
        REVIEWER,
        method="post",
        data=lambda ctx: {
            "step-kind": "enquiry",
            "step-on": timezone.localdate().isoformat(),
            "step-note": "Asked the site manager where the camera points",
        },
        ok=(302,),
        setup=make_complaint,
        check=changed(lambda c: c.steps.count() == 1),
    ),
    ViewCase(
        "route",
        of("action", "route"),
        HEAD,
        LIVE,
        method="post",
        data=lambda ctx: {"route-reference": "CP-2026-7"},
        ok=(302,),
        setup=make_complaint,
        check=changed(lambda c: c.route_reference == "CP-2026-7"),
    ),
    ViewCase(
        "hold",
        of("action", "hold"),
        SAR,
        REVIEWER,
        method="post",
        data=lambda ctx: {
            "hold-cameras": [ctx["gate"].pk],
            "hold-window_start": local(NOW_WINDOW),
            "hold-window_end": local(NOW_WINDOW + timedelta(minutes=10)),
        },
        ok=(302,),
        setup=make_complaint,
        check=changed(lambda c: c.hold is not None and c.hold.purpose == "complaint"),
    ),
    # The outcome is the Headteacher's or the DPO's: a designated person, who handles complaints, may not.
    ViewCase(
        "outcome",
        of("action", "outcome"),
        HEAD,
        DEPUTY,
        method="post",
        data=lambda ctx: {
            "outcome-outcome": "not_upheld",
            "outcome-note": "The camera does not see the garden; we showed the view.",
            "outcome-told_on": timezone.localdate().isoformat(),
        },
        ok=(302,),
        setup=make_complaint,
        check=changed(lambda c: c.status == Status.CLOSED),
    ),
    ViewCase(
        "letter",
        of("letter"),
        SAR,
        REVIEWER,
        setup=with_outcome,
        check=lambda ctx, response: response.content.startswith(b"%PDF"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_permission_case(case: ViewCase, school, other_school) -> None:
    run_view_case(case, {"school": school, "other_school": other_school})


def test_a_refused_action_keeps_the_form_and_shows_the_clause(school, other_school) -> None:
    ctx: dict[str, Any] = {"school": school, "other_school": other_school}
    make_complaint(ctx)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = sign_in(Client(), person(SAR, school)).post(
        reverse("complaints:action", args=[ctx["complaint"].pk, "acknowledge"]),
        {"acknowledge-acknowledged_on": tomorrow.isoformat()},
    )
    assert response.status_code == 400 and "(policy 17.1)" in response.content.decode()
    ctx["complaint"].refresh_from_db()
    assert ctx["complaint"].acknowledged_on is None


def test_an_unknown_action_is_404(school, other_school) -> None:
    ctx: dict[str, Any] = {"school": school, "other_school": other_school}
    make_complaint(ctx)
    response = sign_in(Client(), person(SAR, school)).post(
        reverse("complaints:action", args=[ctx["complaint"].pk, "x"])
    )
    assert response.status_code == 404


def test_the_letter_before_an_outcome_is_refused(school, other_school) -> None:
    ctx: dict[str, Any] = {"school": school, "other_school": other_school}
    make_complaint(ctx)
    response = sign_in(Client(), person(SAR, school)).get(
        reverse("complaints:letter", args=[ctx["complaint"].pk])
    )
    assert response.status_code == 400 and "record the outcome first" in response.content.decode().lower()


def test_the_register_is_on_the_dpos_dashboard_with_its_deadline(school, other_school) -> None:
    ctx: dict[str, Any] = {"school": school, "other_school": other_school}
    make_complaint(ctx)
    due = ctx["complaint"].acknowledgement_due()
    body = sign_in(Client(), person(DPO, None)).get(reverse("site:dashboard")).content.decode()
    assert ctx["complaint"].reference in body and f"acknowledge by {due:%a %d/%m/%Y}" in body
    body = sign_in(Client(), person(HEAD, other_school)).get(reverse("site:dashboard")).content.decode()
    assert ctx["complaint"].reference not in body


def test_the_acknowledgement_waits_in_the_handlers_inbox_as_a_statutory_deadline(
    school, other_school
) -> None:
    ctx: dict[str, Any] = {"school": school, "other_school": other_school}
    make_complaint(ctx)
    complaint, now = ctx["complaint"], timezone.now()
    for user in (person(SAR, school), person(HEAD, school), person(DPO, None)):
        [item] = [i for i in registry.inbox_items(user, now) if i.key.startswith("complaints.")]
        assert item.statutory and complaint.reference in item.title and "s164A" in item.title
        assert timezone.localdate(item.due) == complaint.acknowledgement_due() + timedelta(days=1)
        assert item.url == reverse("complaints:detail", args=[complaint.pk]) and not item.overdue(now)
    for user in (person(REVIEWER, school), person(HEAD, other_school)):
        assert not [i for i in registry.inbox_items(user, now) if i.key.startswith("complaints.")]


def test_the_subject_access_case_names_the_complaint_about_it(school, other_school) -> None:
    ctx: dict[str, Any] = {"school": school, "other_school": other_school}
    make_complaint(ctx)
    handler = person(SAR, school)
    case = log_sar(handler, school, [ctx["gate"]])
    complaint = record(handler, school, now=timezone.now(), subject_access=case)
    body = (
        sign_in(Client(), handler).get(reverse("subjectaccess:case_detail", args=[case.pk])).content.decode()
    )
    assert reverse("complaints:detail", args=[complaint.pk]) in body
    body = sign_in(Client(), handler).get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert reverse("subjectaccess:case_detail", args=[case.pk]) in body
