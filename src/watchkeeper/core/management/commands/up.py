"""`watchkeeper up`: everything the embedded default runs, in one command (what `make run` uses).

Starts the recorder and the job worker as child processes (and, with --simulate, the simulated cameras),
serves the web app in this process, and stops the children when the server stops (Ctrl-C or SIGTERM).
"""

from __future__ import annotations

import signal
import subprocess
import sys
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from watchkeeper.core.data_dir import correct_at_start
from watchkeeper.core.demo import SIMULATED_CAMERAS


def _child(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "watchkeeper.cli", *args])


class Command(BaseCommand):
    help = "Run the web server with the recorder and job worker (and simulated cameras with --simulate)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--simulate", action="store_true", help="serve the demo's simulated cameras")
        parser.add_argument("--no-record", action="store_true", help="do not start the recorder")

    def handle(self, *args: Any, **options: Any) -> None:
        correct_at_start(self.stderr.write)  # before the children start writing
        children = []
        if options["simulate"]:
            children.append(_child("simulate-cameras", "--count", str(SIMULATED_CAMERAS)))
        if not options["no_record"]:
            children.append(_child("record"))
        if apps.is_installed("watchkeeper.jobs"):
            children.append(_child("worker"))
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            call_command("serve", port=options["port"])
        except KeyboardInterrupt:
            pass
        finally:
            _stop(children)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the server like Ctrl-C, so the children are stopped too


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        child.terminate()
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
