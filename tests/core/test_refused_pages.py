"""One refused page (design/architecture.md, "Refusals"): a refusal, a page outside a person's role and a
missing (or another school's) page all answer in the site's layout, with the navigation, the reason in plain
words and the clause after it, and a link back."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import sign_in
from tests.factories import person
from tests.refusals import refusals_on, shows_refusal
from tests.viewing.conftest import pieces  # noqa: F401  (the fixture)
from watchkeeper.people.models import Role

pytestmark = pytest.mark.django_db


def test_a_page_outside_the_persons_role_is_the_styled_403(school) -> None:
    viewer = sign_in(Client(), person(Role.LIVE_VIEWER, school))
    back = "http://testserver" + reverse("site:dashboard")
    response = viewer.get(reverse("audit:event_list"), HTTP_REFERER=back)
    page = response.content.decode()
    assert response.status_code == 403 and "<h1>Not permitted</h1>" in page
    assert 'class="topbar"' in page and ">Live<" in page  # the site's layout and this person's navigation
    assert refusals_on(response) and 'id="back"' in page and f'href="{reverse("site:dashboard")}"' in page
    assert "You are not permitted to see the audit log." in page and "audit.view" not in page  # no code names


def test_a_missing_page_is_the_styled_404_and_never_says_whether_it_exists(school) -> None:
    head = sign_in(Client(), person(Role.HEADTEACHER, school))
    response = head.get(reverse("evidence:request_detail", args=[999_999]))
    assert response.status_code == 404 and "<h1>Not found</h1>" in response.content.decode()
    assert refusals_on(response) == [("", "This page does not exist, or it is not one you may see.")]


def test_a_refusal_names_no_action_code() -> None:
    """Found on the walk: "You are not permitted to do this (recording.hold)." showed a code name."""
    from watchkeeper.core.refusals import ACTION_CODE, GENERIC_DENIAL

    assert ACTION_CODE.sub("", "You are not permitted to do this (recording.hold).") == GENERIC_DENIAL
    assert ACTION_CODE.sub("", "Not permitted (a.b or c.d).") == "Not permitted."
    assert ACTION_CODE.sub("", "Kept (policy 9.6).") == "Kept (policy 9.6)."


def test_a_refusal_leaving_a_view_is_the_styled_400_with_the_clause_after_the_words(school, request) -> None:
    from tests.evidence.downloads import ask, authorise, footage

    ctx = footage(
        {"school": school, "pieces": request.getfixturevalue("pieces")}
    )  # a request over no footage is refused (issue 15 §2)
    req = ask(ctx)
    authorise(ctx, req)  # decided: it can no longer be withdrawn
    reviewer = sign_in(Client(), ctx["reviewer"])
    response = reviewer.post(reverse("evidence:request_withdraw", args=[req.pk]))
    assert response.status_code == 400 and "<h1>Not done</h1>" in response.content.decode()
    assert shows_refusal(response, "9.5: only a request awaiting authorisation can be withdrawn")
