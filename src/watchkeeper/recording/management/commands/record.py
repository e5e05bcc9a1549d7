"""`watchkeeper record`: record every camera that may record, until SIGTERM or Ctrl-C."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from watchkeeper.recording import conf
from watchkeeper.recording.data_dir import correct_at_start
from watchkeeper.recording.recorder import Supervisor
from watchkeeper.recording.storage import recorder_lock


class Command(BaseCommand):
    help = "Record every active camera whose gates are clear into encrypted segments (design/recording.md)."

    def handle(self, *args: Any, **options: Any) -> None:
        correct_at_start(self.stderr.write)
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        with recorder_lock() as held:
            if not held:
                raise CommandError("another recorder is already running on this data dir")
            self.stdout.write(
                f"recording into {conf.storage_dir()} ({conf.segment_seconds()} s segments); Ctrl-C to stop"
            )
            self.stdout.flush()
            Supervisor().run(stop)
        self.stdout.write("recorder stopped")
