from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from watchkeeper.site.demo import TRUST_NAME


class Command(BaseCommand):
    help = "Print the current authenticator code of a DEMO user (demo trust only), for trying the demo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        device = TOTPDevice.objects.filter(
            user__username=options["username"], user__staff__trust__name=TRUST_NAME, confirmed=True
        ).first()
        if device is None:
            raise CommandError(f"{options['username']!r} is not a user of the demo trust")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
        self.stdout.write(f"{code:0{device.digits}d}")
