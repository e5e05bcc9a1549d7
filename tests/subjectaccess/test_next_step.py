"""The next step a case page suggests (issue 15 §5), as a pure function of what the page knows."""

from dataclasses import replace

import pytest
from django.urls import reverse

from tests.subjectaccess.conftest import log
from watchkeeper.subjectaccess.next_step import Facts, next_step

NEW = Facts(
    status="open",
    live=True,
    identity_confirmed=False,
    review_approved=False,
    clips=0,
    viewing_to_record=False,
    unpackaged=False,
    awaiting_authorisation=False,
    blockers=0,
)


def test_the_steps_follow_the_case_through_the_policy():
    walk = [
        (NEW, "identity"),
        (replace(NEW, identity_confirmed=True), ""),  # the review is someone else's step
        (replace(NEW, identity_confirmed=True, review_approved=True), "clip"),
    ]
    found = replace(NEW, identity_confirmed=True, review_approved=True, clips=1)
    walk += [
        (replace(found, unpackaged=True), "package"),
        (replace(found, awaiting_authorisation=True), "authorise"),
        (replace(found, viewing_to_record=True), "viewing"),
        (replace(found, blockers=1), ""),
        # The other people in a clip are dealt with before any package is asked for (walked in Chromium:
        # the page suggested the package while "record how each is dealt with" still stood).
        (replace(found, blockers=1, unpackaged=True), ""),
        # Asked for, waiting on the Headteacher: the handler is not told to send the response yet.
        (replace(found, packages_waiting=True), ""),
        (found, "respond"),
        (replace(found, status="responded", live=False), "close"),
    ]
    for facts, action in walk:
        step = next_step(facts)
        assert step is not None and step.action == action and step.advice, facts
    assert next_step(replace(found, status="closed", live=False)) is None
    assert next_step(replace(NEW, status="awaiting_clarification")).action == "answer"  # type: ignore[union-attr]


@pytest.mark.django_db
def test_a_case_page_suggests_the_next_step_and_collapses_the_rare_actions(
    school, cameras, handler, client, signed_in
):
    case = log(handler, school, cameras, identity_basis="", identity_note="", identity_confirmed_on=None)
    signed_in(handler)
    page = client.get(reverse("subjectaccess:case_detail", args=[case.pk])).content.decode()
    assert 'id="next-step"' in page and "Confirm who the requester is" in page
    assert 'class="stacked card next" id="action-identity"' in page
    assert '<details class="other-actions">' in page and 'id="action-refuse"' in page
    # One primary button: the suggested step's; the others are secondary (or the danger of refusing).
    actions = page.split("<h2>Handle the request</h2>")[1].split("<h2>Timeline")[0]
    assert actions.count('<button type="submit">') == 1
