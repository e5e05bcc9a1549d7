"""Every subject access page through the generic permission case, then what the pages show."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.factories import CameraFactory, person, recorded
from tests.permission_case import ViewCase, run_view_case
from tests.refusals import shows_refusal
from tests.subjectaccess.conftest import WINDOW_END, WINDOW_START, approve_review, log
from watchkeeper.core.dates import uk_window
from watchkeeper.people.models import Recusal, Role
from watchkeeper.subjectaccess.models import CaseStatus, SubjectAccessRequest
from watchkeeper.viewing.models import ReasonCategory, ViewingAuthorisation

pytestmark = pytest.mark.django_db

SAR, HEAD, DEPUTY, REVIEWER, ADMIN, LIVE, DPO, DSL = (
    Role.SAR_HANDLER,
    Role.HEADTEACHER,
    Role.DESIGNATED_PERSON,
    Role.FOOTAGE_REVIEWER,
    Role.CCTV_ADMIN,
    Role.LIVE_VIEWER,
    Role.DPO,
    Role.SAFEGUARDING_LEAD,
)


def make_case(ctx: dict[str, Any]) -> None:
    ctx["gate"] = recorded(CameraFactory(school=ctx["school"], name="Main gate"), WINDOW_START)
    CameraFactory(school=ctx["other_school"], name="Their gate")
    ctx["case"] = log(person(SAR, ctx["school"]), ctx["school"], [ctx["gate"]])


def of_case(name: str, *extra: str) -> Any:
    return lambda ctx: reverse(f"subjectaccess:{name}", args=[ctx["case"].pk, *extra])


def in_school(name: str) -> Any:
    return lambda ctx: f"{reverse(f'subjectaccess:{name}')}?school={ctx['school'].pk}"


def local(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M:%S")


def intake(ctx: dict[str, Any]) -> dict[str, Any]:
    return {
        "school": ctx["school"].pk,
        "kind": "access",
        "relationship": "self",
        "received_on": timezone.localdate().isoformat(),
        "requester_name": "Robin Requester",
        "requester_contact": "robin@example.invalid",
        "identity_basis": "verified",
        "identity_note": "Driving licence seen at reception",
        "identity_confirmed_on": timezone.localdate().isoformat(),
        "description": "Green jacket, blue rucksack",
        "cameras": [ctx["gate"].pk],
        "window_start": local(WINDOW_START),
        "window_end": local(WINDOW_END),
    }


def shows(*texts: str) -> Any:
    def check(ctx: dict[str, Any], response: Any) -> None:
        body = response.content.decode()
        for text in texts:
            assert text in body, text

    return check


def logged(ctx: dict[str, Any], response: Any) -> None:
    case = SubjectAccessRequest.objects.get(requester_name="Robin Requester")
    assert response["Location"] == reverse("subjectaccess:case_detail", args=[case.pk])
    assert case.logged_by == ctx["user"] and case.hold is not None


def status_is(status: str) -> Any:
    def check(ctx: dict[str, Any], response: Any) -> None:
        ctx["case"].refresh_from_db()
        assert ctx["case"].status == status

    return check


def is_pdf(ctx: dict[str, Any], response: Any) -> None:
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def review_asked(ctx: dict[str, Any], response: Any) -> None:
    ctx["case"].refresh_from_db()
    auth = ctx["case"].review
    assert auth.requested_by == ctx["user"] and auth.reason_category == ReasonCategory.SUBJECT_ACCESS
    assert response["Location"] == reverse("viewing:authorisation_detail", args=[auth.pk])


def make_child_case(ctx: dict[str, Any]) -> None:
    """A request made by a parent for their child: it waits for the designated safeguarding lead's check."""
    make_case(ctx)
    SubjectAccessRequest.objects.filter(pk=ctx["case"].pk).update(relationship="parent")
    ctx["case"].refresh_from_db()


def checked_by_the_lead(ctx: dict[str, Any], response: Any) -> None:
    ctx["case"].refresh_from_db()
    assert ctx["case"].safeguarding_checked_by == ctx["user"]


