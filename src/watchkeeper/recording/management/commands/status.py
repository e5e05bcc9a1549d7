"""`watchkeeper status [--json]`: what the recorder is doing, per camera, and how full the storage is."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from watchkeeper.recording.status import status


class Command(BaseCommand):
    help = "Per camera: state, last segment, segment count and bytes; storage totals and days until full."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        report = status(timezone.now())
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
            return
        for camera in report["cameras"]:
            self.stdout.write(
                f"{camera['school']} / {camera['name']}: {camera['state']}"
                f"{' (' + camera['detail'] + ')' if camera['detail'] else ''}; "
                f"{camera['segments']} segments, {camera['bytes'] / 1e6:.1f} MB, "
                f"last {camera['last_segment_end']}"
            )
        storage = report["storage"]
        days = storage["days_until_full"]
        self.stdout.write(
            f"storage: {storage['bytes'] / 1e9:.2f} GB in {storage['segments']} segments; "
            f"{storage['disk_free'] / 1e9:.1f} GB free"
            + (f", full in {days} days at the current rate" if days is not None else "")
        )
