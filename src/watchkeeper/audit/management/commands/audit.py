from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from watchkeeper.audit.services import verify


class Command(BaseCommand):
    help = "Audit log tools. `audit verify` proves the hash chain intact or names the first broken event."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        verdict = verify()
        if not verdict.intact:
            raise CommandError(f"audit chain BROKEN: {verdict.problem}")
        self.stdout.write(f"audit chain intact: {verdict.count} events")
