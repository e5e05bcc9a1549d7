"""Ending a person's open sessions (issue 14 §1): when their account is deactivated, its sign-in reset, or
it is locked out after wrong passwords or wrong decision codes. Sessions live in the database (Django's
default session engine), so each open one is decoded and those signed in as the person are deleted: the
next request from any of their browsers finds itself signed out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.models import Session
from django.utils import timezone

from watchkeeper.core.actors import Person


def end_sessions(user: Person, *, now: datetime) -> int:
    """Delete every unexpired session signed in as `user`; returns how many ended."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=now).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def _locked_out(sender: object, username: str | None = None, **kwargs: Any) -> None:
    """django-axes locked out a user name (wrong passwords at sign-in, wrong current password, or wrong
    authenticator codes on decisions, all counted as failed log-ins): whoever is guessing may be sitting at
    one of the person's open sessions, so every one of them ends too."""
    user = get_user_model().objects.filter(username=username).first() if username else None
    if user is not None:
        end_sessions(user, now=timezone.now())


def connect() -> None:
    from axes.signals import user_locked_out

    user_locked_out.connect(_locked_out, dispatch_uid="watchkeeper-lockout-ends-sessions")
