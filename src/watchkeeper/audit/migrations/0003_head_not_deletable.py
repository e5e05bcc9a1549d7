"""The chain head is updated on every append but never deleted: refuse DELETE (and TRUNCATE) of it too."""

from django.db import migrations

from watchkeeper.audit.sql import run_for_vendor

TABLE = "audit_audithead"

SQLITE_CREATE = [
    f"""CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit head cannot be deleted'); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_head_no_delete"]
POSTGRES_CREATE = [
    f"""CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION watchkeeper_audit_append_only()""",
    f"""CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION watchkeeper_audit_append_only()""",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS audit_head_no_delete ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_head_no_truncate ON {TABLE}",
]


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        migrations.RunPython(
            run_for_vendor({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            run_for_vendor({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]
