"""The audit event about one object, filed under that object's school — what nearly every service records
(design/audit.md): one call instead of each app spelling out the school and the object again."""

from __future__ import annotations

from typing import Any

from django.db import models

from watchkeeper.audit.services import record
from watchkeeper.core.actors import Actor


def audit_about(
    action: str, actor: Actor | None, obj: models.Model, *, reason: str = "", **details: Any
) -> None:
    """Record `action` about `obj` under `obj.school` (so that school's Headteacher sees it in their log), in
    the caller's transaction."""
    school = obj.school  # type: ignore[attr-defined]  # every object audited this way belongs to a school
    record(action, actor=actor, school=school, obj=obj, reason=reason, details=details)
