"""Stored copies' routine decisions taken together with one fresh code (issue 15 §4, core/together.py):
deleting copies (Appendix I) and keeping copies longer (13.2). Each copy is checked as it would be alone,
then deleted or extended by the same service as alone, audited on its own."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from watchkeeper.core import together
from watchkeeper.core.action_words import not_permitted
from watchkeeper.core.actors import Actor
from watchkeeper.core.clauses import enforces
from watchkeeper.core.permissions import can
from watchkeeper.evidence.models import Download
from watchkeeper.evidence.services.actions import EXTEND
from watchkeeper.evidence.services.copies import (
    NOT_DELETABLE,
    authorise_deletion,
    deletable,
    extend_copy,
    extension_problems,
)
from watchkeeper.people.deciders import deletion_authority


@enforces("Appendix I", "9.5")
def delete_copies_together(
    actor: Actor, downloads: Sequence[Download], *, otp_code: str, now: datetime
) -> list[Download]:
    """The Headteacher's (or an alternate nominated for deletions) authorisation to delete each chosen
    copy, with one fresh code; each erased and audited (`evidence.copy_deleted`) as alone."""
    if downloads:  # Appendix I: refused before the code for someone who may not delete at the school
        deletion_authority(actor, downloads[0].school_id, now=now)
    return together.decide_together(
        actor,
        together.COPY_DELETION,
        downloads,
        code=otp_code,
        now=now,
        problems=lambda d: [] if deletable(d) else [NOT_DELETABLE],
        step=lambda d, fresh: authorise_deletion(actor, d, fresh, now=now),
    )


@enforces("13.2")
def extend_copies_together(
    actor: Actor,
    downloads: Sequence[Download],
    *,
    new_date: date,
    reason: str,
    asked_by: str,
    otp_code: str,
    now: datetime,
) -> list[Download]:
    """Keep each chosen copy until `new_date` for the same reason and asker (e.g. the police asked for all
    of one case's copies), with one fresh code; each audited (`evidence.copy_extended`) as alone."""
    today = timezone.localdate(now)

    def problems(download: Download) -> list[str]:
        if not can(actor, EXTEND, download.school_id):
            raise PermissionDenied(not_permitted(EXTEND))
        return extension_problems(download, new_date, reason, asked_by, today)

    return together.decide_together(
        actor,
        together.COPY_EXTENSION,
        downloads,
        code=otp_code,
        now=now,
        problems=problems,
        step=lambda d, _fresh: extend_copy(actor, d, new_date, reason, asked_by=asked_by, now=now),
    )
