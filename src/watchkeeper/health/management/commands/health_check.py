"""`watchkeeper health-check`: run the automatic camera checks once (12.1). The job runner runs the same
`health.services.run_health_checks` on its schedule."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from watchkeeper.health.services import run_health_checks


class Command(BaseCommand):
    help = "Check every active camera (stream, recording, picture, view) and open or close alerts (12.1)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", help="ISO date-time to check as of (testing); defaults to the current time"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run = run_health_checks(self._now(options["now"]))
        for line in run.opened:
            self.stdout.write(f"  opened: {line}")
        for line in run.closed:
            self.stdout.write(f"  closed: {line}")
        for line in run.errors:
            self.stderr.write(f"  error: {line}")
        self.stdout.write(run.summary())

    @staticmethod
    def _now(given: str | None) -> datetime:
        if not given:
            return timezone.now()
        try:
            moment = datetime.fromisoformat(given)
        except ValueError:
            raise CommandError(f"--now {given!r} is not an ISO date-time") from None
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
