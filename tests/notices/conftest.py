"""Fixtures for the inbox and notices: the requests each source lists, built directly (their services are
tested in their own apps), and a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from tests.factories import CameraFactory
from watchkeeper.disclosures.models import DisclosureRequest, LegalBasis, RequesterKind
from watchkeeper.evidence.models import DownloadRequest, Purpose
from watchkeeper.viewing.models import ReasonCategory, Status, ViewingAuthorisation

# The clock the tests pass in: a Monday morning, so working days are plain.
NOW = timezone.make_aware(datetime(2026, 3, 2, 9, 0))


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def viewing_request(school: Any, asker: Any, **fields: Any) -> ViewingAuthorisation:
    auth = ViewingAuthorisation.objects.create(
        school=school,
        start=NOW - timedelta(hours=2),
        end=NOW - timedelta(hours=1),
        reason_category=fields.pop("reason_category", ReasonCategory.SAFEGUARDING),
        reason="Reported incident at the gate",
        requested_by=asker,
        requested_at=fields.pop("requested_at", NOW),
        **fields,
    )
    auth.cameras.set([CameraFactory(school=school)])
    return auth


def approved_review(school: Any, reviewer: Any, category: str) -> ViewingAuthorisation:
    return viewing_request(
        school,
        reviewer,
        reason_category=category,
        status=Status.APPROVED,
        decided_at=NOW,
        expires_at=NOW + timedelta(days=7),
    )


def download_request(school: Any, asker: Any) -> DownloadRequest:
    req = DownloadRequest.objects.create(
        school=school,
        start=NOW - timedelta(hours=2),
        end=NOW - timedelta(hours=1),
        purpose=Purpose.INTERNAL,
        reason_category="safeguarding",
        reason="For the safeguarding file",
        requested_by=asker,
        requested_at=NOW,
        requestor_user=asker,
    )
    req.cameras.set([CameraFactory(school=school)])
    return req


def police_request(school: Any, logger: Any, **fields: Any) -> DisclosureRequest:
    req = DisclosureRequest.objects.create(
        school=school,
        kind=RequesterKind.POLICE,
        requester_name="PC Jones",
        requester_organisation="Northshire Police",
        reference="CR/1",
        start=NOW - timedelta(hours=2),
        end=NOW - timedelta(hours=1),
        sought="The car park",
        reason="Investigating a theft",
        purpose="4.1.4",
        legal_basis=LegalBasis.CRIME,
        received_on=NOW.date(),
        logged_by=logger,
        logged_at=NOW,
        **fields,
    )
    req.cameras.set([CameraFactory(school=school)])
    return req


class Inbox:
    """aiosmtpd's handler: keeps every message the server received."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Inbox]:
    """A real SMTP server on 127.0.0.1, and Django's SMTP backend pointed at it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.WATCHKEEPER_SMTP_HOST = settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT, settings.EMAIL_USE_TLS = port, False
    try:
        yield inbox
    finally:
        server.stop()
