"""The one command-line entry point: `watchkeeper <command>` runs the Django management command of that name.

`watchkeeper audit verify` and other two-word forms map onto commands such as `audit` with a sub-command.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "watchkeeper.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["watchkeeper", *argv])
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
