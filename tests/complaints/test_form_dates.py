"""The complaint's date fields start at today (issue 15 §5, from the Chromium walk): an office records what it
did today; an empty date was one more thing to type."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.complaints.conftest import record
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_the_complaint_forms_dates_start_at_today(client, school, sar_handler):
    today = timezone.localdate().isoformat()
    sign_in(client, sar_handler)
    new = client.get("/complaints/new/").content.decode()
    assert f'name="received_on" value="{today}"' in new
    complaint = record(sar_handler, school, timezone.now())
    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert f'name="acknowledge-acknowledged_on" value="{today}"' in page  # was empty
    assert f'name="step-on" value="{today}"' in page
