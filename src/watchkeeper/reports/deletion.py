"""One register record deleted, with its audit event, for the retention jobs (reports/retention.py and the
public forms' own, public/retention.py): the event and the deletion in one transaction, so that a record is
never gone without the log saying so, nor said gone while it stays."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Model

from watchkeeper.audit.services import record
from watchkeeper.core.actors import Actor
from watchkeeper.estate.models import School


def delete_register_record(
    actor: Actor, register: str, obj: Model, school: School | None, reason: str
) -> None:
    """Raises ProtectedError, and deletes nothing, where another record still needs this one."""
    with transaction.atomic():
        record(
            "reports.register_record_deleted",
            actor=actor,
            school=school,
            obj=obj,
            reason=reason,
            details={"register": register, "id": obj.pk},
        )
        obj.delete()
