"""Passkey pages and the WebAuthn endpoints behind them (issue 14 §3; people/passkeys.py).

django-otp-webauthn's own scripts run the ceremonies in the browser; its views are reused through
subclasses that audit, bind every assertion to one person and always require user verification. The glue
between its scripts and these pages is people/static/people/passkeys.js (no inline script).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware import csrf
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import JavaScriptCatalog
from django_otp import login as otp_login
from django_otp_webauthn import exceptions
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.utils import rewrite_exceptions
from django_otp_webauthn.views import (
    BaseWebAuthnView,
    BeginCredentialRegistrationView,
    CompleteCredentialRegistrationView,
)

from watchkeeper.people import passkeys, sign_ins

SIGN_IN_KEY = "watchkeeper_passkey_sign_in"
SIGN_IN_STATE = "watchkeeper_passkey_sign_in_state"
DECISION_STATE = "watchkeeper_passkey_decision_state"
# Between the password and the passkey: as long as the browser's own passkey prompt may take.
SIGN_IN_STEP_SECONDS = 5 * 60
FAILED = "That sign-in did not work. Start again with your user name and password."


def config(request: HttpRequest, begin: str, complete: str) -> dict[str, Any]:
    """django-otp-webauthn's script configuration (as its templatetags/otp_webauthn.py makes it), pointed at
    Watchkeeper's own endpoints."""
    return {
        "autocompleteLoginFieldSelector": None,  # no passwordless sign-in
        "nextFieldSelector": "input[name='next']",
        "csrfToken": csrf.get_token(request),
        "beginAuthenticationUrl": reverse(begin),
        "completeAuthenticationUrl": reverse(complete),
        "beginRegistrationUrl": reverse("people:passkey_register_begin"),
        "completeRegistrationUrl": reverse("people:passkey_register_complete"),
    }


# --- The holder's passkeys -------------------------------------------------------------------------------


@login_required
@require_GET
def passkey_list(request: HttpRequest) -> HttpResponse:
    context = {
        "passkeys": passkeys.passkeys_of(request.user),  # type: ignore[arg-type]
        "passkey_config": config(
            request, "people:passkey_decision_begin", "people:passkey_decision_complete"
        ),
    }
    return render(request, "people/passkeys.html", context)


@login_required
@require_POST
def passkey_remove(request: HttpRequest, pk: int) -> HttpResponse:
    # A refusal (not one of theirs) becomes the refused page (core/refusals.py).
    passkeys.remove_passkey(request.user, pk, now=timezone.now())  # type: ignore[arg-type]
    messages.success(request, "The passkey was removed. It no longer signs you in or confirms decisions.")
    return redirect("people:passkeys")


@method_decorator(never_cache, name="dispatch")
class RegisterBegin(BeginCredentialRegistrationView):
    """The package's view: signed in and verified with a second factor already, so a stolen password alone
    cannot add a passkey."""


@method_decorator(never_cache, name="dispatch")
class RegisterComplete(CompleteCredentialRegistrationView):
    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().post(*args, **kwargs)
            credential = WebAuthnCredential.objects.get(pk=json.loads(response.content)["id"])
            passkeys.record_registered(self.request.user, credential)  # type: ignore[arg-type]
        return response


# --- Signing in: the password first, then the passkey ---------------------------------------------------


def start_sign_in(request: HttpRequest, user: Any, username: str) -> HttpResponse:
    """From the sign-in page, when "Sign in with a passkey" was pressed: remember whose password was right
    (or that none was: the next page looks the same either way, so it does not tell whether the password
    was right) and go to the passkey step."""
    request.session[SIGN_IN_KEY] = {
        "user": user.pk if user is not None else None,
        "username": username,
        "at": timezone.now().isoformat(),
    }
    target = reverse("people:passkey_sign_in")
    next_url = request.GET.get("next", "")
    return redirect(f"{target}?next={next_url}" if next_url else target)


def pending_user(session_value: dict[str, Any] | None, now: datetime) -> int | None:
    """The person whose password was right, while the passkey step is still open. Pure, for the tests."""
    if not session_value or session_value.get("user") is None:
        return None
    started = datetime.fromisoformat(session_value["at"])
    if not started <= now <= started + timedelta(seconds=SIGN_IN_STEP_SECONDS):
        return None
    return int(session_value["user"])


@never_cache
@require_GET
def passkey_sign_in(request: HttpRequest) -> HttpResponse:
    if SIGN_IN_KEY not in request.session:
        return redirect("people:login")
    context = {
        "passkey_config": config(request, "people:passkey_sign_in_begin", "people:passkey_sign_in_complete")
    }
    return render(request, "people/passkey_sign_in.html", context)


