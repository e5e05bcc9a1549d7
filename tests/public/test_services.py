"""The public form's services and the safeguarding rule of a request made for someone else (issue 18 §3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from tests.factories import SchoolFactory, person
from tests.public.conftest import NOW
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.people.models import Role
from watchkeeper.public import limits, services
from watchkeeper.public.models import Submission
from watchkeeper.recording.models import Hold
from watchkeeper.subjectaccess import services as subjectaccess
from watchkeeper.subjectaccess.models import IdentityBasis, RequestKind

pytestmark = [pytest.mark.django_db, pytest.mark.clause("10.1", "10.4", "R21")]

START = NOW - timedelta(days=1)


def submit(school, address="198.51.100.7", now=NOW, **overrides):
    fields = {
        "kind": RequestKind.ACCESS,
        "relationship": "parent",
        "name": "Pat Parent",
        "email": "pat@example.invalid",
        "description": "Where: main gate\nWearing: red coat",
        "window_start": START,
        "window_end": START + timedelta(minutes=30),
        "client_address": address,
        "confirm_link": lambda token: f"http://127.0.0.1/public/confirm/{token}/",
        "now": now,
    }
    fields.update(overrides)
    return services.submit_request(school, **fields)


def test_a_submission_logs_a_case_holds_its_footage_and_mails_only_the_confirmation_link(
    school, cameras, handler, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = submit(school)
    assert case.by_public_form and case.logged_by is None and case.relationship == "parent"
    assert set(case.cameras.all()) == set(cameras)
    assert Hold.objects.filter(pk=case.hold_id, released_at=None).exists()
    assert case.deadline(NOW.date()) is None  # the month starts once the school has checked identity
    to_requester = [m for m in mail.outbox if m.to == ["pat@example.invalid"]]
    assert len(to_requester) == 1 and "/public/confirm/" in to_requester[0].body
    assert "Pat" not in to_requester[0].body and "red coat" not in to_requester[0].body


def test_confirming_the_address_sends_the_acknowledgement_once(
    school, cameras, django_capture_on_commit_callbacks
):
    case = submit(school)
    token = services.token_for(case.public_submission)
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_address(token, now=NOW)
        services.confirm_address(token, now=NOW)
    assert Submission.objects.get(case=case).confirmed_at == NOW
    assert [m.subject for m in mail.outbox] == [f"Your request has been received ({case.reference})"]


def test_a_forged_or_altered_confirmation_link_confirms_nothing(school, cameras):
    case = submit(school)
    token = services.token_for(case.public_submission)
    assert services.confirm_address(token[:-2] + "xx", now=NOW) is None
    assert services.confirm_address("1:forged:token", now=NOW) is None
    assert Submission.objects.get(case=case).confirmed_at is None


def test_the_rate_limit_counts_each_client_address_within_the_hour(school, cameras):
    for _ in range(limits.PER_ADDRESS):
        submit(school)
    with pytest.raises(services.TooMany):
        submit(school)
    submit(school, address="203.0.113.9")  # another address is not limited
    submit(school, now=NOW + limits.PERIOD + timedelta(seconds=1))  # nor the next hour


def test_the_client_address_is_kept_only_as_a_keyed_digest(school, cameras):
    submit(school)
    assert "198.51.100.7" not in Submission.objects.get().client_key


def test_too_large_bodies_are_refused():
    assert limits.too_large(str(limits.MAX_BODY_BYTES + 1)) and limits.too_large("junk")
    assert not limits.too_large(str(limits.MAX_BODY_BYTES)) and not limits.too_large(None)


def test_a_time_in_the_future_is_refused(school, cameras):
    with pytest.raises(PolicyRefusal, match="future"):
        submit(school, window_start=NOW + timedelta(hours=1), window_end=NOW + timedelta(hours=2))


def test_a_request_for_a_child_releases_nothing_before_the_views_and_safeguarding_check(
    school, cameras, handler
):
    case = submit(school)
    subjectaccess.confirm_identity(
        handler,
        case,
        basis=IdentityBasis.VERIFIED,
        note="Passport seen",
        confirmed_on=NOW.date(),
        today=NOW.date(),
    )
    problems = subjectaccess.response_problems(case)
    assert any("child's competence and views" in p for p in problems)
    assert any("safeguarding lead" in p for p in problems)
    with pytest.raises(PolicyRefusal, match="safeguarding lead"):
        subjectaccess.respond(handler, case, today=NOW.date())
    with pytest.raises(PermissionDenied):  # the handler cannot record it for the lead (Sch 3 Part 5)
        subjectaccess.record_safeguarding_check(handler, case, note="x", now=NOW)
    with pytest.raises(PermissionDenied):  # a lead at another school
        subjectaccess.record_safeguarding_check(
            person(Role.SAFEGUARDING_LEAD, SchoolFactory()), case, note="x", now=NOW
        )
    subjectaccess.record_child(
        handler, case, competence="Aged 7: not yet able to understand", views="Happy for dad to see", now=NOW
    )
    lead = person(Role.SAFEGUARDING_LEAD, school)
    subjectaccess.record_safeguarding_check(lead, case, note="Nothing withheld", now=NOW)
    assert case.safeguarding_checked_by == lead
    assert subjectaccess.safeguarding_problems(case) == []


def test_the_requesters_own_footage_needs_no_safeguarding_check(school, cameras, handler):
    case = submit(school, relationship="self")
    assert subjectaccess.safeguarding_problems(case) == []
    with pytest.raises(PolicyRefusal, match="no child"):
        subjectaccess.record_child(handler, case, competence="x", views="y", now=NOW)


def test_an_erasure_request_is_decided_like_a_sar_on_the_same_clock(school, cameras, handler):
    case = submit(school, kind=RequestKind.ERASURE, relationship="self")
    assert case.deadline(NOW.date()) is None
    subjectaccess.confirm_identity(
        handler,
        case,
        basis=IdentityBasis.VERIFIED,
        note="Passport seen",
        confirmed_on=NOW.date(),
        today=NOW.date(),
    )
    assert case.deadline(NOW.date()) == NOW.date().replace(month=4)
    subjectaccess.respond(handler, case, note="Erased: no need to keep it (Art 17(1)(a))", today=NOW.date())
    assert case.status == "responded"
