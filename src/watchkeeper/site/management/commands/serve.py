"""`watchkeeper serve`: the web app with waitress (also what `watchkeeper up` runs)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


def server_options(host: str, port: int, threads: int) -> dict[str, Any]:
    """waitress's options. A request body over WATCHKEEPER_MAX_REQUEST_BYTES is answered 413 before Django
    reads it (issue 14 §4; waitress's own default is 1 GB), so nobody can fill memory or the temporary
    folder. Behind a proxy, the proxy sets the same limit (design/deployment.md)."""
    return {
        "host": host,
        "port": port,
        "threads": threads,
        "ident": "watchkeeper",
        "max_request_body_size": settings.WATCHKEEPER_MAX_REQUEST_BYTES,
    }


class Command(BaseCommand):
    help = "Serve Watchkeeper over HTTP with waitress (the embedded default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve

        from watchkeeper.recording.data_dir import correct_at_start
        from watchkeeper.site.served_url import settle
        from watchkeeper.wsgi import application

        correct_at_start(self.stderr.write)
        host, port = options["host"], options["port"]
        settle(host, port, lambda line: self.stderr.write(f"watchkeeper serve: {line}"))
        self.stdout.write(f"Watchkeeper serving http://{host}:{port}/  (data dir {settings.DATA_DIR})")
        self.stdout.flush()
        serve(application, **server_options(host, port, options["threads"]))
