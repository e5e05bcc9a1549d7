"""Abuse limits of the public forms, without outside services: pure decisions with the clock passed in."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from django.conf import settings

# A family may send a request for each child; a script may not flood the SAR inbox.
PER_ADDRESS = 5
PERIOD = timedelta(hours=1)
# The largest body a public form accepts: its fields' limits plus room for the form's own names.
MAX_BODY_BYTES = 16 * 1024


def client_key(address: str) -> str:
    """A keyed digest of the client's address: enough to count, useless to anyone reading the database."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, b"public-form:" + address.encode(), hashlib.sha256).hexdigest()


def since(now: datetime) -> datetime:
    return now - PERIOD


def over_limit(recent: int) -> bool:
    return recent >= PER_ADDRESS


def too_large(content_length: str | None) -> bool:
    try:
        return int(content_length or 0) > MAX_BODY_BYTES
    except ValueError:
        return True
