"""Tell people by e-mail that something waits on them (issue 15 §3).

A notice carries no personal data and no footage: a reference ("SAR-2026-0007") and a link to the page where
the thing is done. It leaves only once the change that caused it is saved (transaction.on_commit), so a
refused or rolled-back change tells nobody anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction


def notify(
    recipients: Iterable[Any], *, kind: str, reference: str, url: str, now: datetime, statutory: bool = False
) -> int:
    """E-mail each of `recipients` (people with an address) that `reference` waits on them at `url`.
    `kind` names the event ("breach.reported"); `statutory`: a legal deadline, sent whatever the person
    chose. Returns how many messages will leave."""
    addresses = sorted({person.email for person in recipients if getattr(person, "email", "")})
    subject = f"Watchkeeper: {reference} needs you"
    body = (
        f"{reference} is waiting for you in Watchkeeper ({kind}, {now:%d/%m/%Y %H:%M} UTC).\n\n"
        f"Open it here: {url}\n\nThis message says no more on purpose: sign in to see the details.\n"
    )
    for address in addresses:
        transaction.on_commit(partial(send_mail, subject, body, settings.DEFAULT_FROM_EMAIL, [address]))
    return len(addresses)
