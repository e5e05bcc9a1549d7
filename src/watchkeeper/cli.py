"""The one command-line entry point: `watchkeeper <command>` runs the Django management command of that name.

`watchkeeper audit verify` and other two-word forms map onto commands such as `audit` with a sub-command;
hyphens in a command name become underscores (`demo-code` runs `demo_code`).
"""

from __future__ import annotations

import os
import sys

from watchkeeper.core.private_files import private_umask

# `watchkeeper check` is the storage check of the recording issue (index ↔ blobs ↔ hashes); Django's own
# system check stays reachable as `watchkeeper system-check` (and `python -m django check`), and
# `watchkeeper check --deploy` is Django's deployment check (issue 14 §4, design/deployment.md).
ALIASES = {"check": "check_storage", "system_check": "check"}


def main(argv: list[str] | None = None) -> None:
    # Before anything is created: what Watchkeeper writes is for its own user alone (issue 11 §4). The
    # settings set it again for processes that do not start here (a WSGI server).
    private_umask()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "watchkeeper.settings")
    from django.db.utils import OperationalError, ProgrammingError

    from watchkeeper.env import SettingError

    try:
        _run(argv)
    except SettingError as error:
        sys.exit(f"watchkeeper: configuration error: {error}")
    except (OperationalError, ProgrammingError) as error:
        if "no such table" in str(error) or "does not exist" in str(error):
            sys.exit("watchkeeper: the database is not set up yet: run `watchkeeper migrate` first")
        sys.exit(f"watchkeeper: database error: {error}")


def _run(argv: list[str] | None) -> None:
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["watchkeeper", *argv])
    if len(args) > 1 and not args[1].startswith("-"):
        # `watchkeeper simulate-cameras` runs the Django command simulate_cameras.
        name = args[1].replace("-", "_")
        args[1] = "check" if name == "check" and "--deploy" in args else ALIASES.get(name, name)
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
