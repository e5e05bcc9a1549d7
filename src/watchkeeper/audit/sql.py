"""Raw SQL that differs between SQLite and PostgreSQL, for migrations (the append-only triggers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

StatementsByVendor = dict[str, list[str]]


def run_for_vendor(statements: StatementsByVendor) -> Callable[[Any, Any], None]:
    """A RunPython function executing the statements written for the connected database's vendor."""

    def run(apps: Any, schema_editor: Any) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run
