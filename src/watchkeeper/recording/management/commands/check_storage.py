"""`watchkeeper check` (cli alias of check_storage): the recordings' index ↔ blob check (9.3)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

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
            raise CommandError(f"{summary}; {len(report.problems)} problem(s)")
        self.stdout.write(f"{summary}; no problems")
