"""The signed audit head e-mailed to the DPO (issue 14 §6, R10; audit/head_mail.py, design/audit.md
"Exported head"): to every current DPO with an address and nobody else, as an attachment that
`watchkeeper audit verify --head` accepts and that shows up a later rollback; nothing without an SMTP server.
Django's in-memory outbox for the rules, and one message through a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import socket
from email.message import EmailMessage as Received
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.core import mail
from huey.contrib.djhuey import HUEY

from tests.audit.test_head_export import roll_back_to
from tests.factories import person
from watchkeeper.audit import head_file
from watchkeeper.audit.head_export import verify_against
from watchkeeper.audit.head_mail import email_head
from watchkeeper.audit.models import AuditEvent
from watchkeeper.audit.services import audit_key, record
from watchkeeper.audit.tasks import audit_head_email
from watchkeeper.jobs.models import JobRecord, JobStatus
from watchkeeper.people.models import Role, RoleGrant

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 7, 6, 15, tzinfo=dt.UTC)


@pytest.fixture
def smtp(settings: Any) -> Any:
    settings.WATCHKEEPER_SMTP_HOST = "127.0.0.1"
    return settings


@pytest.fixture
def dpo(school: Any) -> Any:
    return person(Role.DPO, None, email="dana.price@trust.example")


@pytest.mark.clause("R10")
def test_the_head_goes_to_each_current_dpo_as_a_signed_attachment(smtp, school, dpo) -> None:
    person(Role.DPO, None, email="")  # no address: nobody to send to
    person(Role.HEADTEACHER, school, email="head@school.example")  # not the DPO
    former = person(Role.DPO, None, email="former.dpo@trust.example")
    RoleGrant.objects.filter(user=former).update(revoked_at=NOW)
    for n in range(3):
        record(f"test.event{n}")
    seq = AuditEvent.objects.count()

    assert email_head(NOW) == 1
    [message] = mail.outbox
    assert message.to == ["dana.price@trust.example"]
    [(name, data, mimetype)] = message.attachments
    assert name == "audit-head-20261207T061500Z.json" and mimetype == "application/json"
    assert head_file.parse(audit_key(), data).seq == seq
    assert school.name not in message.body and "dana" not in message.body.lower()  # no personal data
    event = AuditEvent.objects.get(action="audit.head_emailed")
    assert event.seq == seq + 1 and event.details == {"seq": seq, "recipients": 1}


@pytest.mark.clause("R10")
def test_without_an_smtp_server_nothing_is_sent_or_recorded(settings, dpo) -> None:
    settings.WATCHKEEPER_SMTP_HOST = ""
    assert email_head(NOW) == 0
    assert mail.outbox == [] and not AuditEvent.objects.filter(action="audit.head_emailed").exists()


class Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[Received] = []

    def handle_message(self, message: Any) -> None:
        self.messages.append(message)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.clause("R10")
def test_the_daily_job_mails_a_head_through_a_real_smtp_server_that_later_shows_a_rollback(smtp, dpo) -> None:
    for n in range(4):
        record(f"test.event{n}")
    inbox, port = Inbox(), _free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    HUEY.immediate = True
    try:
        smtp.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        smtp.EMAIL_HOST, smtp.EMAIL_PORT, smtp.EMAIL_USE_TLS = "127.0.0.1", port, False
        audit_head_email()
    finally:
        HUEY.immediate = False
        server.stop()
    job = JobRecord.objects.get(name="audit_head_email")
    assert job.status == JobStatus.DONE and "e-mailed to 1 address" in job.message
    [received] = inbox.messages
    assert received["To"] == "dana.price@trust.example"
    [attachment] = [part for part in received.walk() if part.get_filename()]
    data = attachment.get_payload(decode=True)
    assert verify_against(data).intact
    roll_back_to(2)
    verdict = verify_against(data)
    assert not verdict.intact and "rolled back" in verdict.problem
