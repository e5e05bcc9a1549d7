"""Defence in depth for 2FA: a signed-in person who holds a role that can see footage or authorise, but
whose session was not verified with a TOTP code (say, a role granted since they signed in), is signed out.
After single sign-on the same holds, unless the trust accepted the provider's multi-factor sign-in."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from watchkeeper.people.services import needs_second_factor
from watchkeeper.people.sso import PROVIDER_MFA_KEY


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()  # type: ignore[union-attr,attr-defined]
            # The trust may accept the identity provider's multi-factor sign-in instead (people/sso.py).
            and not request.session.get(PROVIDER_MFA_KEY)
            and needs_second_factor(user)  # type: ignore[arg-type]
        ):
            logout(request)
            messages.warning(
                request, "Your roles need a second factor: sign in again with your authenticator code."
            )
            return redirect("people:login")
        return self.get_response(request)
