"""`watchkeeper worker`: the job runner's consumer (huey), with the periodic tasks (design/jobs.md).

The queue is huey's SQLite file in the data dir (jobs.sqlite3), or Redis when WATCHKEEPER_REDIS_URL is
set. Options are huey's own (`watchkeeper worker --help`); defaults come from settings.HUEY["consumer"].
SIGINT stops it gracefully (running tasks finish); SIGTERM stops it at once (their records say
"Interrupted").
"""

from __future__ import annotations

import logging
from typing import Any

from huey.contrib.djhuey.management.commands.run_huey import Command as RunHuey


class Command(RunHuey):
    help = "Run the job worker: queued jobs and the schedule (retention sweep hourly, disk checks)."

    def handle(self, *args: Any, **options: Any) -> None:
        from huey.contrib.djhuey import HUEY

        from watchkeeper.recording.data_dir import correct_at_start

        correct_at_start(self.stderr.write)
        self.stdout.write(f"watchkeeper worker: {type(HUEY).__name__} queue {HUEY.name!r}", ending="\n")
        self.stdout.flush()
        # huey gives its logger a handler of its own; without this every line would also reach the root
        # console handler (settings.LOGGING) and be printed twice.
        logging.getLogger("huey").propagate = False
        super().handle(*args, **options)
