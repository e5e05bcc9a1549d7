"""Who decides (9.2, Appendix I; people/deciders.py, people/nominations.py): the Headteacher, an alternate
only under a nomination in force for that decision (recorded on the decision), recusal, and escalation to
the DPO when no Headteacher-level decider is available."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.factories import nominate
from tests.people.accounts import approve, ask, ask_download
from tests.viewing.conftest import code_for
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.evidence import services as evidence
from watchkeeper.people import deciders, nominations, reroutings
from watchkeeper.people.models import Decision, Nomination
from watchkeeper.viewing.models import Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def authorise_download(decider: Any, req: Any, steps: int = 0) -> Any:
    return evidence.decide_download(
        decider, req, approve=True, otp_code=code_for(decider, steps), now=timezone.now()
    )


@pytest.mark.clause("9.2", "R9")
def test_a_designated_person_without_a_nomination_may_not_decide_viewing(gate, head, deputy, reviewer):
    auth = ask(reviewer, gate)
    with pytest.raises(PolicyRefusal, match="no nomination for it in force"):
        approve(deputy, auth)
    auth.refresh_from_db()
    assert auth.status == Status.PENDING
    approve(head, auth)  # the Headteacher decides without one
    auth.refresh_from_db()
    assert auth.status == Status.APPROVED and auth.nomination is None


@pytest.mark.clause("9.2", "R9")
def test_an_alternate_decides_under_a_nomination_which_the_decision_records(
    school, gate, head, deputy, reviewer
):
    nomination = nominations.nominate(
        head,
        school,
        deputy,
        {Decision.VIEWING},
        date.today(),
        date.today() + timedelta(days=10),
        reason="Headteacher on a course",
        now=timezone.now(),
    )
    auth = approve(deputy, ask(reviewer, gate))
    assert auth.status == Status.APPROVED and auth.nomination == nomination
    event = AuditEvent.objects.get(action="viewing.approved")
    assert event.details["nomination"] == nomination.pk
    assert event.details["authority"] == "nominated alternate"


@pytest.mark.clause("Appendix I")
def test_a_nomination_covers_only_its_decisions_and_its_period(school, gate, head, deputy, reviewer):
    nominate(deputy, school, Decision.DOWNLOADS)  # downloads only
    with pytest.raises(PolicyRefusal, match="viewing recorded footage"):
        approve(deputy, ask(reviewer, gate))
    req = ask_download(reviewer, gate)
    decided = authorise_download(deputy, req)
    assert decided.request.nomination is not None

    Nomination.objects.update(ends_on=timezone.localdate() - timedelta(days=1))  # it has run out
    with pytest.raises(PolicyRefusal, match="no nomination"):
        authorise_download(deputy, ask_download(reviewer, gate), steps=1)


@pytest.mark.clause("Appendix I")
def test_an_ended_nomination_no_longer_counts(school, gate, head, deputy, reviewer):
    nomination = nominate(deputy, school)
    nominations.end_nomination(head, nomination, reason="Back in school", now=timezone.now())
    with pytest.raises(PolicyRefusal, match="no nomination"):
        approve(deputy, ask(reviewer, gate))
    assert AuditEvent.objects.filter(action="people.nomination_ended").count() == 1


@pytest.mark.clause("9.2")
def test_only_the_headteacher_nominates_and_only_a_designated_person(school, head, deputy, reviewer):
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        nominations.nominate(deputy, school, deputy, {Decision.VIEWING}, today, today, now=timezone.now())
    with pytest.raises(PolicyRefusal, match="not a designated person"):
        nominations.nominate(head, school, reviewer, {Decision.VIEWING}, today, today, now=timezone.now())
    with pytest.raises(PolicyRefusal, match="choose which decisions"):
        nominations.nominate(head, school, deputy, set(), today, today, now=timezone.now())


@pytest.mark.clause("Appendix I")
def test_deleting_a_copy_needs_the_headteacher_or_an_alternate_for_deletions(school, deputy):
    # The check runs before anything about the copy, so no copy needs building here.
    with pytest.raises(PolicyRefusal, match="deleting a downloaded copy"):
        deciders.deletion_authority(deputy, school.pk, now=timezone.now())
    nomination = nominate(deputy, school, Decision.DELETIONS)
    assert deciders.deletion_authority(deputy, school.pk, now=timezone.now()) == nomination


@pytest.mark.clause("9.2", "R9")
def test_a_recused_headteacher_is_refused_and_the_request_goes_to_the_alternate(
    school, gate, head, deputy, reviewer
):
    nominate(deputy, school)
    auth = ask(reviewer, gate)
    nominations.recuse(head, auth, head, "The incident is a complaint about me", now=timezone.now())
    with pytest.raises(PolicyRefusal, match="you recused yourself"):
        approve(head, auth)
    assert deciders.escalation(deciders.VIEWING, auth, timezone.now()) is None  # the alternate is there
    approve(deputy, auth)
    assert AuditEvent.objects.filter(action="people.recused").count() == 1


@pytest.mark.clause("9.2", "R9")
def test_when_every_decider_recuses_the_dpo_decides(school, gate, head, reviewer, dpo):
    auth = ask(reviewer, gate)
    with pytest.raises(PermissionDenied):  # not re-routed, not escalated: the DPO has no say
        approve(dpo, auth)
    nominations.recuse(
        dpo, auth, head, "Head is the subject of the subject access request", now=timezone.now()
    )
    assert auth in reroutings.rerouted_authorisations(dpo)
    approve(dpo, auth)
    auth.refresh_from_db()
    assert auth.status == Status.APPROVED and auth.decided_by == dpo


@pytest.mark.clause("9.2")
def test_only_the_person_or_the_dpo_records_a_recusal(school, gate, head, deputy, reviewer):
    auth = ask(reviewer, gate)
    with pytest.raises(PermissionDenied):
        nominations.recuse(deputy, auth, head, "Says so", now=timezone.now())
    with pytest.raises(PolicyRefusal, match="how the person is involved"):
        nominations.recuse(head, auth, head, " ", now=timezone.now())


@pytest.mark.clause("9.2", "R9")
def test_a_request_waiting_three_working_days_escalates_to_the_dpo(gate, head, reviewer, dpo):
    auth = ask(reviewer, gate)
    # Friday 4 December 2026 asked; Tuesday 8th is 2 working days on, Wednesday 9th is 3.
    friday = timezone.make_aware(timezone.datetime(2026, 12, 4, 10, 0))
    auth.requested_at = friday
    assert deciders.escalation(deciders.VIEWING, auth, friday + timedelta(days=4)) is None
    assert "3 working days" in (deciders.escalation(deciders.VIEWING, auth, friday + timedelta(days=5)) or "")
    auth.requested_at = timezone.now() - timedelta(days=10)  # two weeks' working days ago at least 3
    auth.save(update_fields=["requested_at"])
    approve(dpo, auth)
    auth.refresh_from_db()
    assert auth.decided_by == dpo and auth.nomination is None
