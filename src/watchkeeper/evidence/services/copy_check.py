"""The daily copy check (13.2; design/evidence.md "Stored copies"): copies due for deletion soon or overdue,
flagged once each for the Headteacher and the DPO; files of deleted copies that a crash left behind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import QuerySet

from watchkeeper.core.actors import SYSTEM, Actor
from watchkeeper.core.clauses import enforces
from watchkeeper.core.permissions import restrict
from watchkeeper.estate.models import School
from watchkeeper.evidence import storage
from watchkeeper.evidence.models import Download, Kind
from watchkeeper.evidence.services.actions import COPY_DUE, COPY_OVERDUE, EXTEND
from watchkeeper.evidence.services.copies import audit_copy, iso_or_none, stored_path

# 13.2: a copy is flagged this many days before its keep-until date.
REMINDER_DAYS = 14


def copy_state(expires_on: date | None, today: date) -> str | None:
    """ "overdue" past the keep-until date, "due" within REMINDER_DAYS of it, else None."""
    if expires_on is None:
        return None
    if expires_on < today:
        return "overdue"
    if expires_on - timedelta(days=REMINDER_DAYS) <= today:
        return "due"
    return None


@dataclass
class CopyCheck:
    due: int = 0
    overdue: int = 0
    files_removed: int = 0

    def summary(self) -> str:
        return (
            f"{self.due} copy(ies) newly due for deletion within {REMINDER_DAYS} days, {self.overdue} newly "
            f"overdue (13.2); {self.files_removed} file(s) of deleted copies removed."
        )


def stored_copies() -> QuerySet[Download]:
    return Download.objects.filter(kind=Kind.PACKAGE, deleted_at=None)


@enforces("13.2", "R14")
def check_copies(today: date) -> CopyCheck:
    """Flag copies newly due (reminder) or overdue, once each, audited for the Headteacher and DPO; remove
    the files of deleted copies a crash left behind."""
    result = CopyCheck()
    for download in stored_copies().exclude(expires_on=None).select_related("school"):
        state = copy_state(download.expires_on, today)
        if state == "due" and download.reminded_on is None:
            _flag(download, "reminded_on", COPY_DUE, today)
            result.due += 1
        elif state == "overdue" and download.overdue_on is None:
            _flag(download, "overdue_on", COPY_OVERDUE, today)
            result.overdue += 1
    for download in Download.objects.filter(kind=Kind.PACKAGE).exclude(deleted_at=None):
        path = stored_path(download)
        if download.package_file and path.exists() and storage.delete_copy(path):
            result.files_removed += 1
    return result


def _flag(download: Download, field: str, action: str, today: date) -> None:
    with transaction.atomic():
        setattr(download, field, today)
        download.save(update_fields=[field])
        details = {"expires_on": iso_or_none(download.expires_on), "file": download.package_file}
        audit_copy(action, SYSTEM, download, details)


def flagged_copies(user: Actor, today: date, school: School | None = None) -> QuerySet[Download]:
    """Stored copies due within REMINDER_DAYS or overdue, for the Headteacher's and DPO's pages."""
    soon = today + timedelta(days=REMINDER_DAYS)
    copies = restrict(stored_copies().filter(expires_on__lte=soon), user, EXTEND)
    return (copies if school is None else copies.filter(school=school)).select_related("school", "request")
