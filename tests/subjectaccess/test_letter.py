"""The response letter (10.3, 10.4; UK GDPR Art 15): built from the case's recorded decisions."""

from __future__ import annotations

import re
import zlib
from datetime import timedelta

import pytest
from django.urls import reverse
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
    assert f"{timezone.localtime(appointment):%d/%m/%Y %H:%M}" in text and "(policy 10.3)" in text
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


def test_the_printed_letter_is_addressed_to_the_requester_and_signed_by_who_prints_it(
    case, handler, client, signed_in
):
    """Issue 15 §5: the requester's name and postal address (typed when printing, not stored) and the
    signatory's name and role; the text ranged left, never justified."""
    handler.first_name, handler.last_name = "Sam", "Handler"
    handler.save()
    signed_in(handler)
    url = reverse("subjectaccess:letter", args=[case.pk])
    pdf = client.post(url, {"address": "12 Elm Road\nOakton OK1 2AB"}).content
    text = pdf_text(pdf)
    assert "Pat Parent\n12 Elm Road\nOakton OK1 2AB" in text
    assert "Yours sincerely,\nSam Handler\nSubject access handler\n" + case.school.name in text
    assert not justified(pdf)
    assert case.requester_contact in pdf_text(client.get(url).content)  # unposted: the case's reply details
    page = client.get(reverse("subjectaccess:case_detail", args=[case.pk])).content.decode()
    assert "Requester&#x27;s postal address" in page and "Print the letter" in page


def justified(pdf: bytes) -> bool:
    """Justified lines in a PDF stretch the gaps between words with a word-spacing operator (Tw)."""
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            continue  # not a page's drawing (an embedded font, say)
        if re.search(rb"[1-9][\d.]* Tw", content):
            return True
    return False


def test_the_address_box_is_not_filled_with_an_e_mail_and_a_typed_name_is_printed_once(
    case, handler, client, signed_in
):
    """Walked in Chromium: the postal address box came filled with the requester's e-mail address, and an
    address typed with the name on top printed the name twice."""
    signed_in(handler)
    page = client.get(reverse("subjectaccess:case_detail", args=[case.pk])).content.decode()
    box = page.split('name="address"')[1].split("</textarea>")[0]
    assert "@" in case.requester_contact and case.requester_contact not in box
    url = reverse("subjectaccess:letter", args=[case.pk])
    text = pdf_text(client.post(url, {"address": "Pat Parent\n12 Elm Road\nOakton OK1 2AB"}).content)
    assert "Pat Parent\n12 Elm Road" in text and "Pat Parent\nPat Parent" not in text
