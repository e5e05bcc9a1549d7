"""`watchkeeper retention run` (13.1, 9.6) with an injected clock, on real stored segments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.factories import CameraFactory
from tests.recording.helpers import store
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.actors import SYSTEM
from watchkeeper.recording.crypto import existing_school_key, open_blob
from watchkeeper.recording.models import GarbageBlob, Segment
from watchkeeper.recording.retention import sweep
from watchkeeper.recording.services import place_hold, release_hold
from watchkeeper.recording.storage import absolute
from watchkeeper.storage.keys import Unreadable

pytestmark = pytest.mark.django_db
# Today, not a fixed date: holds need a review date after today (13.1), so a fixed date would expire.
NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def footage():
    """Camera a keeps 30 days, camera b 7; each has segments just past and just inside retention."""
    a = CameraFactory(retention_days=30)
    b = CameraFactory(school=a.school, retention_days=7)
    segments = {
        "a_old": store(a, NOW - timedelta(days=30, seconds=20)),
        "a_boundary": store(a, NOW - timedelta(days=30) + timedelta(milliseconds=1)),
        "a_young": store(a, NOW - timedelta(days=2)),
        "b_old": store(b, NOW - timedelta(days=7, seconds=30)),
        "b_older": store(b, NOW - timedelta(days=7, seconds=40)),
        "b_young": store(b, NOW - timedelta(days=6)),
    }
    return a, b, segments


def remaining() -> set:
    return set(Segment.objects.values_list("pk", flat=True))


def test_sweep_erases_exactly_the_expired_segments(footage) -> None:
    a, b, segs = footage
    result = sweep(NOW)
    assert result.erased == 3
    assert remaining() == {segs[k].pk for k in ("a_boundary", "a_young", "b_young")}
    for name in ("a_old", "b_old", "b_older"):
        assert not absolute(segs[name].blob_path).exists()
    assert not GarbageBlob.objects.exists()


@pytest.mark.clause("13.1", "R11")
def test_one_audit_event_per_sweep_with_counts_and_ranges(footage) -> None:
    a, b, segs = footage
    before = AuditEvent.objects.count()
    sweep(NOW)
    events = list(AuditEvent.objects.filter(seq__gt=before))
    assert [e.action for e in events] == ["recording.retention_sweep"]
    details = events[0].details
    assert details["erased"] == 3 and details["dry_run"] is False
    assert details["cameras"][str(b.pk)] == {
        "erased": 2,
        "from": segs["b_older"].start.isoformat(),
        "to": segs["b_old"].end.isoformat(),
    }


def test_held_footage_is_kept_and_released_footage_goes(footage) -> None:
    a, b, segs = footage
    hold = place_hold(
        SYSTEM, a.school, [a], NOW - timedelta(days=31), NOW - timedelta(days=30, seconds=15),
        "Police request 123", (NOW + timedelta(days=30)).date(),
     today=timezone.localdate(),)  # fmt: skip
    result = sweep(NOW)
    assert result.held == 1 and result.erased == 2
    assert segs["a_old"].pk in remaining() and segs["b_old"].pk not in remaining()
    release_hold(SYSTEM, hold, "Case closed", now=NOW)
    assert sweep(NOW).erased == 1
    assert segs["a_old"].pk not in remaining()


def test_a_dry_run_changes_nothing(footage) -> None:
    before_events, before_rows = AuditEvent.objects.count(), remaining()
    result = sweep(NOW, dry_run=True)
    assert result.erased == 3
    assert remaining() == before_rows and AuditEvent.objects.count() == before_events


@pytest.mark.clause("13.1", "R11")
def test_a_copy_of_erased_ciphertext_cannot_be_decrypted(footage) -> None:
    """13.1: after erasure no wrapped key in the index opens a backup copy of the blob."""
    a, b, segs = footage
    doomed = segs["a_old"]
    copy = absolute(doomed.blob_path).read_bytes()
    key = existing_school_key(doomed.key_id)
    assert open_blob(copy, doomed.pk, bytes(doomed.wrapped_key), key)  # opens before the sweep
    sweep(NOW)
    assert not Segment.objects.filter(wrapped_key=bytes(doomed.wrapped_key)).exists()
    for wrapped in Segment.objects.values_list("wrapped_key", flat=True):
        with pytest.raises(Unreadable):
            open_blob(copy, doomed.pk, bytes(wrapped), key)


def test_the_command_takes_a_clock_for_rehearsal(footage, capsys) -> None:
    call_command("retention", "run", "--dry-run", "--now", NOW.isoformat())
    assert "would erase 3 recording file(s)" in capsys.readouterr().out
    assert len(remaining()) == 6
