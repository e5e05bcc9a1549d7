"""The relying party for passkeys (issue 14 §3): the host name a passkey is bound to, and the one origin
whose assertions count. WATCHKEEPER_PUBLIC_URL names both when set (behind a proxy, the address people
type); otherwise the host the request came to, which Django has already checked against ALLOWED_HOSTS."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django_otp_webauthn.helpers import WebAuthnHelper


def relying_party(public_url: str, request_origin: str) -> tuple[str, str]:
    """(RP ID, origin): the public URL's when configured, else the request's. Pure, for the tests."""
    parts = urlsplit(public_url or request_origin)
    return parts.hostname or "", f"{parts.scheme}://{parts.netloc}"


def _of_request(request: HttpRequest) -> tuple[str, str]:
    return relying_party(settings.WATCHKEEPER_PUBLIC_URL, f"{request.scheme}://{request.get_host()}")


def rp_id(request: HttpRequest) -> str:
    """OTP_WEBAUTHN_RP_ID_CALLABLE."""
    return _of_request(request)[0]


class PasskeyHelper(WebAuthnHelper):
    def get_allowed_origins(self) -> list[str]:
        return [_of_request(self.request)[1]]
