"""Issue 17 done (complaints): the demo holds one s164A complaint awaiting acknowledgement, on the DPO's
register and in the Headteacher's inbox; running the demo twice adds nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from watchkeeper.complaints.clock import Stage
from watchkeeper.complaints.demo import seed_demo
from watchkeeper.complaints.models import Complaint
from watchkeeper.core import registry

pytestmark = [pytest.mark.django_db, pytest.mark.clause("17.1", "R29")]


def test_demo_holds_one_complaint_awaiting_acknowledgement(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo")
    complaint = Complaint.objects.get()
    assert complaint.school.name == "Oakfield Primary School" and complaint.data_protection
    assert complaint.acknowledged_on is None and complaint.next_step().stage == Stage.ACKNOWLEDGE
    assert complaint.logged_by.username == "head-oak"
    now = timezone.now()
    [item] = [i for i in registry.inbox_items(complaint.logged_by, now) if i.key.startswith("complaints.")]
    assert item.statutory and not item.overdue(now)
    assert seed_demo(complaint.school, now) == complaint
    assert Complaint.objects.count() == 1
