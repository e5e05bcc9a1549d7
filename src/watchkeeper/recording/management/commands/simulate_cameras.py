"""`watchkeeper simulate-cameras --count N [--port 8554]`: serve N simulated RTSP cameras until stopped."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from watchkeeper.recording.simulator import ensure_scene_clip, start_simulator, stream_url, wait_until_serving


class Command(BaseCommand):
    help = (
        "Serve simulated H.264 cameras at rtsp://127.0.0.1:PORT/cam1..camN (a looped clip of a playground "
        "with people in it, no re-encoding)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=4)
        parser.add_argument("--port", type=int, default=8554)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["count"] < 1:
            raise CommandError("--count must be at least 1")
        clip = ensure_scene_clip(Path(settings.DATA_DIR) / "simulator")
        process = start_simulator(clip, options["count"], options["port"])
        try:
            wait_until_serving(process, options["port"])
        except RuntimeError as error:
            process.terminate()
            raise CommandError(str(error)) from None
        last = stream_url(options["port"], options["count"])
        self.stdout.write(f"serving {stream_url(options['port'], 1)} … {last}; Ctrl-C to stop", ending="\n")
        self.stdout.flush()
        signal.signal(signal.SIGTERM, lambda *_: process.terminate())
        try:
            process.wait()
        except KeyboardInterrupt:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
