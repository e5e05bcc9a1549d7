"""The exported audit head (R10, design/audit.md "Exported head"): a database rolled back to an earlier
copy verifies as a valid, shorter chain on its own; against a head exported before the rollback it fails.

The rollback is done as someone with database access would: triggers dropped, the latest events deleted,
the head row put back to an earlier sealed state (what restoring an earlier backup gives).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.audit.test_tamper import DROP_TRIGGERS
from tests.conftest import sign_in
from tests.factories import person
from tests.permission_case import ViewCase, run_view_case
from watchkeeper.audit import head_file
from watchkeeper.audit.chain import head_seal
from watchkeeper.audit.head_export import LATEST_NAME, current_head, verify_against, write_head
from watchkeeper.audit.models import AuditEvent, AuditHead
from watchkeeper.audit.services import audit_key, record
from watchkeeper.audit.tasks import audit_head_export
from watchkeeper.core.keyfiles import key_path

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 7, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def events(db) -> list[AuditEvent]:
    return [record(f"test.event{n}", details={"n": n}) for n in range(1, 6)]


def roll_back_to(seq: int) -> None:
    """Delete the events after `seq` and re-point the sealed head at `seq`, as restoring an older backup
    (or an attacker with database access and the head of that backup) would."""
    with connection.cursor() as cursor:
        for statement in DROP_TRIGGERS[connection.vendor]:
            cursor.execute(statement)
    AuditEvent.objects.filter(seq__gt=seq).delete()
    kept = AuditEvent.objects.get(seq=seq)
    seal = head_seal(audit_key(), seq, kept.hash)
    AuditHead.objects.filter(pk=1).update(seq=seq, hash=kept.hash, seal=seal)


def verify_cmd(path: Path) -> str:
    out = StringIO()
    call_command("audit", "verify", "--head", str(path), stdout=out)
    return out.getvalue().strip()


@pytest.mark.clause("R10")
def test_a_rollback_to_before_the_export_is_detected(events, tmp_path) -> None:
    exported = tmp_path / "head.json"
    exported.write_bytes(current_head(NOW))
    assert verify_cmd(exported) == f"audit chain intact: 5 events (and includes the exported head {exported})"

    roll_back_to(3)
    call_command("audit", "verify", stdout=StringIO())  # on its own the shorter chain still verifies
    message = (
        "audit chain BROKEN: the database has been rolled back: the head exported at "
        "2026-12-07T15:00:00+00:00 records 5 events, the chain now holds only 3"
    )
    with pytest.raises(CommandError, match=f"^{re.escape(message)}$"):
        verify_cmd(exported)


@pytest.mark.clause("R10")
def test_a_rollback_then_new_events_is_detected_by_the_hash_at_the_exported_sequence(events) -> None:
    exported = current_head(NOW)
    roll_back_to(3)
    record("test.after_rollback_1")
    record("test.after_rollback_2")
    record("test.after_rollback_3")  # the chain is as long as before, and longer: the count alone would pass
    verdict = verify_against(exported)
    assert not verdict.intact and verdict.count == 6
    assert verdict.problem == (
        "the database has been rolled back or rewritten: event 5 is not the event recorded in the head "
        "exported at 2026-12-07T15:00:00+00:00"
    )


def test_an_older_export_still_verifies_after_more_events(events) -> None:
    exported = current_head(NOW)
    record("test.later")
    verdict = verify_against(exported)
    assert verdict.intact and verdict.count == 6


def test_an_export_of_an_empty_log_verifies(db) -> None:
    assert verify_against(current_head(NOW)).intact
    record("test.first")
    assert verify_against(current_head(NOW)).intact


def test_a_broken_chain_is_reported_before_the_comparison(events) -> None:
    exported = current_head(NOW)
    with connection.cursor() as cursor:
        for statement in DROP_TRIGGERS[connection.vendor]:
            cursor.execute(statement)
    AuditEvent.objects.filter(seq=2).update(reason="changed")
    assert verify_against(exported).problem == "event 2 has been altered (its hash does not match)"


@pytest.mark.clause("R10")
def test_a_lowered_head_file_is_refused_for_its_signature(events, tmp_path) -> None:
    """Someone who rolled the database back and can write the export folder edits the file to match."""
    body = json.loads(current_head(NOW))
    body["seq"] = 3
    body["hash"] = AuditEvent.objects.get(seq=3).hash
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(body))
    with pytest.raises(CommandError, match="REFUSED: the exported head's signature does not match"):
        verify_cmd(forged)


def test_a_file_that_is_no_head_is_refused_plainly(db, tmp_path) -> None:
    other = tmp_path / "photo.jpg"
    other.write_bytes(b"\xff\xd8\xff\xe0 not json")
    with pytest.raises(CommandError, match="REFUSED: this is not an exported audit head"):
        verify_cmd(other)
    with pytest.raises(CommandError, match="cannot read the exported head"):
        verify_cmd(tmp_path / "absent.json")


def test_the_hourly_job_writes_the_day_file_and_the_latest(events, settings, tmp_path) -> None:
    settings.WATCHKEEPER_AUDIT_HEAD_DIR = str(tmp_path / "elsewhere")
    written = Path(audit_head_export.call_local())
    assert written == tmp_path / "elsewhere" / f"audit-head-{dt.datetime.now(dt.UTC).date().isoformat()}.json"
    latest = (tmp_path / "elsewhere" / LATEST_NAME).read_bytes()
    assert latest == written.read_bytes()
    assert head_file.parse(audit_key(), latest).seq == 5
    assert written.stat().st_mode & 0o777 == 0o600
    assert AuditEvent.objects.count() == 5  # writing the file is not itself an event


def test_write_head_replaces_the_days_file(events, tmp_path) -> None:
    write_head(NOW, tmp_path)
    record("test.later")
    path = write_head(NOW + dt.timedelta(hours=1), tmp_path)
    assert head_file.parse(audit_key(), path.read_bytes()).seq == 6
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit-head-2026-12-07.json", LATEST_NAME]


def test_the_audit_head_command_prints_a_verifiable_head(events, tmp_path) -> None:
    out = StringIO()
    call_command("audit", "head", stdout=out)
    assert head_file.parse(audit_key(), out.getvalue().encode()).seq == 5


def downloaded_head_includes_its_own_event(ctx, response) -> None:
    assert response["Content-Disposition"].startswith('attachment; filename="audit-head-')
    head = head_file.parse(audit_key(), response.content)
    event = AuditEvent.objects.get(seq=head.seq)
    assert event.action == "audit.head_exported" and event.actor == ctx["user"]


CASES = [
    ViewCase(
        "head_download",
        lambda ctx: reverse("audit:head_download"),
        "dpo",
        "headteacher",
        trust_wide=True,
        check=downloaded_head_includes_its_own_event,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
@pytest.mark.clause("R10")
def test_view_permissions(case: ViewCase, school, other_school) -> None:
    run_view_case(case, {"school": school, "other_school": other_school})


def test_the_audit_page_offers_the_download_to_the_dpo_only(school) -> None:
    link = reverse("audit:head_download")
    dpo_page = sign_in(Client(), person("dpo", None)).get(reverse("audit:event_list"))
    head_page = sign_in(Client(), person("headteacher", school)).get(reverse("audit:event_list"))
    assert link in dpo_page.content.decode()
    assert link not in head_page.content.decode()


def test_a_missing_audit_key_is_named_and_never_made_afresh(db, settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path  # a key of its own to lose
    record("test.event")
    exported = current_head(NOW)
    key_path("audit-chain").unlink()
    verdict = verify_against(exported)
    assert not verdict.intact and "audit key file" in verdict.problem and "is missing" in verdict.problem
    assert not key_path("audit-chain").exists()
