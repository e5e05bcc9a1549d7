"""Who set the credentials of accounts made before CredentialSetting existed, from the audit log (9.2, 9.5).

Until now nobody could change their own password or authenticator in the app, so an account a person
created (`people.staff_created`) or whose authenticator they reset (`people.second_factor_reset`) still has
what that person set. SYSTEM's events (actor empty) record nobody, as the services do now."""

from django.db import migrations

CREDENTIALS = {
    "people.staff_created": ("password", "second_factor"),
    "people.second_factor_reset": ("second_factor",),
}


def from_audit(apps, schema_editor):  # type: ignore[no-untyped-def]
    AuditEvent = apps.get_model("audit", "AuditEvent")
    CredentialSetting = apps.get_model("people", "CredentialSetting")
    User = apps.get_model("auth", "User")
    users = set(User.objects.values_list("pk", flat=True))
    for event in AuditEvent.objects.filter(action__in=list(CREDENTIALS)).order_by("seq"):
        if not event.object_id.isdigit() or int(event.object_id) not in users:
            continue
        for credential in CREDENTIALS[event.action]:
            CredentialSetting.objects.create(
                user_id=int(event.object_id), credential=credential, set_by_id=event.actor_id, set_at=event.at
            )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_credential_settings"),
        ("audit", "0001_initial"),
    ]

    operations = [migrations.RunPython(from_audit, migrations.RunPython.noop)]
