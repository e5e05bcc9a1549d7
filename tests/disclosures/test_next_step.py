"""A disclosure case suggests its next step, as a subject access case does (issue 15 §5): pure rules first,
then the police request's page showing it with the link where it is done."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from tests.conftest import sign_in
from tests.disclosures.cases import ADMIN, HEAD, outside_request, police_request
from tests.factories import person
from watchkeeper.disclosures.next_step import Facts, foi_step, request_step

PENDING = Facts(
    status="pending",
    police=True,
    documents=0,
    referred=False,
    advised=False,
    may_advise=False,
    reviewed=False,
    review_approved=False,
    finding=False,
    may_decide=True,
    package_asked=False,
    package_authorised=False,
    handed_over=False,
)


def step(**changes):
    found = request_step(dataclasses.replace(PENDING, **changes))
    return found and found.where


@pytest.mark.clause("11.3", "11.5")
def test_the_next_step_follows_the_policy_order():
    assert step() == "reviews"  # nothing may be decided on footage nobody has reviewed (11.3)
    assert step(police=False) == "upload"  # an outside body's request needs its documents (11.5)
    assert step(referred=True, may_advise=True) == "advise"
    assert step(referred=True) == ""  # waiting for the DPO
    assert step(reviewed=True) == "review"
    assert step(reviewed=True, review_approved=True) == "reviews"  # the reviewer records the finding
    assert step(reviewed=True, review_approved=True, finding=True) == "decide"
    assert step(reviewed=True, review_approved=True, finding=True, may_decide=False) == ""
    assert step(status="approved", package_asked=True) == "download"
    assert step(status="approved", package_asked=True, package_authorised=True) == "download"
    assert step(status="approved", package_asked=True, package_authorised=True, handed_over=True) is None
    assert step(status="refused") is None


def test_an_foi_request_names_its_due_day():
    due = dt.date(2027, 1, 2)
    shown = foi_step(decided=False, may_decide=True, due=due)
    assert shown is not None and shown.where == "decide" and "by 02/01/2027" in shown.advice
    assert foi_step(decided=True, may_decide=True, due=due) is None


@pytest.mark.django_db
def test_the_request_pages_suggest_the_next_step_with_its_link(client, school):
    req = police_request(school)
    sign_in(client, person(ADMIN, school))  # a CCTV administrator may ask for the review
    page = client.get(f"/disclosures/requests/{req.pk}/").content.decode()
    assert 'id="next-step"' in page and "Have the footage reviewed" in page
    assert 'href="/disclosures/reviews/">Disclosure reviews</a>' in page
    sign_in(client, person(HEAD, school))  # the Headteacher may not: the words, without a link to a 403
    page = client.get(f"/disclosures/requests/{req.pk}/").content.decode()
    assert (
        "Have the footage reviewed" in page
        and 'href="/disclosures/reviews/">Disclosure reviews</a>' not in page
    )

    outside = outside_request(school, by=person(ADMIN, school))
    page = client.get(f"/disclosures/requests/{outside.pk}/").content.decode()
    assert "Upload the documents the request rests on" in page and 'href="#upload"' in page
