"""`watchkeeper up`: everything the embedded default runs, in one command (what `make run` uses).

Starts the recorder and the job worker as child processes (and, with --simulate, the simulated cameras),
serves the web app in this process, and stops the children when the server stops (Ctrl-C or SIGTERM).
A child that ends while up is running is logged and started again after a back-off (issue 11 §7): 1 s,
doubling while it keeps dying, at most 60 s, back to 1 s once it has run for a minute.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError
from django.utils import timezone

from watchkeeper.recording.data_dir import correct_at_start
from watchkeeper.recording.recorder import announce_start
from watchkeeper.site.demo import SIMULATED_CAMERAS
from watchkeeper.site.served_url import settle

FIRST_BACKOFF = 1.0
MAX_BACKOFF = 60.0
STEADY_SECONDS = 60.0  # a child that ran this long before it ended starts again after FIRST_BACKOFF


class Component:
    """One child process (`watchkeeper <args>`) and its restart state."""

    def __init__(self, label: str, *args: str):
        self.label, self.args = label, args
        self.process: subprocess.Popen[bytes] | None = None
        self.started = 0.0
        self.backoff = FIRST_BACKOFF
        self.restart_at: float | None = None

    def start(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "watchkeeper.cli", *self.args])
        self.started = time.monotonic()


class Children:
    """Starts the components and keeps them running until `stop`."""

    def __init__(self, components: list[Component], say: Callable[[str], None]):
        self.components, self.say = components, say
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.watcher = threading.Thread(target=self._watch, name="up-watcher", daemon=True)

    def start(self) -> None:
        for component in self.components:
            component.start()
        self.watcher.start()

    def _watch(self) -> None:
        while not self.stopping.wait(0.5):
            with self.lock:
                if self.stopping.is_set():
                    return
                for component in self.components:
                    self._look_after(component, time.monotonic())

    def _look_after(self, component: Component, now: float) -> None:
        if component.restart_at is not None:
            if now >= component.restart_at:
                component.restart_at = None
                component.start()
                assert component.process is not None
                self.say(f"started the {component.label} again (pid {component.process.pid})")
            return
        assert component.process is not None
        code = component.process.poll()
        if code is None:
            return
        if now - component.started >= STEADY_SECONDS:
            component.backoff = FIRST_BACKOFF  # it had been running well: this is a new trouble
        delay, component.backoff = component.backoff, min(component.backoff * 2, MAX_BACKOFF)
        how = f"killed by signal {-code}" if code < 0 else f"exit status {code}"
        self.say(f"the {component.label} stopped unexpectedly ({how}); starting it again in {delay:.0f} s")
        component.restart_at = now + delay

    def stop(self) -> None:
        self.stopping.set()
        with self.lock:  # no restart can begin after this
            running = [
                c.process for c in self.components if c.process is not None and c.process.poll() is None
            ]
        for process in running:
            process.terminate()
        for process in running:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


class Command(BaseCommand):
    help = "Run the web server with the recorder and job worker (and simulated cameras with --simulate)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--simulate", action="store_true", help="serve the demo's simulated cameras")
        parser.add_argument("--no-record", action="store_true", help="do not start the recorder")

    def handle(self, *args: Any, **options: Any) -> None:
        correct_at_start(self.stderr.write)  # before the children start writing
        settle(options["host"], options["port"], lambda line: self.stderr.write(f"watchkeeper up: {line}"))
        components = []
        if options["simulate"]:
            components.append(
                Component("simulated cameras", "simulate-cameras", "--count", str(SIMULATED_CAMERAS))
            )
        if not options["no_record"]:
            self._announce_start()
            components.append(Component("recorder", "record"))
        if apps.is_installed("watchkeeper.jobs"):
            components.append(Component("job worker", "worker"))
        children = Children(components, lambda line: self.stderr.write(f"watchkeeper up: {line}"))
        children.start()
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            call_command("serve", host=options["host"], port=options["port"])
        except KeyboardInterrupt:
            pass
        finally:
            children.stop()

    def _announce_start(self) -> None:
        """Before the job worker's first health check can run (12.1). A database that is away does not stop
        `up`: the recorder announces itself, and records meanwhile, once the database is back."""
        try:
            announce_start(timezone.now())
        except DatabaseError as error:
            self.stderr.write(f"watchkeeper up: the database is away ({error}); the recorder will retry")


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the server like Ctrl-C, so the children are stopped too
