from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from watchkeeper.core.demo import build_demo


class Command(BaseCommand):
    help = "Create the demo trust (idempotent) and write its log-ins to <data dir>/demo-credentials.txt."

    def handle(self, *args: Any, **options: Any) -> None:
        created, path = build_demo()
        self.stdout.write("Demo trust created." if created else "Demo trust already exists: nothing changed.")
        self.stdout.write(f"Demo log-ins (with TOTP secrets): {path}")
