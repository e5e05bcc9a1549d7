"""Issue 13 §3 (13.1, 13.2): unapproved redaction previews are deleted after PREVIEW_KEEP_DAYS by the daily
purge — key destroyed, file removed, audited, the decisions kept; approved copies are never touched."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from tests.redaction.review.test_services import proposed, render_preview
from watchkeeper.audit.models import AuditEvent
from watchkeeper.redaction import services
from watchkeeper.redaction.models import Redaction, Status
from watchkeeper.redaction.services.purge import (
    PREVIEW_KEEP_DAYS,
    purge_spent_copies,
    purge_stale_previews,
)

pytestmark = pytest.mark.django_db
__all__ = ["proposed"]  # the fixture, imported for these tests


def rendered(scene, redaction: Redaction, data_dir: Path) -> Path:
    render_preview(scene["reviewer"], redaction)
    redaction.refresh_from_db()
    blob = data_dir / "redactions" / redaction.output_path
    assert redaction.has_output and blob.exists() and redaction.rendered_at is not None
    return blob


@pytest.mark.clause("13.1", "13.2")
def test_an_unapproved_preview_is_deleted_after_its_days(proposed, scene, data_dir) -> None:
    blob = rendered(scene, proposed, data_dir)
    assert proposed.rendered_at is not None
    assert purge_stale_previews(proposed.rendered_at + timedelta(days=PREVIEW_KEEP_DAYS - 1)) == 0
    assert blob.exists()
    assert purge_stale_previews(proposed.rendered_at + timedelta(days=PREVIEW_KEEP_DAYS, seconds=1)) == 1
    proposed.refresh_from_db()
    assert not blob.exists() and proposed.output_wrapped_key is None and not proposed.has_output
    assert proposed.status == Status.REVIEW and proposed.proposal  # the reviewer may preview again
    event = AuditEvent.objects.get(action="redaction.preview_purged")
    assert event.details["redaction"] == proposed.pk


@pytest.mark.clause("13.1", "13.2", "10.4.1")
def test_an_approved_copy_is_no_preview_and_goes_six_months_on_if_never_carried_out(
    proposed, scene, data_dir
) -> None:
    blob = rendered(scene, proposed, data_dir)
    services.approve(scene["reviewer"], proposed, now=timezone.now())
    proposed.refresh_from_db()
    approved = proposed.approved_at
    assert approved is not None
    assert purge_stale_previews(approved + timedelta(days=365)) == 0
    # Never carried out in a package: kept for 13.2's six months from its approval, then deleted.
    assert purge_spent_copies(approved + relativedelta(months=6) - timedelta(days=1)) == 0
    proposed.refresh_from_db()
    assert blob.exists() and proposed.has_output and proposed.status == Status.APPROVED
    assert purge_spent_copies(approved + relativedelta(months=6, days=1)) == 1
    proposed.refresh_from_db()
    assert not blob.exists() and not proposed.has_output and proposed.status == Status.APPROVED
    event = AuditEvent.objects.get(action="redaction.copy_purged")
    assert "never carried out" in event.reason