def _assertion_options(request: HttpRequest, user: Any, state_key: str) -> JsonResponse:
    helper = WebAuthnCredential.get_webauthn_helper(request=request)
    # User verification always: the passkey stands for "something you know or are" as well as the device.
    data, state = helper.authenticate_begin(user=user, require_user_verification=True)
    request.session[state_key] = state
    return JsonResponse(data)


def _verified_credential(request: HttpRequest, user: Any, state_key: str) -> WebAuthnCredential:
    """The package's checks (challenge, origin, RP ID, signature count, user verification) for `user`'s
    own passkey; the state is removed first, so it serves once."""
    state = request.session.pop(state_key, None)
    request.session.save()
    if not state or not state.get("require_user_verification"):
        raise exceptions.InvalidState()
    helper = WebAuthnCredential.get_webauthn_helper(request=request)
    with rewrite_exceptions(logger=None):
        credential = helper.authenticate_complete(user=user, state=state, data=request.data)  # type: ignore[attr-defined]
    if not credential.confirmed or credential.user_id != user.pk or not user.is_active:
        raise exceptions.CredentialDisabled()
    return credential


class SignInFailed(exceptions.OTPWebAuthnApiError):
    status_code = 403
    code = "sign_in_failed"
    default_detail = FAILED


@method_decorator(never_cache, name="dispatch")
class SignInBegin(BaseWebAuthnView):
    def post(self, request: HttpRequest) -> HttpResponse:
        pk = pending_user(request.session.get(SIGN_IN_KEY), timezone.now())
        user = get_user_model().objects.filter(pk=pk, is_active=True).first() if pk else None
        if user is None or not passkeys.has_passkey(user):
            # No allowed credentials: the browser finds nothing to offer, and the step fails as below.
            return _assertion_options(request, None, SIGN_IN_STATE)
        return _assertion_options(request, user, SIGN_IN_STATE)


@method_decorator(never_cache, name="dispatch")
class SignInComplete(BaseWebAuthnView):
    def post(self, request: HttpRequest) -> HttpResponse:
        pending = request.session.get(SIGN_IN_KEY) or {}
        pk = pending_user(pending, timezone.now())
        user = get_user_model().objects.filter(pk=pk, is_active=True).first() if pk else None
        if user is None:
            self._failed(request, pending)
        try:
            credential = _verified_credential(request, user, SIGN_IN_STATE)
        except exceptions.OTPWebAuthnApiError:
            self._failed(request, pending)
        request.session.pop(SIGN_IN_KEY, None)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        otp_login(request, credential)
        return JsonResponse({"id": credential.pk, "redirect_url": _next(request)})

    @staticmethod
    def _failed(request: HttpRequest, pending: dict[str, Any]) -> None:
        """Counted as a failed log-in (django-axes; audited), and the step is over."""
        username = str(pending.get("username", ""))
        request.session.pop(SIGN_IN_KEY, None)
        user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
        sign_ins.record_failed_sign_in(username, sign_ins.ip_of(request))
        raise SignInFailed()


def _next(request: HttpRequest) -> str:
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


# --- A decision confirmed with a passkey ----------------------------------------------------------------


class NotSignedIn(exceptions.OTPWebAuthnApiError):
    status_code = 403
    code = "not_signed_in"
    default_detail = "Sign in first."


@method_decorator(never_cache, name="dispatch")
class DecisionBegin(BaseWebAuthnView):
    def post(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            raise NotSignedIn()
        return _assertion_options(request, request.user, DECISION_STATE)


@method_decorator(never_cache, name="dispatch")
class DecisionComplete(BaseWebAuthnView):
    """Answers with the single-use code the page puts in the decision form's code field."""

    def post(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            raise NotSignedIn()
        credential = _verified_credential(request, request.user, DECISION_STATE)
        code = passkeys.issue_decision_code(request.user, credential, now=timezone.now())  # type: ignore[arg-type]
        return JsonResponse({"id": code})


urlpatterns = [
    path("login/passkey/", passkey_sign_in, name="passkey_sign_in"),
    path("login/passkey/begin/", SignInBegin.as_view(), name="passkey_sign_in_begin"),
    path("login/passkey/complete/", SignInComplete.as_view(), name="passkey_sign_in_complete"),
    path("account/passkeys/", passkey_list, name="passkeys"),
    path("account/passkeys/<int:pk>/remove/", passkey_remove, name="passkey_remove"),
    path("account/passkeys/register/begin/", RegisterBegin.as_view(), name="passkey_register_begin"),
    path("account/passkeys/register/complete/", RegisterComplete.as_view(), name="passkey_register_complete"),
    path("account/passkeys/confirm/begin/", DecisionBegin.as_view(), name="passkey_decision_begin"),
    path("account/passkeys/confirm/complete/", DecisionComplete.as_view(), name="passkey_decision_complete"),
    path(
        "account/passkeys/jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="passkey_jsi18n",
    ),
]
