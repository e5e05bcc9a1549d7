"""`watchkeeper retention run [--dry-run]`: erase footage past its camera's retention unless held (13.1)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from watchkeeper.core.commands import now_option
from watchkeeper.recording.retention import sweep


class Command(BaseCommand):
    help = "Erase every segment past its camera's retention (at most 30 days) unless a hold covers it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", choices=["run"])
        parser.add_argument("--dry-run", action="store_true", help="say what would be erased; change nothing")
        parser.add_argument(
            "--now", help="ISO date-time to sweep as of (testing and rehearsal); defaults to the current time"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = now_option(options["now"])
        result = sweep(now, dry_run=options["dry_run"])
        verb = "would erase" if options["dry_run"] else "erased"
        self.stdout.write(
            f"{verb} {result.erased} recording file(s), {result.bytes / 1e6:.1f} MB; "
            f"{result.held} past retention kept by holds"
        )
        for camera_id, entry in sorted(result.ranges.items()):
            self.stdout.write(
                f"  camera {camera_id}: {entry['erased']} from {entry['from']} to {entry['to']}"
            )
