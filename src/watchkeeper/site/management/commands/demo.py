from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
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
        self.stdout.write(mail_line())


def mail_line() -> str:
    """Where the demo's e-mail notices went (issue 15 §3): the mail folder, made here so that it is there to
    open even before the first notice, unless a real SMTP server was named."""
    if settings.WATCHKEEPER_SMTP_HOST:
        return f"E-mail notices go to the SMTP server {settings.WATCHKEEPER_SMTP_HOST}."
    folder = Path(settings.EMAIL_FILE_PATH)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return f"E-mail notices (written as files, reference and link only): {folder}"
