"""Issue 13 §3: copies fetched before handed_over_at existed get it from the audit trail — the first
evidence.copy_fetched event about each is when it left the system (Appendix I "downloaded")."""

from django.db import migrations


def backfill(apps, schema_editor):
    Download = apps.get_model("evidence", "Download")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    for download in Download.objects.filter(kind="package", handed_over_at=None).only("pk"):
        first = (
            AuditEvent.objects.filter(
                action="evidence.copy_fetched", object_type="evidence.download", object_id=str(download.pk)
            )
            .order_by("seq")
            .first()
        )
        if first is not None:
            Download.objects.filter(pk=download.pk).update(
                handed_over_at=first.at, handed_over_by_id=first.actor_id
            )


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0008_handed_over_and_kept_longer"),
        ("audit", "0001_initial"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
