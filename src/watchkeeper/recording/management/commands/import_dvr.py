"""`watchkeeper import-dvr CAMERA_ID FILE --clock-offset-ms N [--start ISO8601]`: minibus footage (5.2)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from watchkeeper.core.actors import SYSTEM
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.estate.models import Camera
from watchkeeper.recording.dvr import DvrImportError, import_dvr


class Command(BaseCommand):
    help = (
        "Import a minibus DVR file (MP4 or MPEG-TS, H.264) for a minibus camera, stored exactly as "
        "recordings are. All of it is imported or, on any error, none of it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("camera_id", type=int, help="the minibus camera's id")
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--clock-offset-ms",
            type=int,
            required=True,
            help="the DVR's clock minus the true time, in milliseconds (positive: the DVR runs fast)",
        )
        parser.add_argument(
            "--start",
            help="when the file starts on the DVR's clock (ISO 8601; without a zone: local time); "
            "defaults to the file's creation_time tag",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        camera = Camera.objects.select_related("school", "vehicle").filter(pk=options["camera_id"]).first()
        if camera is None:
            raise CommandError(f"there is no camera {options['camera_id']}")
        try:
            result = import_dvr(
                SYSTEM,
                camera,
                options["file"],
                clock_offset_ms=options["clock_offset_ms"],
                now=timezone.now(),
                start=self._start(options["start"]),
            )
        except (DvrImportError, PolicyRefusal) as error:
            raise CommandError(f"nothing imported: {error}") from None
        self.stdout.write(
            f"imported {len(result.segments)} segment(s), {result.frames} frames, "
            f"{result.bytes / 1e6:.1f} MB for {camera.name} ({camera.vehicle}): "
            f"{result.start.isoformat()} to {result.end.isoformat()} "
            f"(DVR clock offset {options['clock_offset_ms']} ms)"
        )

    @staticmethod
    def _start(given: str | None) -> datetime | None:
        if not given:
            return None
        try:
            return datetime.fromisoformat(given)
        except ValueError:
            raise CommandError(f"--start {given!r} is not an ISO 8601 date-time") from None
