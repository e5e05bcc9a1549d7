"""One audit event per person and object within the repeat window (design/viewing.md): a player asks for
the same file several times (byte ranges, seeks), and one "served" event a sitting says all the log needs.
Viewing's segments and redaction's previews use this one window."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import models

from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.actors import Person
from watchkeeper.viewing import conf


def served_lately(action: str, person: Person, obj: models.Model, now: datetime, **details: Any) -> bool:
    """Whether `person` has had `obj` served (audited as `action` with these `details`) within
    conf.audit_repeat_seconds() before `now`."""
    since = now - timedelta(seconds=conf.audit_repeat_seconds())
    same = {f"details__{key}": value for key, value in details.items()}
    return AuditEvent.objects.filter(
        action=action, actor=person, object_id=str(obj.pk), at__gte=since, **same
    ).exists()
