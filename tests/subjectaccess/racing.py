"""A database that several threads, each with its own connection, can race on (issue 12 §4).

Tests that race need committed data (`django_db(transaction=True)`), which leaves two things in the way:

* Django empties the database after such a test (flush), and the audit log refuses that by design: on
  PostgreSQL its triggers refuse TRUNCATE. `race_database` drops those triggers just for the flush and
  puts them back at once (the SQL of the audit app's own migrations).
* SQLite's test database lives in memory with a shared cache, where a second writer fails at once ("table
  is locked") instead of waiting as it does on the database file a school runs on. So on SQLite the test
  runs on a file copy of the migrated test database (WAL, BEGIN IMMEDIATE, the busy timeout: the settings
  of a real installation), and the in-memory one is left untouched.
"""

from __future__ import annotations

import importlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection
from django.test import TransactionTestCase

_TRIGGER_MIGRATIONS = ["0002_append_only_triggers", "0003_head_not_deletable"]


@contextmanager
def _audit_triggers_lifted() -> Iterator[None]:
    migrations = [importlib.import_module(f"watchkeeper.audit.migrations.{n}") for n in _TRIGGER_MIGRATIONS]
    with connection.cursor() as cursor:
        for migration in reversed(migrations):
            for statement in migration.POSTGRES_DROP:
                cursor.execute(statement, ())  # as the migration ran it ("%%")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for migration in migrations:
                for statement in migration.POSTGRES_CREATE:
                    cursor.execute(statement, ())  # as the migration ran it ("%%")


def _flush_past_the_audit_triggers() -> None:
    """For this test's flush only: the patch undoes itself when Django's teardown runs (after every fixture
    of the test is torn down, so a fixture cannot wrap it)."""
    original = TransactionTestCase._fixture_teardown

    def teardown(self: TransactionTestCase) -> None:
        TransactionTestCase._fixture_teardown = original  # type: ignore[method-assign]
        with _audit_triggers_lifted():
            original(self)

    TransactionTestCase._fixture_teardown = teardown  # type: ignore[method-assign]


@contextmanager
def _on_a_file_copy(path: Path) -> Iterator[None]:
    settings = connection.settings_dict  # shared with the connections other threads open
    memory_name = settings["NAME"]
    keep = sqlite3.connect(memory_name, uri=True)  # keeps the in-memory database alive meanwhile
    try:
        with sqlite3.connect(path) as copy:
            keep.backup(copy)
        copy.close()
        connection.close()
        settings["NAME"] = str(path)
        connection.connection = None
        yield
    finally:
        connection.close()
        settings["NAME"] = memory_name
        keep.close()


@pytest.fixture
def race_database(transactional_db: None, tmp_path: Path) -> Iterator[None]:
    if connection.vendor == "postgresql":
        _flush_past_the_audit_triggers()
        yield
    else:
        with _on_a_file_copy(tmp_path / "race.sqlite3"):
            yield
