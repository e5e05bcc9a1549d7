from __future__ import annotations

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import SchoolFactory, TrustFactory


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
