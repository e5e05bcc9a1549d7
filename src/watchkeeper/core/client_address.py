"""The person's network address, taken from a reverse proxy only when the proxy is one we trust (issue 14 §4).

Behind a proxy every request comes from the proxy's address, so lock-outs (django-axes, 9.2), the sign-in
records and the audit log (16, R10) would all see one address. The proxy adds the client's address to
X-Forwarded-For, but any client can send that header too: it is read only when the connection itself comes
from an address in settings.WATCHKEEPER_TRUSTED_PROXIES, and then from the right, skipping our own proxies,
so that what a client wrote at the left of the header cannot choose the address a lock-out counts against.
Every place that wants the client's address calls `client_address(request)`; nothing else reads REMOTE_ADDR.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(entries: Iterable[str]) -> list[Network]:
    """'10.0.0.5' or '10.0.0.0/24' (IPv4 or IPv6) to networks; a ValueError names a bad entry."""
    found = []
    for entry in entries:
        try:
            found.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or network") from None
    return found


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(address.strip())
    except ValueError:
        return None


def is_trusted(address: str, trusted: Sequence[Network]) -> bool:
    ip = _parse(address)
    return ip is not None and any(ip in network for network in trusted)


def address_from(remote: str, forwarded_for: str, trusted: Sequence[Network]) -> str:
    """The client's address, decided from the connection's address and the X-Forwarded-For header alone.

    Only a trusted connection's header counts. Read from the right, each hop was added by the hop after it:
    the first address that is not one of our proxies is the client. A value that is not an address stops
    the walk at the last hop we trust (the proxy that passed it on), never at what a client wrote."""
    if not forwarded_for or not is_trusted(remote, trusted):
        return remote
    nearest = remote
    for hop in reversed([part.strip() for part in forwarded_for.split(",")]):
        if _parse(hop) is None:
            return nearest
        if not is_trusted(hop, trusted):
            return hop
        nearest = hop
    return nearest  # every hop is one of ours: the left-most is as near the client as we can tell


def client_address(request: HttpRequest | Any | None) -> str:
    """The address of the person making this request (also django-axes' AXES_CLIENT_IP_CALLABLE)."""
    if request is None:
        return ""
    meta = getattr(request, "META", {})
    trusted = networks(settings.WATCHKEEPER_TRUSTED_PROXIES)
    return address_from(meta.get("REMOTE_ADDR", ""), meta.get("HTTP_X_FORWARDED_FOR", ""), trusted)


def forwarded_from_trusted(request: HttpRequest) -> bool:
    """Whether headers a proxy sets (X-Forwarded-Proto and the like) may be believed for this request."""
    return is_trusted(request.META.get("REMOTE_ADDR", ""), networks(settings.WATCHKEEPER_TRUSTED_PROXIES))


class ProxyHeadersMiddleware:
    """First in the chain: drops the proxy's HTTPS header (SECURE_PROXY_SSL_HEADER) from a request that did
    not come through a trusted proxy, so a client on the school network cannot claim HTTPS it does not have
    (and so get secure cookies set, or skip the redirect to HTTPS)."""

    def __init__(self, get_response: Any):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
        if header and not forwarded_from_trusted(request):
            request.META.pop(header[0], None)
        return self.get_response(request)
