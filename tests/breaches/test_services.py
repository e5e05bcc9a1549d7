"""The breach services (15.1; UK GDPR Art 33, 34): reporting tells the DPO at once, the DPO's decisions
and their refusals, drafts opened by Watchkeeper's own events, the register and the demo."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection

from tests.breaches.conftest import NOW, report
from tests.factories import CameraFactory, person
from watchkeeper.audit.models import AuditEvent
from watchkeeper.audit.services import record
from watchkeeper.breaches import clock, demo, inbox, services
from watchkeeper.breaches.models import Breach
from watchkeeper.compliance.differences import differences
from watchkeeper.core.errors import PolicyRefusal, Refusal
from watchkeeper.people.models import Role
from watchkeeper.recording.management.commands.check_storage import breach_drafts

pytestmark = [pytest.mark.django_db, pytest.mark.clause("15.1", "R26")]


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def test_anyone_with_a_school_role_reports_and_the_dpo_is_told_at_once(
    reviewer, school, dpo, django_capture_on_commit_callbacks, mailoutbox
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        breach = report(reviewer, school)
    assert breach.reference == f"BR-2026-{breach.pk:04d}"
    assert [m.to for m in mailoutbox] == [["dpo@trust.example"]]
    assert breach.reference in mailoutbox[0].subject and "USB" not in mailoutbox[0].body  # no details
    [event] = events("breaches.reported")
    assert event.details["children_images"] is True and event.school == school
    [item] = inbox.waiting(dpo, NOW)
    assert item.statutory and item.due == breach.aware_at + timedelta(hours=72)
    assert item.url.endswith(f"/breaches/{breach.pk}/") and "decide whether to tell the ICO" in item.title
    assert list(inbox.waiting(reviewer, NOW)) == []  # only the DPO decides


def test_a_report_is_refused_without_its_facts_or_with_another_schools_camera(reviewer, school, other_school):
    with pytest.raises(PolicyRefusal) as refused:
        report(reviewer, school, what_happened=" ", aware_at=NOW + timedelta(minutes=5))
    assert [Refusal.parse(str(p)).clause for p in refused.value.problems] == [
        "15.1",
        "15.1 (UK GDPR Art 33(1))",
    ]
    with pytest.raises(PolicyRefusal, match="one of this school's"):
        report(reviewer, school, cameras=[CameraFactory(school=other_school)])
    with pytest.raises(PolicyRefusal, match="after anyone became aware"):
        report(reviewer, school, happened_at=NOW - timedelta(minutes=1))
    with pytest.raises(PolicyRefusal, match="what kind"):
        report(reviewer, school, kind="audit_chain")  # Watchkeeper's own kind


def test_staff_may_say_a_copy_was_lost_or_a_password_sent_with_its_file(reviewer, school) -> None:
    assert report(reviewer, school, kind="password_with_file").get_kind_display().endswith("(11.6)")


def test_a_board_member_or_another_schools_staff_cannot_report(school, other_school) -> None:
    with pytest.raises(PermissionDenied):
        report(person(Role.BOARD_MEMBER, None), school)
    with pytest.raises(PermissionDenied):
        report(person(Role.LIVE_VIEWER, other_school), school)


def test_changing_aware_at_needs_a_reason_moves_the_clock_and_is_audited(breach, dpo, reviewer) -> None:
    earlier = breach.aware_at - timedelta(hours=30)
    with pytest.raises(PolicyRefusal, match="say why"):
        services.change_aware_at(dpo, breach, aware_at=earlier, reason="", now=NOW)
    with pytest.raises(PermissionDenied):
        services.change_aware_at(reviewer, breach, aware_at=earlier, reason="x", now=NOW)
    services.change_aware_at(dpo, breach, aware_at=earlier, reason="The caretaker knew on Saturday", now=NOW)
    [event] = events("breaches.aware_at_changed")
    assert event.reason == "The caretaker knew on Saturday" and event.details["after"] == earlier.isoformat()
    assert services.state(breach, NOW).words == "40 h 00 min left of 72 hours"


def test_not_telling_the_ico_needs_an_unlikely_risk_and_reasons_and_stops_the_clock(breach, dpo) -> None:
    with pytest.raises(PolicyRefusal, match="assess the risk"):
        services.decide_ico(dpo, breach, decision="not_notify", reasons="r", now=NOW)
    services.assess_risk(dpo, breach, likelihood="likely", severity="significant", notes="n", now=NOW)
    assert breach.risk == "high"
    with pytest.raises(PolicyRefusal, match="must be told"):
        services.decide_ico(dpo, breach, decision="not_notify", reasons="r", now=NOW)
    services.assess_risk(dpo, breach, likelihood="remote", severity="minimal", notes="Encrypted", now=NOW)
    with pytest.raises(PolicyRefusal, match=r"Art 33\(5\)"):
        services.decide_ico(dpo, breach, decision="not_notify", reasons=" ", now=NOW)
    services.decide_ico(dpo, breach, decision="not_notify", reasons="Encrypted; password safe", now=NOW)
    assert services.state(breach, NOW).words == "Done within the 72 hours"
    assert list(inbox.waiting(dpo, NOW)) == []
    with pytest.raises(PolicyRefusal, match="already recorded"):
        services.decide_ico(dpo, breach, decision="notify", reasons="", now=NOW)


def test_the_ico_is_told_in_phases_and_a_late_first_phase_gives_its_reasons(breach, dpo) -> None:
    services.assess_risk(dpo, breach, likelihood="likely", severity="severe", notes="n", now=NOW)
    with pytest.raises(PolicyRefusal, match="record the decision"):
        services.notify_ico(dpo, breach, sent_at=NOW, nature="n", dpo_contact="d", now=NOW)
    services.decide_ico(dpo, breach, decision="notify", reasons="", now=NOW)
    late = NOW + timedelta(hours=80)
    with pytest.raises(PolicyRefusal, match="reasons for the delay"):
        services.notify_ico(dpo, breach, sent_at=late, nature="n", dpo_contact="d", now=late)
    with pytest.raises(PolicyRefusal, match=r"Art 33\(3\)"):
        services.notify_ico(dpo, breach, sent_at=late, nature="", dpo_contact="", late_reasons="x", now=late)
    first = services.notify_ico(
        dpo, breach, sent_at=late, nature="12 pupils", dpo_contact="Dana", late_reasons="Half term", now=late
    )
    assert services.missing_from_ico([first]) == [
        "the likely consequences (Art 33(3)(c))",
        "the measures taken or proposed (Art 33(3)(d))",
    ]
    second = services.notify_ico(
        dpo, breach, sent_at=late, nature="12", dpo_contact="Dana", consequences="c", measures="m", now=late
    )
    assert (first.phase, second.phase) == (1, 2) and services.missing_from_ico([first, second]) == []
    assert services.state(breach, late).words == "Done 10 h 00 min after the 72 hours"
    assert [e.details["phase"] for e in events("breaches.ico_notified")] == [1, 2]


def test_the_people_affected_are_told_in_plain_words_after_a_safeguarding_check_or_an_exception(
    breach, dpo
) -> None:
    with pytest.raises(PolicyRefusal, match="safeguarding check"):
        services.decide_individuals(
            dpo, breach, decision="notify", recipients="parents", notice="We lost a stick", now=NOW
        )
    with pytest.raises(PolicyRefusal, match="plain language"):
        services.decide_individuals(dpo, breach, decision="notify", recipients="parents", now=NOW)
    with pytest.raises(PolicyRefusal, match=r"Art 34\(3\)"):
        services.decide_individuals(dpo, breach, decision="exception_a", now=NOW)
    services.decide_individuals(
        dpo,
        breach,
        decision="notify",
        recipients="parents",
        notice="We lost a stick",
        safeguarding_checked=True,
        now=NOW,
    )
    assert breach.safeguarding_checked_by == dpo
    services.record_other(dpo, breach, party="insurer", notified_at=NOW, reference="CL-1", notes="", now=NOW)
    assert events("breaches.individuals_decided") and events("breaches.other_notified")


def test_high_risk_breaches_wait_on_the_dpo_until_the_people_are_told(breach, dpo) -> None:
    services.assess_risk(dpo, breach, likelihood="likely", severity="severe", notes="n", now=NOW)
    keys = [item.key for item in inbox.waiting(dpo, NOW)]
    assert keys == [f"breaches.ico:{breach.pk}", f"breaches.individuals:{breach.pk}"]
    services.decide_individuals(dpo, breach, decision="exception_a", reasons="Encrypted", now=NOW)
    assert [item.key for item in inbox.waiting(dpo, NOW)] == [f"breaches.ico:{breach.pk}"]


def test_watchkeepers_own_event_opens_one_draft_for_the_dpo(dpo) -> None:
    evidence = [services.Evidence("Audit event 4", "/audit/")]
    first = services.open_draft("audit_chain", "event 4 altered", evidence, NOW, source_key="audit_chain:4")
    again = services.open_draft("audit_chain", "event 4 altered", evidence, NOW, source_key="audit_chain:4")
    assert first == again and first.draft and first.school is None and first.aware_at == NOW
    assert [(link.label, link.url) for link in first.links.all()] == [("Audit event 4", "/audit/")]
    assert services.reported_by_name(first) == "Watchkeeper (automatic)"
    [event] = events("breaches.draft_opened")
    assert event.actor is None and event.school is None
    assert [item.key for item in inbox.waiting(dpo, NOW)] == [f"breaches.ico:{first.pk}"]
    services.decide_ico(dpo, first, decision="not_a_breach", reasons="A test restore", now=NOW)
    assert services.open_draft("audit_chain", "again", [], NOW, source_key="audit_chain:4") != first


def test_a_broken_audit_chain_opens_a_draft(db, dpo) -> None:
    record("test.event", reason="r")
    with connection.cursor() as cursor:  # what someone with the database file could do (tests/audit)
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_event_no_update")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_change ON audit_auditevent")
        cursor.execute("UPDATE audit_auditevent SET reason = 'changed' WHERE seq = 1")
    err = StringIO()
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("audit", "verify", stdout=StringIO(), stderr=err)
    [draft] = Breach.objects.filter(kind="audit_chain")
    assert draft.reference in err.getvalue() and "event" in draft.what_happened
    assert draft.links.get().url == "/audit/"


def test_the_storage_check_opens_drafts_for_lost_footage_and_other_problems(db) -> None:
    lost, damaged = "segment 7 (1 2026-12-07): blob missing", "segment 8: authentication failed"
    drafts = breach_drafts([lost, damaged])
    assert [d.kind for d in drafts] == ["footage_lost", "storage_check"]
    assert lost in drafts[0].what_happened and damaged in drafts[1].what_happened
    assert breach_drafts([lost, damaged]) == drafts  # the same problems: no second draft


def test_the_register_is_read_per_school_and_its_export_audited(breach, dpo, school, other_school) -> None:
    head = person(Role.HEADTEACHER, school)
    other_head = person(Role.HEADTEACHER, other_school)
    rows = services.export_register(head, school=None, form="csv", now=NOW)
    assert [row[0] for row in rows] == [breach.reference] and rows[0][7] == "Yes"
    assert services.export_register(other_head, school=None, form="pdf", now=NOW) == []
    assert [e.details["form"] for e in events("breaches.register_exported")] == ["csv", "pdf"]


def test_the_dpo_is_told_that_15_1_is_narrower_than_the_law() -> None:
    found = {d.clause: d for d in differences(NOW.date())}
    assert "Art 33(5)" in found["15.1"].words and "every personal data breach" in found["15.1"].words


def test_the_demo_breach_is_inside_its_72_hours(school) -> None:
    person(Role.FOOTAGE_REVIEWER, school)
    breach = demo.seed_demo(school, NOW)
    assert breach is not None and demo.seed_demo(school, NOW) == breach
    assert clock.clock_state(breach.aware_at, NOW).flag == "running"
