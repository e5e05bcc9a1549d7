from __future__ import annotations

from django.db import InterfaceError, OperationalError


class PolicyRefusal(Exception):
    """The policy forbids what was asked. Each problem names its clause, e.g. '7.1: no approved DPIA …'."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


# The database cannot be reached just now (PostgreSQL restarting or its session killed; SQLite locked by
# another writer past the busy timeout). Long-running processes wait for it rather than fail for good; a
# web request gets a "try again shortly" page (issue 11 §7).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
