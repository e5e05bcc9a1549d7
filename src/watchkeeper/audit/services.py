"""Writing and verifying the audit log. Call `record` inside the transaction of the change it records."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from watchkeeper.audit.chain import (
    ChainRow,
    Verdict,
    canonical_details,
    event_hash,
    head_seal,
    timestamp_text,
    verify_rows,
)
from watchkeeper.audit.models import AuditEvent, AuditHead
from watchkeeper.core.actors import Actor, is_system, person_or_none
from watchkeeper.core.clauses import enforces
from watchkeeper.core.keyfiles import key_path, load_or_create_key
from watchkeeper.estate.models import School

AUDIT_KEY_NAME = "audit-chain"


def audit_key() -> bytes:
    return load_or_create_key(AUDIT_KEY_NAME)


def hashed_fields(event: AuditEvent) -> dict[str, Any]:
    """Every column of an event except its own hash goes into the hash."""
    return {
        "seq": event.seq,
        "at": timestamp_text(event.at),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "school_id": event.school_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "reason": event.reason,
        "details": event.details,
    }


@enforces("R10")
def record(
    action: str,
    *,
    actor: Actor | None = None,
    school: School | None = None,
    obj: models.Model | None = None,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. It joins the caller's transaction: it commits or rolls back with the change."""
    key = audit_key()
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            seq=head.seq + 1,
            at=timezone.now(),
            actor=person_or_none(actor),
            actor_name=_actor_name(actor),
            school=school,
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            reason=reason,
            details=canonical_details(details or {}),
            prev_hash=head.hash,
        )
        event.hash = event_hash(key, event.prev_hash, hashed_fields(event))
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.seal = head_seal(key, head.seq, head.hash)
        head.save()
    return event


def _actor_name(actor: Actor | None) -> str:
    if actor is None or is_system(actor):
        return "system"
    return actor.get_username() if actor.is_authenticated else "anonymous"


def _rows() -> Iterator[ChainRow]:
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        yield ChainRow(event.seq, event.prev_hash, event.hash, hashed_fields(event))


@enforces("R10")
def verify() -> Verdict:
    head = AuditHead.objects.filter(pk=1).values_list("seq", "hash", "seal").first()
    if head is not None and not key_path(AUDIT_KEY_NAME).exists():
        # Never mint a fresh key here: every event would then look altered, hiding the real problem.
        return Verdict(
            False, 0, f"the audit key file {key_path(AUDIT_KEY_NAME)} is missing: restore it from backup"
        )
    return verify_rows(audit_key(), _rows(), head)
