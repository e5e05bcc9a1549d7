"""Misuse alerts through the services (16): the job reads the real audit log, who handles each alert, the
outcome the handler records (nothing automatic), "no concern" alerts deleted after the set period, the
DPO's settings and the school hours."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.factories import person
from watchkeeper.audit.models import AuditEvent
from watchkeeper.audit.services import record
from watchkeeper.breaches.models import Breach
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.misuse import scan, services
from watchkeeper.misuse.models import Alert, Outcome, SchoolDay
from watchkeeper.misuse.rules import Hit
from watchkeeper.misuse.tasks import misuse_purge, misuse_scan
from watchkeeper.people.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.clause("16")]


@pytest.fixture
def dpo(school):
    return person(Role.DPO, None)


@pytest.fixture
def reviewer(school):
    return person(Role.FOOTAGE_REVIEWER, school)


def alert_about(user, school, rule: str = "c") -> Alert:
    hit = Hit(rule, user.pk, school.pk, f"{rule}:{user.pk}:test", "5 refusals on 07/12/2026", {"n": 5})
    return services.raise_alerts([hit], timezone.now())[0]


def test_the_job_raises_an_alert_from_refusals_in_the_audit_log_once(school, reviewer, dpo) -> None:
    for _ in range(5):
        record("viewing.segment_refused", actor=reviewer, school=school, reason="9.2: expired")
    # A second after the events: the rules look back from `now`.
    raised = scan.scan(timezone.now() + timedelta(seconds=1))
    assert [(a.rule, a.subject, a.school) for a in raised] == [("c", reviewer, school)]
    assert scan.scan(timezone.now() + timedelta(seconds=1)) == []  # a rerun adds nothing
    assert AuditEvent.objects.filter(action="misuse.alert_raised").count() == 1


def test_four_refusals_raise_nothing(school, reviewer) -> None:
    for _ in range(4):
        record("viewing.segment_refused", actor=reviewer, school=school)
    assert scan.scan(timezone.now() + timedelta(seconds=1)) == []


def test_a_package_fetched_after_sign_ins_from_two_addresses_raises_an_alert(school, reviewer) -> None:
    for ip in ("10.0.0.5", "203.0.113.9"):
        record("people.signed_in", actor=reviewer, details={"ip": ip})
        record("evidence.copy_fetched", actor=reviewer, school=school, details={"first": False})
    # Both fetches are about the same object id ("", as no object was given): one package.
    raised = scan.scan(timezone.now() + timedelta(seconds=1))
    assert [a.rule for a in raised] == ["f"]
    assert raised[0].figures["addresses"] == ["10.0.0.5", "203.0.113.9"]


def test_the_scan_job_runs(school) -> None:
    assert misuse_scan.call_local() == 0


def test_an_alert_about_a_headteacher_goes_to_the_dpo_only(school, dpo) -> None:
    head = person(Role.HEADTEACHER, school)
    alert = alert_about(head, school)
    assert alert.handler is None
    assert list(services.visible(dpo)) == [alert]
    assert list(services.visible(head)) == []


def test_an_alert_about_the_dpo_goes_to_the_chair_not_the_dpo(school, dpo) -> None:
    chair = person(Role.BOARD_MEMBER, None)
    person(Role.IG_GROUP, None)
    alert = alert_about(dpo, school)
    assert alert.handler == chair
    assert list(services.visible(chair)) == [alert]
    assert list(services.visible(dpo)) == []
    with pytest.raises(PermissionDenied):
        services.record_outcome(dpo, alert, Outcome.NO_CONCERN, "", now=timezone.now())
    services.record_outcome(chair, alert, Outcome.SPOKE, "Spoke to the DPO", now=timezone.now())


@pytest.mark.clause("16.2")
def test_the_dpo_records_an_outcome_once_with_a_note(school, reviewer, dpo) -> None:
    alert = alert_about(reviewer, school)
    now = timezone.now()
    with pytest.raises(PolicyRefusal, match="say in a few words"):
        services.record_outcome(dpo, alert, Outcome.DISCIPLINARY, " ", now=now)
    services.record_outcome(dpo, alert, Outcome.DISCIPLINARY, "Referred to HR (16.2)", now=now)
    alert.refresh_from_db()
    assert (alert.outcome, alert.decided_by, alert.breach) == (Outcome.DISCIPLINARY, dpo, None)
    with pytest.raises(PolicyRefusal, match="recorded already"):
        services.record_outcome(dpo, alert, Outcome.NO_CONCERN, "", now=now)
    assert AuditEvent.objects.filter(action="misuse.outcome_recorded").count() == 1


def test_breach_opened_reports_a_breach_through_the_register(school, reviewer, dpo) -> None:
    alert = alert_about(reviewer, school)
    services.record_outcome(dpo, alert, Outcome.BREACH, "Footage shown to a parent", now=timezone.now())
    breach = Breach.objects.get()
    assert alert.breach == breach and alert.reference in breach.what_happened


def test_no_concern_alerts_are_deleted_after_the_set_period_and_others_kept(school, reviewer, dpo) -> None:
    now = timezone.now()
    cleared, spoken = alert_about(reviewer, school), alert_about(reviewer, school, rule="a")
    services.record_outcome(dpo, cleared, Outcome.NO_CONCERN, "", now=now - timedelta(days=91))
    services.record_outcome(dpo, spoken, Outcome.SPOKE, "Talked it through", now=now - timedelta(days=91))
    assert services.purge_no_concern(now - timedelta(days=2)) == 0  # 89 days: kept
    assert misuse_purge.call_local() == 1
    assert list(Alert.objects.all()) == [spoken]
    assert AuditEvent.objects.filter(action="misuse.alert_deleted").count() == 1


def test_the_purge_job_follows_the_period_the_dpo_set(school, reviewer, dpo) -> None:
    now = timezone.now()
    cleared = alert_about(reviewer, school)
    services.record_outcome(dpo, cleared, Outcome.NO_CONCERN, "", now=now - timedelta(days=31))
    assert misuse_purge.call_local() == 0  # 31 days: inside the default 90
    services.update_settings(dpo, {"no_concern_keep_days": 30}, now=now)
    assert misuse_purge.call_local() == 1 and not Alert.objects.exists()


def test_only_the_dpo_changes_the_settings_and_the_hours(school, dpo) -> None:
    head = person(Role.HEADTEACHER, school)
    now = timezone.now()
    with pytest.raises(PermissionDenied):
        services.update_settings(head, {"refusals_per_day": 9}, now=now)
    services.update_settings(dpo, {"refusals_per_day": 9}, now=now)
    assert services.thresholds(services.settings_of()).refusals_per_day == 9
    with pytest.raises(PermissionDenied):
        services.set_hours(head, school, {0: (time(8), time(16))}, now=now)
    with pytest.raises(PolicyRefusal, match="closing time"):
        services.set_hours(dpo, school, {0: (time(16), time(8))}, now=now)
    services.set_hours(dpo, school, {0: (time(8), time(16))}, now=now)
    assert services.hours_of([school.pk]) == {school.pk: {0: (time(8), time(16))}}
    assert SchoolDay.objects.count() == 1


def test_rule_d_reads_the_staff_named_in_a_viewing_authorisation(school, reviewer) -> None:
    from watchkeeper.viewing.models import ViewingAuthorisation

    now = timezone.now()
    named = person(Role.LIVE_VIEWER, school)
    auth = ViewingAuthorisation.objects.create(
        school=school,
        start=now - timedelta(hours=2),
        end=now - timedelta(hours=1),
        reason_category="misconduct",
        reason="A fight by the gate",
        requested_by=reviewer,
        requested_at=now,
    )
    auth.staff_involved.add(named)
    assert scan.interested({auth.pk}) == {auth.pk: frozenset({named.pk})}
