from __future__ import annotations

import os

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.factories import SchoolFactory, TrustFactory

# The browser tests' Playwright (sync API) keeps an event loop in the worker process for the session; with
# two workers (tests/parallel.py) Django's database tests can run after it in the same process, and Django
# would then take them for async code. Playwright's loop never touches the database.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Property-based tests (tests/properties, issue 14 §6). "ci", the default, bounds their time in `make test`:
# 50 examples a property, no per-example deadline (a shared CI machine is slow at times, and a slow example
# is not a failure), no example database written into the checkout. HYPOTHESIS_PROFILE=deep searches
# harder before a release or after changing a parser.
hypothesis_settings.register_profile(
    "ci", max_examples=50, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.register_profile("deep", max_examples=2000, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def trust():
    return TrustFactory()


@pytest.fixture
def school(trust):
    return SchoolFactory(trust=trust, name="Northfield Primary")


@pytest.fixture
def other_school(trust):
    return SchoolFactory(trust=trust, name="Southgate Academy")


def sign_in(client: Client, user) -> Client:
    """Log in as `user` with a verified second factor, as the real log-in form does."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def signed_in(client):
    return lambda user: sign_in(client, user)


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings):  # type: ignore[no-untyped-def]
    """Argon2 (the product's hasher) is slow by design, and the suite creates thousands of accounts: tests
    hash with MD5 instead. Servers the tests start (browser, CLI) keep the product's settings."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
