"""The response letter (10.3, 10.4; UK GDPR Art 15): built from the case's recorded decisions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.evidence.pdftext import pdf_text
from tests.subjectaccess.conftest import WINDOW_START, approve_review, attest_row
from tests.subjectaccess.test_services import FACTORS
from watchkeeper.redaction.models import Redaction
from watchkeeper.redaction.models import Status as RedactionStatus
from watchkeeper.subjectaccess import services
from watchkeeper.subjectaccess.letter import paragraphs, response_letter
from watchkeeper.subjectaccess.models import OtherPersonBasis, Provision

pytestmark = pytest.mark.django_db


def _clip(handler, case, minute, **fields):
    return services.record_clip(
        handler,
        case,
        camera=case.cameras.order_by("pk").first(),
        start=WINDOW_START + timedelta(minutes=minute),
        end=WINDOW_START + timedelta(minutes=minute + 1),
        **fields,
        now=timezone.now(),
    )


def test_letter_says_what_was_found_provided_and_how_others_were_protected(
    case, handler, reviewer, head, school
):
    approve_review(case, reviewer, head)
    attest_row(case)
    appointment = timezone.now() + timedelta(days=3)
    _clip(handler, case, 1, only_requester=True, provision=Provision.VIEWING, appointment_at=appointment)
    crowded = _clip(handler, case, 5, only_requester=False, provision=Provision.COPY)
    redaction = Redaction.objects.create(
        school=school,
        status=RedactionStatus.APPROVED,
        camera=crowded.camera,
        start=crowded.start,
        end=crowded.end,
    )
    services.record_other_person(
        handler,
        crowded,
        description="Child",
        basis=OtherPersonBasis.REDACTED,
        redaction=redaction,
        now=timezone.now(),
    )
    services.record_other_person(
        handler,
        crowded,
        description="Adult",
        basis=OtherPersonBasis.REASONABLE,
        factors=FACTORS,
        now=timezone.now(),
    )
    text = "\n".join(paragraphs(case, timezone.localdate()))
    assert "Dear Pat Parent," in text and case.reference in text and "Article 15" in text
    assert "red coat" in text  # what was searched for
    assert f"{timezone.localtime(appointment):%-d %B %Y %H:%M}" in text and "(policy 10.3)" in text
    assert "obscured them" in text and "10.4.1" in text
    assert "paragraph 16" in text and "10.4.3" in text
    assert "sealed package" in text and "separately" in text
    assert "Information Commissioner" in text and "0303 123 1113" in text
    pdf = response_letter(case, timezone.localdate())
    printed = " ".join(pdf_text(pdf).split())
    assert "Dear Pat Parent," in printed and case.reference in printed and "0303 123 1113" in printed


def test_letter_of_a_refused_request_gives_the_reason_and_the_right_to_complain(case, handler):
    services.refuse(handler, case, reason="The same request was answered last week", now=timezone.now())
    text = "\n".join(paragraphs(case, timezone.localdate()))
    assert "Article 12(5)" in text and "answered last week" in text
    assert "Information Commissioner" in text
    assert "What we found" not in text


def test_letter_when_the_requester_does_not_appear(case, handler, reviewer, head):
    approve_review(case, reviewer, head)
    _clip(handler, case, 2, only_requester=False, provision=Provision.NOT_FOUND)
    text = "\n".join(paragraphs(case, timezone.localdate()))
    assert "You do not appear in the footage we reviewed." in text
    assert "sealed package" not in text
