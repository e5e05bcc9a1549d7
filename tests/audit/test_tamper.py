"""The audit log cannot be quietly changed (16, design/audit.md).

First the database's own triggers refuse UPDATE and DELETE, through the ORM and through raw SQL. Then, as
someone with file access could, the test drops the triggers and tampers: every kind of change makes
`verify()` (and `watchkeeper audit verify`) report the chain broken, naming the first bad event.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from watchkeeper.audit.chain import event_hash, head_seal
from watchkeeper.audit.models import AuditEvent, AuditHead
from watchkeeper.audit.services import audit_key, hashed_fields, record, verify

TABLE = "audit_auditevent"
DROP_TRIGGERS = {
    "sqlite": [
        "DROP TRIGGER audit_event_no_update",
        "DROP TRIGGER audit_event_no_delete",
        "DROP TRIGGER audit_head_no_delete",
    ],
    "postgresql": [
        f"DROP TRIGGER audit_event_no_change ON {TABLE}",
        "DROP TRIGGER audit_head_no_delete ON audit_audithead",
    ],
}
WATCHKEEPER = Path(sys.executable).parent / "watchkeeper"


@pytest.fixture
def events(db) -> list[AuditEvent]:
    """Five events written through the real chain."""
    return [record(f"test.event{n}", reason=f"reason {n}", details={"n": n}) for n in range(1, 6)]


@pytest.fixture
def no_triggers(events) -> None:
    """What someone with direct access to the database file could do; undone with the test's transaction."""
    with connection.cursor() as cursor:
        for statement in DROP_TRIGGERS[connection.vendor]:
            cursor.execute(statement)


