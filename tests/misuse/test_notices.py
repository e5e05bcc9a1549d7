"""A misuse alert's handler is told by e-mail when it is raised (16; issue 18 §1): the DPO, or for an alert
about the DPO the board's or IG group's chair; an alert about a Headteacher goes to the DPO only. The notice
carries the alert's reference and link, nothing about the person. Through a real SMTP server."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes
from typing import Any

import pytest

from tests.factories import person
from tests.notices.conftest import smtp_server
from watchkeeper.misuse import services
from watchkeeper.misuse.models import Alert
from watchkeeper.misuse.rules import Hit
from watchkeeper.notices import kinds
from watchkeeper.notices.services import choose
from watchkeeper.people.models import Role

__all__ = ["smtp_server"]

pytestmark = [pytest.mark.django_db, pytest.mark.clause("16")]

NOW = datetime(2026, 12, 7, 21, 0, tzinfo=UTC)  # the tests never read the clock


def raise_about(user: Any, school: Any, callbacks: Any) -> Alert:
    hit = Hit("a", user.pk, school.pk, f"a:{user.pk}:2026-12-07", "Live view at 20:55 on 07/12/2026", {})
    with callbacks(execute=True):
        [alert] = services.raise_alerts([hit], NOW)
    return alert


def received(smtp_server: Any) -> list[tuple[list[str], str, str]]:
    found = []
    for envelope in smtp_server.messages:
        message = message_from_bytes(envelope.content)
        found.append((envelope.rcpt_tos, str(message["Subject"]), message.get_payload(decode=True).decode()))
    return found


def test_the_dpo_is_told_of_an_alert_by_reference_and_link_only(
    school, smtp_server, django_capture_on_commit_callbacks
) -> None:
    dpo = person(Role.DPO, None, email="dpo@trust.example")
    reviewer = person(Role.FOOTAGE_REVIEWER, school, first_name="Rita", last_name="Reviewer")
    alert = raise_about(reviewer, school, django_capture_on_commit_callbacks)
    [(to, subject, body)] = received(smtp_server)
    assert to == ["dpo@trust.example"] and alert.reference in subject
    assert f"/misuse/{alert.pk}/" in body and "misuse alert" in body
    assert "Rita" not in body + subject and "Live view" not in body  # nothing about the person
    assert services.told_of(alert) == [dpo]


def test_an_alert_about_a_headteacher_goes_to_the_dpo_only(
    school, smtp_server, django_capture_on_commit_callbacks
) -> None:
    person(Role.DPO, None, email="dpo@trust.example")
    person(Role.BOARD_MEMBER, None, email="chair@trust.example")
    head = person(Role.HEADTEACHER, school, email="head@school.example")
    raise_about(head, school, django_capture_on_commit_callbacks)
    assert [to for to, _, _ in received(smtp_server)] == [["dpo@trust.example"]]


def test_an_alert_about_the_dpo_goes_to_the_chair_and_never_to_the_dpo(
    school, smtp_server, django_capture_on_commit_callbacks
) -> None:
    dpo = person(Role.DPO, None, email="dpo@trust.example")
    person(Role.DPO, None, email="second-dpo@trust.example")
    chair = person(Role.BOARD_MEMBER, None, email="chair@trust.example")
    alert = raise_about(dpo, school, django_capture_on_commit_callbacks)
    assert alert.handler == chair
    assert [to for to, _, _ in received(smtp_server)] == [["chair@trust.example"]]


def test_an_alert_about_the_dpo_with_no_chair_tells_nobody(
    school, smtp_server, django_capture_on_commit_callbacks
) -> None:
    dpo = person(Role.DPO, None, email="dpo@trust.example")
    raise_about(dpo, school, django_capture_on_commit_callbacks)
    assert smtp_server.messages == []


def test_a_dpo_who_switched_these_notices_off_is_not_mailed(
    school, smtp_server, django_capture_on_commit_callbacks
) -> None:
    dpo = person(Role.DPO, None, email="dpo@trust.example")
    choose(dpo, dpo, [k for k in kinds.KINDS if k != kinds.MISUSE], now=NOW)
    raise_about(person(Role.FOOTAGE_REVIEWER, school), school, django_capture_on_commit_callbacks)
    assert smtp_server.messages == []
