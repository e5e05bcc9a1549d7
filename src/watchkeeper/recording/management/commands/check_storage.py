"""`watchkeeper check` (cli alias of check_storage): the recordings' index ↔ blob check (9.3)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from watchkeeper.recording import data_dir
from watchkeeper.recording.consistency import check
from watchkeeper.recording.storage import recorder_lock


class Command(BaseCommand):
    help = (
        "Check recordings: every index row has its blob, every blob its row, and every blob decrypts to its "
        "SHA-256. Repairs the safe cases; exits non-zero when anything is wrong."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quick", action="store_true", help="check presence and sizes, do not decrypt")

    def handle(self, *args: Any, **options: Any) -> None:
        # First, before the database is opened: SQLite gives its -wal and -shm files the database's mode.
        modes = data_dir.correct(recursive=True)
        with recorder_lock() as held:
            report = check(verify=not options["quick"], recorder_running=not held)
        report.repaired[:0] = modes.corrected
        report.problems += modes.failed
        if modes.corrected:
            report.problems.append(
                f"{len(modes.corrected)} path(s) in the data dir were readable by other local users (9.1); "
                "corrected to 0600 files in 0700 folders"
            )
        for line in report.notes:
            self.stdout.write(line)
        for line in report.repaired:
            self.stdout.write(f"repaired: {line}")
        for line in report.problems:
            self.stderr.write(f"PROBLEM: {line}")
        summary = f"recordings: {report.segments} segments, {report.verified} decrypted and verified"
        if not held:
            summary += " (a recorder is running: its work in progress was left alone)"
        if not report.clean:
            for draft in breach_drafts(report.problems):
                self.stderr.write(f"opened breach draft {draft.reference} for the DPO (15.1)")
            raise CommandError(f"{summary}; {len(report.problems)} problem(s)")
        self.stdout.write(f"{summary}; no problems")


def breach_drafts(problems: list[str]) -> list[Any]:
    """15.1: lost recordings (a row whose blob is missing) are a breach of availability; any other problem
    the check found (damaged blobs, files others could read) a storage-check draft. Each opens a draft for
    the DPO, once while undecided (breaches.services.open_draft)."""
    from watchkeeper.breaches.services import Evidence, open_draft

    lost = [p for p in problems if p.endswith("blob missing")]
    other = [p for p in problems if p not in lost]
    drafts = []
    for kind, found in (("footage_lost", lost), ("storage_check", other)):
        if found:
            key = hashlib.sha256("\n".join(sorted(found)).encode()).hexdigest()[:32]
            evidence = [Evidence(f"watchkeeper check: {line}") for line in found[:50]]
            details = "\n".join(found[:50]) + (f"\n… and {len(found) - 50} more" if len(found) > 50 else "")
            drafts.append(open_draft(kind, details, evidence, timezone.now(), source_key=f"{kind}:{key}"))
    return drafts
