"""Issue 18 §3 done: the demo holds one request from the public form — a parent's, for their child, with
its footage held, awaiting the child's views and the safeguarding check; a second run adds nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from watchkeeper.public.demo import DEMO_PARENT, seed_demo
from watchkeeper.subjectaccess import services as subjectaccess
from watchkeeper.subjectaccess.models import SubjectAccessRequest

pytestmark = pytest.mark.django_db


def test_demo_holds_one_public_form_request_from_a_parent(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo")
    case = SubjectAccessRequest.objects.get(by_public_form=True)
    assert case.requester_name == DEMO_PARENT and case.relationship == "parent" and case.logged_by is None
    assert case.hold is not None and case.hold.released_at is None
    assert any("safeguarding lead" in p for p in subjectaccess.response_problems(case))
    call_command("demo")
    assert seed_demo(case.school, (case.window_start, case.window_end), case.logged_at) == case
    assert SubjectAccessRequest.objects.filter(by_public_form=True).count() == 1
