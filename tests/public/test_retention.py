"""Retention of the public forms' own records (issue 18 §3, §4; public/retention.py), run by the register
retention job with the clock passed in: unconfirmed submissions after 7 days (their case stays), the
rate-limit digests after their hour, a public complaint once in the register, a confirmed submission with
its case."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import person
from tests.public.conftest import NOW
from tests.public.test_services import submit
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.actors import SYSTEM
from watchkeeper.people.models import Role
from watchkeeper.public import retention, services
from watchkeeper.public.models import PublicComplaint, Submission
from watchkeeper.reports import retention as registers
from watchkeeper.subjectaccess import services as subjectaccess
from watchkeeper.subjectaccess.models import SubjectAccessRequest

pytestmark = [pytest.mark.django_db, pytest.mark.clause("13.1")]


def sent(school, days_ago: float, *, confirmed: bool = False) -> Submission:
    at = NOW - timedelta(days=days_ago)
    window = {"window_start": at - timedelta(hours=2), "window_end": at - timedelta(hours=1)}
    case = submit(school, now=at, address=f"198.51.100.{int(days_ago * 10) % 250}", **window)
    submission = case.public_submission
    if confirmed:
        services.confirm_address(services.token_for(submission), now=at + timedelta(hours=1))
    return submission


def test_the_cutoffs_follow_the_clock() -> None:
    due = retention.cutoffs(NOW)
    assert due.unconfirmed == NOW - timedelta(days=7) and due.rate_limit == NOW - timedelta(hours=1)


def test_unconfirmed_submissions_go_after_a_week_and_their_cases_stay(school, cameras) -> None:
    old, young = sent(school, 8), sent(school, 6)
    confirmed = sent(school, 8, confirmed=True)
    just_now = submit(school, now=NOW - timedelta(minutes=20)).public_submission

    outcome = registers.apply_schedule(SYSTEM, NOW)  # the nightly register retention job's service

    assert outcome.deleted == {"public_form": 1, "rate_limit": 2}  # the deleted one needs no clearing
    assert set(Submission.objects.values_list("pk", flat=True)) == {young.pk, confirmed.pk, just_now.pk}
    assert SubjectAccessRequest.objects.filter(pk=old.case_id).exists()  # the request itself stays
    deleted = AuditEvent.objects.get(action="reports.register_record_deleted")
    assert deleted.details == {"register": "public_form", "id": old.pk} and deleted.school_id == school.pk
    # The rate limit's digests count nothing after their hour: cleared, except the one still counting.
    keys = dict(Submission.objects.values_list("pk", "client_key"))
    assert keys[young.pk] == keys[confirmed.pk] == "" and keys[just_now.pk]
    assert services.recent("198.51.100.7", NOW) == 1
    assert AuditEvent.objects.get(action="public.rate_limit_cleared").details == {"records": 2}
    # A confirmation link cannot outlive its record.
    assert retention.UNCONFIRMED.days == services.CONFIRM_DAYS
    assert registers.apply_schedule(SYSTEM, NOW).deleted == {}  # a second run finds nothing


def test_a_public_complaint_goes_once_it_is_in_the_register(school) -> None:
    def complaint(at):
        return services.submit_complaint(
            school,
            name="Pat",
            email="pat@example.invalid",
            summary="Camera faces my garden",
            client_address="198.51.100.9",
            now=at,
        )

    entered, waiting = complaint(NOW - timedelta(hours=3)), complaint(NOW - timedelta(hours=2))
    services.record_in_register(person(Role.SAR_HANDLER, school), entered, now=NOW - timedelta(hours=2))
    assert retention.apply(SYSTEM, NOW) == {"public_complaint": 1, "rate_limit": 1}
    assert list(PublicComplaint.objects.values_list("pk", "client_key")) == [(waiting.pk, "")]


def test_a_confirmed_submission_goes_with_its_case_under_the_requests_period(school, cameras) -> None:
    """Before, the submission's PROTECT kept a closed public-form case past the SAR register's year."""
    submission = sent(school, 800, confirmed=True)
    handler = person(Role.SAR_HANDLER, school)
    subjectaccess.close(
        handler, submission.case, note="Withdrawn by the parent", now=NOW - timedelta(days=700)
    )
    outcome = registers.apply_schedule(SYSTEM, NOW)
    assert outcome.deleted.get("sar") == 1 and not outcome.kept
    assert not Submission.objects.exists() and not SubjectAccessRequest.objects.exists()
