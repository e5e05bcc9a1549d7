"""11.4 in the subject access response letter: images provided or shown carry the social-media
prohibition in the shared words (core/release_terms.py); a letter that releases nothing does not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.subjectaccess.conftest import approve_review, attest_row
from tests.subjectaccess.test_letter import _clip
from watchkeeper.core.release_terms import SOCIAL_MEDIA_PROHIBITION
from watchkeeper.subjectaccess.letter import paragraphs
from watchkeeper.subjectaccess.models import Provision

pytestmark = pytest.mark.django_db


@pytest.mark.clause("11.4")
def test_a_letter_offering_a_viewing_carries_the_social_media_prohibition(case, handler, reviewer, head):
    approve_review(case, reviewer, head)
    attest_row(case)  # 10.3: "only the requester appears" rests on the reviewer's word
    appointment = timezone.now() + timedelta(days=3)
    _clip(handler, case, 1, only_requester=True, provision=Provision.VIEWING, appointment_at=appointment)
    text = "\n".join(paragraphs(case, timezone.localdate()))
    assert SOCIAL_MEDIA_PROHIBITION in text and "11.4" in text


@pytest.mark.clause("11.4")
def test_a_letter_that_releases_no_images_says_nothing_of_social_media(case, handler, reviewer, head):
    approve_review(case, reviewer, head)
    _clip(handler, case, 2, only_requester=False, provision=Provision.NOT_FOUND)
    assert SOCIAL_MEDIA_PROHIBITION not in "\n".join(paragraphs(case, timezone.localdate()))