CASES = [
    ViewCase(
        "detail-safeguarding-lead",
        of_case("case_detail"),
        DSL,
        REVIEWER,
        setup=make_child_case,
        check=shows("Record the safeguarding check", "What was checked"),
    ),
    ViewCase(
        "safeguarding-check",
        of_case("case_action", "safeguarding"),
        DSL,
        SAR,  # the SAR handler may no longer record it for the lead (Sch 3 Part 5)
        method="post",
        data=lambda ctx: {"safeguarding-note": "Nothing withheld"},
        ok=(302,),
        setup=make_child_case,
        check=checked_by_the_lead,
    ),
    ViewCase(
        "list-handler",
        in_school("case_list"),
        SAR,
        REVIEWER,
        setup=make_case,
        check=shows("SAR-", "Log a request"),
    ),
    ViewCase(
        "list-dpo",
        in_school("case_list"),
        DPO,
        ADMIN,
        trust_wide=True,
        setup=make_case,
        check=shows("SAR-"),
    ),
    ViewCase("new-form", in_school("case_new"), SAR, REVIEWER, setup=make_case),
    ViewCase(
        "new-post",
        lambda ctx: reverse("subjectaccess:case_new"),
        HEAD,
        LIVE,
        method="post",
        data=intake,
        ok=(302,),
        setup=make_case,
        check=logged,
    ),
    ViewCase(
        "detail-handler",
        of_case("case_detail"),
        SAR,
        REVIEWER,
        setup=make_case,
        check=shows("footage held", "Ask for clarification", "On time"),
    ),
    ViewCase(
        "detail-dpo",
        of_case("case_detail"),
        DPO,
        LIVE,
        trust_wide=True,
        setup=make_case,
        check=shows("footage held"),
    ),
    ViewCase("letter", of_case("letter"), DEPUTY, REVIEWER, setup=make_case, check=is_pdf),
    ViewCase(
        "clarify",
        of_case("case_action", "clarify"),
        SAR,
        ADMIN,
        method="post",
        data=lambda ctx: {"clarify-question": "Which day?"},
        ok=(302,),
        setup=make_case,
        check=status_is(CaseStatus.AWAITING_CLARIFICATION),
    ),
    ViewCase(
        "close",
        of_case("case_action", "close"),
        DEPUTY,
        DPO,
        method="post",
        data=lambda ctx: {"close-note": "Withdrawn"},
        ok=(302,),
        setup=make_case,
        check=status_is(CaseStatus.CLOSED),
    ),
    ViewCase(
        "refuse",
        of_case("case_action", "refuse"),
        HEAD,
        REVIEWER,
        method="post",
        data=lambda ctx: {"refuse-note": "Repeated identical requests"},
        ok=(302,),
        setup=make_case,
        check=status_is(CaseStatus.REFUSED),
    ),
    ViewCase(
        "review-list",
        in_school("review_list"),
        REVIEWER,
        LIVE,
        setup=make_case,
        check=shows("Ask to review SAR-"),
    ),
    ViewCase(
        "review-request",
        of_case("review_request"),
        REVIEWER,
        LIVE,
        method="post",
        ok=(302,),
        setup=make_case,
        check=review_asked,
    ),
    ViewCase(
        "window",
        of_case("case_action", "window"),
        SAR,
        REVIEWER,
        method="post",
        data=lambda ctx: {
            "window-start": local(WINDOW_END + timedelta(hours=1)),
            "window-end": local(WINDOW_END + timedelta(hours=2)),
            "window-reason": "The requester was there again later",
        },
        ok=(302,),
        setup=make_case,
        check=lambda ctx, response: ctx["case"].more_windows.get().hold.cameras.get() == ctx["gate"],
    ),
    # Without an approved review of their own the reviewer's word is refused, in the form (10.3).
    ViewCase(
        "attest",
        of_case("attest"),
        REVIEWER,
        SAR,
        method="post",
        data=lambda ctx: {
            "camera": ctx["gate"].pk,
            "start": local(WINDOW_START),
            "end": local(WINDOW_END),
        },
        ok=(400,),
        setup=make_case,
        check=shows("who watched this footage", "(policy 10.3)"),
    ),
    # The Headteacher or a nominated alternate decides a release (no clip to release yet: the form says so).
    ViewCase(
        "release",
        of_case("case_action", "release"),
        HEAD,
        SAR,
        method="post",
        data=lambda ctx: {"release-reason": "Everyone consented", "release-code": "123456"},
        ok=(400,),
        setup=make_case,
    ),
    # The response in one file: refused, with its reason, until every package is built.
    ViewCase(
        "response-file",
        of_case("response_file"),
        SAR,
        REVIEWER,
        ok=(400,),
        setup=make_case,
        check=shows("No package of this response has been asked for yet", "(policy 10.3)"),
    ),
    # Whoever may authorise downloads authorises the response's packages (nothing awaits yet: refused).
    ViewCase(
        "authorise",
        of_case("case_action", "authorise"),
        HEAD,
        SAR,
        method="post",
        data=lambda ctx: {"authorise-code": "123456"},
        ok=(400,),
        setup=make_case,
        check=shows("no download request awaiting authorisation"),
    ),
    ViewCase(
        "signoff",
        of_case("case_action", "signoff"),
        DPO,
        HEAD,
        method="post",
        data=lambda ctx: {"signoff-note": "Fine", "signoff-code": "123456"},
        ok=(400,),
        trust_wide=True,
        setup=make_case,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_permission_case(case: ViewCase, school, other_school) -> None:
    run_view_case(case, {"school": school, "other_school": other_school})


def test_a_refused_action_shows_the_clause_and_changes_nothing(school, other_school, client: Client) -> None:
    ctx: dict[str, Any] = {"school": school, "other_school": other_school}
    make_case(ctx)
    handler = person(SAR, school)
    late = timezone.localdate() + timedelta(days=60)
    response = sign_in(client, handler).post(
        reverse("subjectaccess:case_action", args=[ctx["case"].pk, "extend"]),
        {"extend-months": "1", "extend-notified_on": late.isoformat(), "extend-reason": "Many cameras"},
    )
    assert response.status_code == 400
    assert "12(3)" in response.content.decode()
    ctx["case"].refresh_from_db()
    assert ctx["case"].extension_months == 0


def test_an_unknown_action_is_404(school, other_school, client: Client) -> None:
    ctx: dict[str, Any] = {"school": school, "other_school": other_school}
    make_case(ctx)
    response = sign_in(client, person(SAR, school)).post(
        reverse("subjectaccess:case_action", args=[ctx["case"].pk, "delete"])
    )
    assert response.status_code == 404


def test_dashboard_flags_overdue_cases_to_the_head_and_dpo(school, other_school, client: Client) -> None:
    gate = CameraFactory(school=school)
    received = timezone.localdate() - timedelta(days=45)
    case = log(person(SAR, school), school, [gate], received_on=received, identity_confirmed_on=received)
    for user in (person(HEAD, school), person(DPO, None)):
        body = sign_in(Client(), user).get(reverse("site:dashboard")).content.decode()
        assert case.reference in body and "Overdue" in body
    body = sign_in(Client(), person(HEAD, other_school)).get(reverse("site:dashboard")).content.decode()
    assert case.reference not in body


def test_asking_twice_to_review_a_case_shows_the_refused_page(school, other_school, client: Client) -> None:
    """A button with no form: the refusal leaves the view and is shown on the refused page (core.refusals),
    plain words first and the clause after; nothing more is asked for."""
    ctx: dict[str, Any] = {"school": school, "other_school": other_school}
    make_case(ctx)
    url = reverse("subjectaccess:review_request", args=[ctx["case"].pk])
    client = sign_in(client, person(REVIEWER, school))
    assert client.post(url).status_code == 302
    response = client.post(url)
    assert response.status_code == 400
    case = ctx["case"]
    case.refresh_from_db()
    assert shows_refusal(
        response, f"10.2: {case.reference} already has a review authorisation (#{case.review_id})"
    )
    assert ViewingAuthorisation.objects.count() == 1


@pytest.mark.clause("10.2")
def test_intake_takes_the_first_window_and_offers_another_at_once(
    school, other_school, client: Client
) -> None:
    """School office staff give the first window on the intake form; "Log and add another window" opens the
    case page at the form for the next one."""
    ctx: dict[str, Any] = {"school": school, "other_school": other_school}
    make_case(ctx)
    client = sign_in(client, person(SAR, school))
    form = client.get(f"{reverse('subjectaccess:case_new')}?school={school.pk}").content.decode()
    assert "Log and add another window" in form and 'name="window_start"' in form
    response = client.post(reverse("subjectaccess:case_new"), intake(ctx) | {"then": "window"})
    case = SubjectAccessRequest.objects.get(requester_name="Robin Requester")
    assert response["Location"] == reverse("subjectaccess:case_detail", args=[case.pk]) + "#action-window"
    assert (case.window_start, case.window_end) == (WINDOW_START, WINDOW_END)
    page = client.get(response["Location"]).content.decode()
    assert "Add the next window below" in page and 'id="action-window"' in page


def test_the_clip_form_is_offered_with_the_requests_window(school, other_school, client: Client) -> None:
    """Issue 15 §1: the handler records a clip of the whole window without typing it again."""
    ctx: dict[str, Any] = {"school": school, "other_school": other_school}
    make_case(ctx)
    approve_review(ctx["case"], person(REVIEWER, school), person(HEAD, school))
    client = sign_in(client, person(SAR, school))
    page = client.get(reverse("subjectaccess:case_detail", args=[ctx["case"].pk])).content.decode()
    clip = page.split('id="action-clip"')[1].split("</form>")[0]
    assert f'value="{local(WINDOW_START)}"' in clip and f'value="{local(WINDOW_END)}"' in clip


@pytest.mark.clause("9.2", "10.4.3")
def test_the_headteacher_stands_back_from_a_cases_releases_on_its_page(
    school, other_school, client: Client
) -> None:
    """The "Stand back" box beside the release form records a recusal from the whole case (people/deciders.py
    kind subject_access); a SAR handler may not record one."""
    ctx: dict[str, Any] = {"school": school, "other_school": other_school}
    make_case(ctx)
    url = reverse("people:recuse", args=["subject_access", ctx["case"].pk])
    assert sign_in(Client(), person(SAR, school)).post(url, {"reason": "x"}).status_code == 404
    head = person(HEAD, school)
    response = sign_in(client, head).post(url, {"reason": "The complaint behind the SAR is about me"})
    assert response["Location"] == reverse("subjectaccess:case_detail", args=[ctx["case"].pk])
    recusal = Recusal.objects.get()
    assert (recusal.person, recusal.request_kind, recusal.request_id) == (
        head,
        "subject_access",
        ctx["case"].pk,
    )


@pytest.mark.clause("10.1", "10.2")
def test_staff_log_an_erasure_request_made_by_a_parent_as_the_public_form_would(
    school, other_school, client: Client
) -> None:
    """The intake offers the public form's kinds (Art 15, 17, 18, 21) and relationships; a request made for
    someone else then waits for the child's views and the safeguarding check, as a public one does."""
    from watchkeeper.subjectaccess import services

    ctx: dict[str, Any] = {"school": school, "other_school": other_school}
    make_case(ctx)
    client = sign_in(client, person(SAR, school))
    form = client.get(f"{reverse('subjectaccess:case_new')}?school={school.pk}").content.decode()
    assert "Erasure of the footage (Art 17)" in form and "A parent with parental responsibility" in form
    client.post(
        reverse("subjectaccess:case_new"), intake(ctx) | {"kind": "erasure", "relationship": "parent"}
    )
    case = SubjectAccessRequest.objects.get(requester_name="Robin Requester")
    assert (case.kind, case.relationship, case.by_public_form) == ("erasure", "parent", False)
    assert any("safeguarding lead" in p for p in services.safeguarding_problems(case))
    response = client.post(reverse("subjectaccess:case_new"), intake(ctx) | {"kind": "complaint"})
    assert response.status_code == 400


def test_the_safeguarding_lead_sees_only_requests_made_for_someone_else(
    school, other_school, client: Client
) -> None:
    """The DSL opens the cases they check, from their inbox; a requester's own case stays hidden from them."""
    from watchkeeper.core.registry import inbox_items

    ctx: dict[str, Any] = {"school": school, "other_school": other_school}
    make_case(ctx)
    lead = person(DSL, school)
    client = sign_in(client, lead)
    detail = reverse("subjectaccess:case_detail", args=[ctx["case"].pk])
    assert client.get(detail).status_code == 404
    assert not [i for i in inbox_items(lead, timezone.now()) if i.key.startswith("subjectaccess.")]
    SubjectAccessRequest.objects.filter(pk=ctx["case"].pk).update(relationship="parent")
    assert client.get(detail).status_code == 200
    items = [i for i in inbox_items(lead, timezone.now()) if i.key.startswith("subjectaccess.safeguarding")]
    assert [i.url for i in items] == [detail]
    handler_page = sign_in(Client(), person(SAR, school)).get(detail).content.decode()
    assert 'id="safeguarding-waiting"' in handler_page and "What was checked" not in handler_page


def test_a_short_window_shows_its_seconds_and_its_date_once(school, other_school, client: Client) -> None:
    """Issue 15 §5: a 10-second window read "07/12/2026 22:39 – 07/12/2026 22:39"."""
    gate = recorded(CameraFactory(school=school, name="Main gate"), WINDOW_START)
    end = WINDOW_START + timedelta(seconds=10)
    case = log(person(SAR, school), school, [gate], window_start=WINDOW_START, window_end=end)
    client = sign_in(client, person(SAR, school))
    page = client.get(reverse("subjectaccess:case_detail", args=[case.pk])).content.decode()
    shown = page.split('id="windows"')[1].split("</td>")[0]
    assert uk_window(WINDOW_START, end) in shown


@pytest.mark.django_db
def test_the_review_is_a_link_only_for_those_who_may_open_it(case, reviewer, head, handler, school):
    # Issue 15: the CCTV administrator reviews footage too, but may not open another reviewer's viewing
    # request, which answered "Not found"; they see its number and status as plain words.
    approve_review(case, reviewer, head)
    link = reverse("viewing:authorisation_detail", args=[case.review.pk])
    reviews, detail = (
        reverse("subjectaccess:review_list"),
        reverse("subjectaccess:case_detail", args=[case.pk]),
    )
    admin = person(Role.CCTV_ADMIN, school)
    for who, page, linked in ((reviewer, reviews, True), (admin, reviews, False), (handler, detail, False)):
        client = sign_in(Client(), who)
        html = client.get(page).content.decode()
        assert f"Footage request #{case.review.pk}" in html, (who, page)
        assert (f'href="{link}"' in html) is linked, (who, page)
        assert client.get(link).status_code == (200 if linked else 404), (who, page)
