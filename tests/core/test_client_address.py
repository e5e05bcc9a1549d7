"""The client's address behind a reverse proxy (issue 14 §4, 9.2, 16): X-Forwarded-For counts only when the
connection comes from a trusted proxy, read from the right; lock-outs (django-axes), sign-in records and the
audit log all take the address from the one helper."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import Client

from tests.factories import PASSWORD, person
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.client_address import address_from, networks
from watchkeeper.people.models import Role

PROXY = "10.0.0.5"
TRUSTED = networks(["10.0.0.5", "fd00::/8"])


def test_an_untrusted_clients_forwarded_for_is_ignored() -> None:
    assert address_from("192.0.2.10", "203.0.113.7", TRUSTED) == "192.0.2.10"


def test_a_trusted_proxys_forwarded_for_gives_the_client() -> None:
    assert address_from(PROXY, "203.0.113.7", TRUSTED) == "203.0.113.7"


def test_the_right_most_untrusted_address_wins_over_what_the_client_wrote() -> None:
    # The client sent "X-Forwarded-For: 1.2.3.4"; our proxy appended the address it saw.
    assert address_from(PROXY, "1.2.3.4, 203.0.113.7", TRUSTED) == "203.0.113.7"


def test_our_own_proxies_in_the_chain_are_skipped() -> None:
    assert address_from(PROXY, "203.0.113.7, fd00::2", TRUSTED) == "203.0.113.7"
    assert address_from(PROXY, "10.0.0.5", TRUSTED) == "10.0.0.5"


def test_a_value_that_is_not_an_address_stops_at_the_last_trusted_hop() -> None:
    assert address_from(PROXY, "203.0.113.7, not-an-address", TRUSTED) == PROXY
    assert address_from(PROXY, "garbage, fd00::2", TRUSTED) == "fd00::2"


def test_no_trusted_proxies_means_the_header_never_counts() -> None:
    assert address_from(PROXY, "203.0.113.7", []) == PROXY


def test_networks_refuses_a_bad_entry() -> None:
    with pytest.raises(ValueError, match="'proxy.local' is not an IP address"):
        networks(["proxy.local"])


def _failed_sign_in(client: Client, username: str, remote: str, forwarded: str) -> None:
    client.post(
        "/login/",
        {"username": username, "password": PASSWORD + "x", "otp_token": ""},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.mark.django_db
@pytest.mark.clause("9.2")
def test_spoofed_forwarded_for_from_an_untrusted_client_is_ignored(client, settings, school) -> None:
    settings.WATCHKEEPER_TRUSTED_PROXIES = [PROXY]
    head = person(Role.HEADTEACHER, school)
    _failed_sign_in(client, head.username, "192.0.2.10", "203.0.113.7")
    assert AccessAttempt.objects.get(username=head.username).ip_address == "192.0.2.10"
    assert AuditEvent.objects.get(action="people.sign_in_failed").details["ip"] == "192.0.2.10"


@pytest.mark.django_db
@pytest.mark.clause("9.2")
def test_forwarded_for_from_a_trusted_proxy_is_the_persons_address(client, settings, school) -> None:
    settings.WATCHKEEPER_TRUSTED_PROXIES = [PROXY]
    head = person(Role.HEADTEACHER, school)
    _failed_sign_in(client, head.username, PROXY, "1.2.3.4, 203.0.113.7")
    assert AccessAttempt.objects.get(username=head.username).ip_address == "203.0.113.7"
    assert AuditEvent.objects.get(action="people.sign_in_failed").details["ip"] == "203.0.113.7"


@pytest.mark.django_db
def test_a_lock_out_behind_the_proxy_locks_out_one_person_not_the_school(client, settings, school) -> None:
    """Before issue 14 every failure counted against the proxy's address."""
    settings.WATCHKEEPER_TRUSTED_PROXIES = [PROXY]
    head = person(Role.HEADTEACHER, school)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _failed_sign_in(client, head.username, PROXY, "203.0.113.7")
    assert AccessAttempt.objects.filter(ip_address="203.0.113.7").count() == 1
    assert not AccessAttempt.objects.filter(ip_address=PROXY).exists()
    response = Client().post(
        "/login/",
        {"username": head.username, "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    assert "Too many failed sign-ins" not in response.content.decode()


@pytest.mark.django_db
def test_the_https_header_counts_only_from_a_trusted_proxy(client, settings) -> None:
    settings.WATCHKEEPER_TRUSTED_PROXIES = [PROXY]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    spoofed = client.get("/login/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_PROTO="https")
    assert spoofed.status_code == 301 and spoofed["Location"].startswith("https://")
    proxied = client.get("/login/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200


def test_only_the_helper_reads_the_connections_address() -> None:
    """One decision for every reader (lock-outs, sign-in records, the audit log): a new reader of REMOTE_ADDR
    or X-Forwarded-For elsewhere in src/ would trust a proxy's or a client's word on its own."""
    src = Path(__file__).resolve().parents[2] / "src" / "watchkeeper"
    readers = [
        str(path.relative_to(src))
        for path in src.rglob("*.py")
        if re.search(r"REMOTE_ADDR|X_FORWARDED_FOR|X-Forwarded-For", path.read_text())
    ]
    assert readers == ["core/client_address.py"]
