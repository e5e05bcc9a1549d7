"""Issue 7 done: the demo holds one open subject access request, its footage held; running the demo twice
adds nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from watchkeeper.subjectaccess.demo import DEMO_REQUESTER, seed_demo
from watchkeeper.subjectaccess.models import CaseStatus, SubjectAccessRequest

pytestmark = pytest.mark.django_db


def test_demo_holds_one_open_request_with_its_footage_held(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo")
    case = SubjectAccessRequest.objects.get(by_public_form=False)  # the public form's: tests/public
    assert case.requester_name == DEMO_REQUESTER and case.status == CaseStatus.OPEN
    assert case.school.name == "Oakfield Primary School"
    assert case.hold is not None and case.hold.released_at is None
    assert case.logged_by.username == "sar-oak"
    call_command("demo")
    assert seed_demo(case.school, (case.window_start, case.window_end), timezone.now()) == case
    assert SubjectAccessRequest.objects.filter(by_public_form=False).count() == 1
