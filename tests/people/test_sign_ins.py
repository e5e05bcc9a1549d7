"""Sign-in events (people/sign_ins.py): recorded by a service, so that every way in records alike."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import person
from watchkeeper.audit.models import AuditEvent
from watchkeeper.people import sign_ins
from watchkeeper.people.models import Role

pytestmark = pytest.mark.django_db


def test_the_service_records_sign_in_sign_out_and_a_failed_sign_in(school) -> None:
    viewer = person(Role.LIVE_VIEWER, school)
    sign_ins.record_sign_in(viewer, "10.0.0.1")
    sign_ins.record_sign_out(viewer, "10.0.0.1")
    sign_ins.record_failed_sign_in("nobody", "10.0.0.2")
    signed_in, signed_out, failed = AuditEvent.objects.order_by("seq").filter(
        action__startswith="people.sign"
    )
    assert (signed_in.action, signed_in.actor, signed_in.details) == (
        "people.signed_in",
        viewer,
        {"ip": "10.0.0.1"},
    )
    assert (signed_out.action, signed_out.actor) == ("people.signed_out", viewer)
    assert (
        failed.action == "people.sign_in_failed" and failed.actor is None and failed.actor_name == "anonymous"
    )
    assert failed.details == {"username": "nobody", "ip": "10.0.0.2"}


def test_the_sign_in_page_records_a_wrong_password_and_signing_out(school) -> None:
    head = person(Role.HEADTEACHER, school)
    client = Client()
    client.post("/login/", {"username": head.username, "password": "wrong", "otp_token": ""})
    assert AuditEvent.objects.get(action="people.sign_in_failed").details["username"] == head.username
    client.force_login(head)
    client.post("/logout/")
    assert AuditEvent.objects.get(action="people.signed_out").actor == head
