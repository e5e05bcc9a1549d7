"""Fixtures for viewing tests: real segments in a per-test data dir, a school with its people."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.viewing.footage import clip_segments, make_clip
from watchkeeper.viewing.models import Status, ViewingAuthorisation

# Footage recorded an hour ago, so windows around it are in the past.
RECORDED = (timezone.now() - timedelta(hours=1)).replace(microsecond=0).astimezone(UTC)


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """These tests sign people in with force_login and make dozens of them: argon2 (tested by the people
    app) would spend most of the run hashing passwords nobody types."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def pieces(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[bytes, float]]:
    """Six 2-second segments of real H.264 in fragmented MP4, muxed by the recording app."""
    return clip_segments(make_clip(tmp_path_factory.mktemp("viewing-clip")))


def code_for(user: Any, steps_ahead: int = 0) -> str:
    """The user's authenticator code now (or `steps_ahead` steps on: django-otp allows one step of drift,
    so a code is available at once even when the current one was used to sign in)."""
    device = TOTPDevice.objects.get(user=user)
    calculator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    calculator.time = time.time() + steps_ahead * device.step
    return f"{calculator.token():0{device.digits}d}"


def wrong_code_for(user: Any) -> str:
    """A code that is none of those django-otp would accept now (the current step and one either side)."""
    accepted = {code_for(user, steps) for steps in (-1, 0, 1)}
    return next(c for c in (f"{n:06d}" for n in range(123456, 1_000_000)) if c not in accepted)


def approved(
    requester: Any,
    cameras: list[Any],
    start: datetime,
    end: datetime,
    decider: Any = None,
    expires_in: timedelta = timedelta(days=7),
) -> ViewingAuthorisation:
    """An approved authorisation built directly (the services are tested in test_services.py)."""
    now = timezone.now()
    auth = ViewingAuthorisation.objects.create(
        school=cameras[0].school,
        start=start,
        end=end,
        reason_category="safeguarding",
        reason="Reported incident at the gate",
        requested_by=requester,
        requested_at=now,
        status=Status.APPROVED,
        decided_by=decider,
        decided_at=now,
        expires_at=now + expires_in,
    )
    auth.cameras.set(cameras)
    return auth
