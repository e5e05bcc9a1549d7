from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from watchkeeper.site.demo import TRUST_NAME, build_demo
from watchkeeper.site.demo_package import add_demo_package


class Command(BaseCommand):
    help = "Create the demo trust (idempotent) and write its log-ins to <data dir>/demo-credentials.txt."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        created, path = build_demo(now)
        package = add_demo_package(TRUST_NAME, path, now)  # issue 5 §2: one sealed package to verify
        self.stdout.write("Demo trust created." if created else "Demo trust already exists: nothing changed.")
        if package is not None:
            self.stdout.write(f"Demo evidence package: {package} (its password is in {path.name})")
        self.stdout.write(f"Demo log-ins (with TOTP secrets): {path}")