def raw(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def broken(expected_problem: str) -> None:
    verdict = verify()
    assert not verdict.intact
    assert verdict.problem == expected_problem
    with pytest.raises(CommandError, match=f"^audit chain BROKEN: {re.escape(expected_problem)}$"):
        call_command("audit", "verify", stdout=StringIO())


@pytest.mark.clause("R10")
def test_an_untouched_chain_verifies(events) -> None:
    assert verify().intact and verify().count == 5
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().strip() == "audit chain intact: 5 events"


def test_an_empty_log_verifies(db) -> None:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().strip() == "audit chain intact: 0 events"


# --- The triggers refuse changes ---


REFUSED_CHANGES = {
    "orm_save": lambda e: (setattr(e, "reason", "changed"), e.save()),
    "orm_update": lambda e: AuditEvent.objects.filter(pk=e.pk).update(reason="changed"),
    "orm_delete": lambda e: e.delete(),
    "orm_queryset_delete": lambda e: AuditEvent.objects.filter(pk=e.pk).delete(),
    "sql_update": lambda e: raw(f"UPDATE {TABLE} SET reason = %s WHERE id = %s", ["changed", e.pk]),
    "sql_delete": lambda e: raw(f"DELETE FROM {TABLE} WHERE id = %s", [e.pk]),
    "sql_delete_all": lambda e: raw(f"DELETE FROM {TABLE}"),
}


@pytest.mark.parametrize("change", REFUSED_CHANGES.values(), ids=REFUSED_CHANGES.keys())
def test_the_database_refuses_update_and_delete(events, change) -> None:
    target = events[2]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        change(target)
    assert AuditEvent.objects.count() == 5
    assert AuditEvent.objects.get(pk=target.pk).reason == "reason 3"
    assert verify().intact


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE exists only on PostgreSQL")
def test_postgresql_refuses_truncate(events) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("SET CONSTRAINTS ALL IMMEDIATE")  # else TRUNCATE refuses for the test's pending FK checks
        raw(f"TRUNCATE {TABLE}")
    assert AuditEvent.objects.count() == 5


# --- With the triggers dropped, the keyed chain shows the tampering ---


@pytest.mark.parametrize(
    "field, value",
    [
        ("reason", "nothing to see here"),
        ("actor_name", "someone-else"),
        ("action", "test.harmless"),
        ("details", {"n": 99}),
        ("object_id", "7"),
    ],
)
@pytest.mark.clause("R10")
def test_editing_a_field_is_detected(no_triggers, events, field, value) -> None:
    AuditEvent.objects.filter(seq=3).update(**{field: value})
    broken("event 3 has been altered (its hash does not match)")


def test_editing_the_time_is_detected(no_triggers, events) -> None:
    AuditEvent.objects.filter(seq=4).update(at=events[3].at.replace(year=2020))
    broken("event 4 has been altered (its hash does not match)")


def test_editing_by_raw_sql_is_detected(no_triggers, events) -> None:
    raw(f"UPDATE {TABLE} SET reason = %s WHERE seq = %s", ["quietly changed", 2])
    broken("event 2 has been altered (its hash does not match)")


@pytest.mark.clause("R10")
def test_deleting_a_middle_event_is_detected(no_triggers, events) -> None:
    raw(f"DELETE FROM {TABLE} WHERE seq = %s", [3])
    broken("event 3 is missing (found event 4 in its place)")


def test_deleting_the_first_event_is_detected(no_triggers, events) -> None:
    AuditEvent.objects.filter(seq=1).delete()
    broken("event 1 is missing (found event 2 in its place)")


def test_deleting_the_tail_is_detected(no_triggers, events) -> None:
    AuditEvent.objects.filter(seq__gte=4).delete()
    broken("events after event 3 are missing (the head records 5 events)")


def test_deleting_the_tail_and_moving_the_head_back_is_detected(no_triggers, events) -> None:
    AuditEvent.objects.filter(seq=5).delete()
    forged_seal = hashlib.sha256(f"head:4:{events[3].hash}".encode()).hexdigest()
    AuditHead.objects.filter(pk=1).update(seq=4, hash=events[3].hash, seal=forged_seal)
    broken("the chain head record has been altered")


def test_the_database_refuses_to_delete_the_head(events) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditHead.objects.all().delete()
    assert AuditHead.objects.filter(pk=1).exists()


def test_deleting_the_head_record_is_detected(no_triggers, events) -> None:
    AuditHead.objects.all().delete()
    broken("the chain head record is missing")


def test_swapping_two_events_is_detected(no_triggers, events) -> None:
    AuditEvent.objects.filter(seq=2).update(seq=1000)
    AuditEvent.objects.filter(seq=4).update(seq=2)
    AuditEvent.objects.filter(seq=1000).update(seq=4)
    broken("event 2 does not link to event 1")


def test_swapping_contents_and_relinking_is_detected(no_triggers, events) -> None:
    """A cleverer reorder: swap two events' contents but keep each slot's seq and prev_hash."""
    second, third = events[1], events[2]
    AuditEvent.objects.filter(pk=second.pk).update(
        action=third.action, reason=third.reason, details=third.details
    )
    AuditEvent.objects.filter(pk=third.pk).update(
        action=second.action, reason=second.reason, details=second.details
    )
    broken("event 2 has been altered (its hash does not match)")


def _forged(seq: int, prev_hash: str, sign) -> AuditEvent:
    forged = AuditEvent(
        seq=seq,
        at=AuditEvent.objects.get(seq=1).at,
        actor_name="dpo",
        action="people.role_granted",
        reason="forged",
        details={"role": "dpo"},
        prev_hash=prev_hash,
    )
    forged.hash = sign(prev_hash, hashed_fields(forged))
    forged.save(force_insert=True)
    return forged


def plain_sha256(prev_hash: str, fields: dict) -> str:
    body = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def wrong_key(prev_hash: str, fields: dict) -> str:
    return event_hash(b"not the audit key, 32 bytes long", prev_hash, fields)


@pytest.mark.parametrize("sign", [plain_sha256, wrong_key], ids=["plain_sha256", "wrong_key"])
def test_a_forged_appended_event_is_detected(events, sign) -> None:
    # Inserting needs no dropped trigger: appends are how the log grows. The key is what stops a forgery.
    _forged(6, events[-1].hash, sign)
    broken("event 6 has been altered (its hash does not match)")


@pytest.mark.parametrize("sign", [plain_sha256, wrong_key], ids=["plain_sha256", "wrong_key"])
def test_a_forged_event_in_place_of_a_deleted_one_is_detected(no_triggers, events, sign) -> None:
    AuditEvent.objects.filter(seq=3).delete()
    _forged(3, events[1].hash, sign)
    broken("event 3 has been altered (its hash does not match)")


def test_the_real_key_would_verify_so_the_key_is_what_matters(events) -> None:
    """Control for the forgery tests: the same row signed with the real key passes."""
    key = audit_key()
    forged = _forged(6, events[-1].hash, lambda prev, fields: event_hash(key, prev, fields))
    AuditHead.objects.filter(pk=1).update(seq=6, hash=forged.hash, seal=head_seal(key, 6, forged.hash))
    assert verify().intact and verify().count == 6


# --- The real command line, against its own SQLite data dir ---


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(WATCHKEEPER), *args], env=env, capture_output=True, text=True, timeout=180)


def test_cli_verify_exit_codes(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "WATCHKEEPER_DATABASE_URL"}
    env["WATCHKEEPER_DATA_DIR"] = str(tmp_path)
    assert _cli(env, "migrate", "--no-input").returncode == 0
    made = _cli(
        env,
        "shell",
        "-c",
        "from watchkeeper.audit.services import record\n"
        "for n in range(3): record(f'cli.test{n}', reason=str(n))",
    )
    assert made.returncode == 0, made.stderr

    result = _cli(env, "audit", "verify")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "audit chain intact: 3 events"

    database = sqlite3.connect(tmp_path / "watchkeeper.sqlite3")
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            database.execute(f"UPDATE {TABLE} SET reason = 'changed' WHERE seq = 2")
        database.execute("DROP TRIGGER audit_event_no_update")
        database.execute(f"UPDATE {TABLE} SET reason = 'changed' WHERE seq = 2")
        database.commit()
    finally:
        database.close()

    result = _cli(env, "audit", "verify")
    assert result.returncode == 1
    assert "audit chain BROKEN: event 2 has been altered" in result.stderr
