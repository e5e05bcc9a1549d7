"""A copy reported lost, or its package's password reported sent with the file (15.1, 11.6; design/evidence.md
"Copies reported lost"): each opens a breach draft for the DPO through the breach register's own service,
with the copy linked and what bears on the Art 34(3)(a) exception. Real footage, packages and mail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.evidence.downloads import ask, authorise, build, footage
from tests.factories import person
from watchkeeper.audit.models import AuditEvent
from watchkeeper.breaches import inbox
from watchkeeper.breaches.models import Breach
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.evidence import services
from watchkeeper.evidence.models import CopyReport, Download, Mishap
from watchkeeper.people.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.clause("15.1", "11.6")]


@pytest.fixture
def ctx(school, other_school, pieces) -> dict[str, Any]:
    ctx = footage({"school": school, "other_school": other_school, "pieces": pieces})
    ctx["dpo"] = person(Role.DPO, None, email="dpo@trust.example")
    decided = authorise(ctx, ask(ctx))
    ctx["download"] = build(decided.request, decided.password or "")
    # The clock the tests pass: two hours after the package was built, never the time of day.
    ctx["now"] = ctx["download"].downloaded_at + timedelta(hours=2)
    return ctx


def lost(ctx: dict[str, Any], actor: Any = None, **changes: Any) -> CopyReport:
    terms: dict[str, Any] = {
        "account": "The USB stick with the copy for the police was left on the bus.",
        "noticed_at": ctx["now"] - timedelta(minutes=30),
        "now": ctx["now"],
        **changes,
    }
    return services.report_lost(actor or ctx["head"], ctx["download"], **terms)


def password_sent(ctx: dict[str, Any], actor: Any = None) -> CopyReport:
    return services.report_password_with_file(
        actor or ctx["reviewer"],
        ctx["download"],
        account="I wrote the password on the stick's label.",
        noticed_at=ctx["now"] - timedelta(minutes=10),
        now=ctx["now"],
    )


def test_a_copy_reported_lost_opens_a_draft_for_the_dpo(ctx, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        report = lost(ctx)
    breach = report.breach
    assert (report.kind, report.reported_by, report.reported_at) == (Mishap.LOST, ctx["head"], ctx["now"])
    assert (breach.kind, breach.draft, breach.school) == ("copy_lost", True, ctx["school"])
    assert breach.aware_at == ctx["now"] - timedelta(minutes=30)  # the clock runs from the school's awareness
    said = breach.what_happened
    assert "left on the bus" in said and "Helen Head" in said
    assert "Encrypted: yes" in said and "not reported sent with the file" in said and "Art 34(3)(a)" in said
    [link] = breach.links.all()
    assert link.url.endswith(f"/evidence/requests/{ctx['download'].request_id}/")
    # The DPO is told: an inbox item and an e-mail with the reference and link only.
    [item] = inbox.waiting(ctx["dpo"], ctx["now"])
    assert item.url.endswith(f"/breaches/{breach.pk}/")
    assert [m.to for m in mailoutbox] == [["dpo@trust.example"]] and "bus" not in mailoutbox[0].body
    [event] = AuditEvent.objects.filter(action=services.COPY_REPORTED_LOST)
    assert event.details["breach"] == breach.reference and event.reason == report.account
    assert event.actor_id == ctx["head"].pk and event.school == ctx["school"]


def test_a_password_sent_with_the_file_opens_its_own_draft_and_the_lost_draft_says_so(ctx) -> None:
    sent = password_sent(ctx)  # the reviewer asked for the copy: they handled it
    assert sent.breach.kind == "password_with_file" and "went with" not in sent.breach.what_happened
    assert "Its password: reported sent with the file." in sent.breach.what_happened
    assert AuditEvent.objects.filter(action=services.PASSWORD_REPORTED_WITH_FILE).count() == 1
    gone = lost(ctx)
    said = gone.breach.what_happened
    assert gone.breach != sent.breach and "Its password: reported sent with the file." in said
    assert "Art 34(3)(a)" not in said  # the password travelled with it: the exception is not offered
    assert sent.breach.reference in said


def test_a_second_report_joins_the_undecided_draft(ctx) -> None:
    first = lost(ctx)
    second = lost(ctx, person(Role.CCTV_ADMIN, ctx["school"]), account="Confirmed: the stick is gone.")
    assert first.breach == second.breach and Breach.objects.count() == 1
    assert CopyReport.objects.filter(download=ctx["download"]).count() == 2
    assert AuditEvent.objects.filter(action=services.COPY_REPORTED_LOST).count() == 2


def test_the_dpo_may_report_and_people_who_never_held_the_copy_may_not(ctx) -> None:
    assert lost(ctx, ctx["dpo"]).breach.kind == "copy_lost"
    refused = [
        person(Role.LIVE_VIEWER, ctx["school"]),
        person(Role.FOOTAGE_REVIEWER, ctx["school"]),  # not the one who asked
        person(Role.HEADTEACHER, ctx["other_school"]),
    ]
    for outsider in refused:
        with pytest.raises(PermissionDenied, match="15.1"):
            lost(ctx, outsider)
        with pytest.raises(PermissionDenied, match="15.1"):
            password_sent(ctx, outsider)
    assert CopyReport.objects.count() == 1 and Breach.objects.count() == 1


def test_a_report_needs_what_happened_and_a_moment_that_is_not_in_the_future(ctx) -> None:
    with pytest.raises(PolicyRefusal) as refused:
        lost(ctx, account=" ", noticed_at=ctx["now"] + timedelta(minutes=1))
    assert [str(p) for p in refused.value.problems] == [
        "15.1: say what happened, in your own words",
        "15.1: the moment you found out cannot be in the future",
    ]
    with pytest.raises(PolicyRefusal, match="before the copy was made"):
        lost(ctx, noticed_at=ctx["download"].downloaded_at - timedelta(days=1))
    assert not Breach.objects.exists() and not AuditEvent.objects.filter(action=services.COPY_REPORTED_LOST)


def test_the_report_shows_on_the_copy_and_its_cctv_log_row(ctx, client) -> None:
    report = lost(ctx)
    sign_in(client, ctx["head"])
    page = client.get(reverse("evidence:request_detail", args=[ctx["download"].request_id])).content.decode()
    assert "Reported lost by Helen Head" in page and report.breach.reference in page
    assert f'href="/breaches/{report.breach.pk}/"' in page  # the Headteacher reads the register
    log = client.get(reverse("evidence:cctv_log"), {"school": ctx["school"].pk}).content.decode()
    at = timezone.localtime(report.reported_at)
    assert f"Reported lost {at:%d/%m/%Y %H:%M}: {report.breach.reference}" in log
    assert Download.objects.get().reports.get() == report
