"""Who is acting. Views pass request.user; jobs, the recorder and server-side CLI commands act as SYSTEM."""

from __future__ import annotations

from typing import Any


class SystemActor:
    """The installation itself, acting through a command run on the server by its operator."""

    is_authenticated = False
    is_active = True
    pk = None

    def get_username(self) -> str:
        return "system"

    def __str__(self) -> str:
        return "system"


SYSTEM = SystemActor()


def is_system(actor: Any) -> bool:
    return actor is SYSTEM
