"""`watchkeeper health-check`: run the automatic camera checks once (12.1). The job runner runs the same
`health.services.run_health_checks` on its schedule."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from watchkeeper.core.commands import now_option
from watchkeeper.health.services import run_health_checks


class Command(BaseCommand):
    help = "Check every active camera (stream, recording, picture, view) and open or close alerts (12.1)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", help="ISO date-time to check as of (testing); defaults to the current time"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run = run_health_checks(now_option(options["now"]))
        for line in run.opened:
            self.stdout.write(f"  opened: {line}")
        for line in run.closed:
            self.stdout.write(f"  closed: {line}")
        for line in run.errors:
            self.stderr.write(f"  error: {line}")
        self.stdout.write(run.summary())
