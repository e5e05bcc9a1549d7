"""Who is acting. Views pass request.user; jobs, the recorder and server-side CLI commands act as SYSTEM.

Every service takes an `Actor` and, where only a person may act, turns it into a `Person` with
`require_person` (one check, one refusal) instead of testing `is_authenticated` itself.
"""

from __future__ import annotations

from typing import TypeAlias, TypeGuard

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied


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

# A signed-in member of staff (Django's user model: settings.AUTH_USER_MODEL is auth.User).
Person: TypeAlias = User
# Whoever a service is called for: a person, someone not signed in (a view's request.user), or SYSTEM.
Actor: TypeAlias = User | AnonymousUser | SystemActor


def is_system(actor: object) -> bool:
    return actor is SYSTEM


def is_person(actor: object) -> TypeGuard[Person]:
    """A signed-in, active member of staff (not SYSTEM, not anonymous)."""
    return isinstance(actor, User) and actor.is_authenticated and actor.is_active


def require_person(actor: object, why: str) -> Person:
    """The actor as a person, or PermissionDenied with `why` ("9.2: only a signed-in member of staff may
    …"): the steps that need a person's judgement, second factor or name on the record."""
    if not is_person(actor):
        raise PermissionDenied(why)
    return actor


def person_or_none(actor: object) -> Person | None:
    """For the "by" columns of a record: the person, or None when SYSTEM (or nobody) acted."""
    return actor if is_person(actor) else None
