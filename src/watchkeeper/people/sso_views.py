"""The single sign-on pages (people/sso.py; design/roles.md "Single sign-on"): start a sign-in, link one's own
account (signed in, or with one's invitation), the provider's callback, the Watchkeeper second factor after
SSO, and removing one's link."""

from __future__ import annotations

from typing import Any

import jwt
import requests
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.refusals import refused_page
from watchkeeper.people import invitations, sign_ins, sso
from watchkeeper.people.services import needs_second_factor

PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"
PENDING_SECONDS = 300  # the Watchkeeper code must follow the provider's sign-in within five minutes
FAILED = "Single sign-on did not work: {reason}."
LINKED = {
    "account": "Your school account is linked: you can now sign in with it.",
    "invitation": "Your school account is linked. Now finish setting up your account below.",
}


class _RequestView(OIDCAuthenticationRequestView):  # type: ignore[misc]
    """The library's request view (state, nonce, PKCE in the session), pointed at the configured provider."""

    def __init__(self, config: sso.Provider) -> None:
        super().__init__()
        self.OIDC_OP_AUTH_ENDPOINT = config.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = config.client_id


def _round_trip(request: HttpRequest, purpose: dict[str, Any]) -> HttpResponse:
    if not sso.enabled():
        raise Http404("single sign-on is not set up")
    request.session[sso.PURPOSE_KEY] = purpose
    view = _RequestView(sso.provider())
    view.setup(request)
    response: HttpResponse = view.get(request)
    return response


@require_http_methods(["GET"])
def sso_start(request: HttpRequest) -> HttpResponse:
    return _round_trip(request, {"purpose": "sign_in"})


@login_required
@require_http_methods(["GET", "POST"])
def sso_link(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        # A bookmarked or typed address: no dead end (issue 15 §5), the button on the account page instead.
        messages.info(request, "To link your school account, use the button under “School account” below.")
        return redirect(reverse("people:account") + "#sso")
    return _round_trip(request, {"purpose": "link", "user": request.user.pk})


@require_POST
def sso_link_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Linking with an invitation (issue 14 §2): before the person has a password, whoever holds the
    invitation's link proves their school account at the provider and it is linked to the invited account.
    The token rides in the session for the round trip only, to find the invitation and its page again."""
    try:
        invite = invitations.find(token, timezone.now())
    except PolicyRefusal as refusal:
        return refused_page(request, refusal.problems, status=404, title="Invitation not valid")
    return _round_trip(request, {"purpose": "invitation", "invitation": invite.pk, "token": token})


@login_required
@require_http_methods(["GET", "POST"])
def sso_unlink(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        messages.info(request, "To remove the link to your school account, use the button below.")
        return redirect(reverse("people:account") + "#sso")
    removed = sso.unlink_identities(request.user, actor=request.user, now=timezone.now(), reason="by holder")  # type: ignore[arg-type]
    if removed:
        messages.success(request, "Your school account is no longer linked.")
    return redirect("people:account")


def _verified_state(request: HttpRequest) -> tuple[str, str | None] | None:
    """The nonce and PKCE verifier stored for this callback's state, used once (as the library's view)."""
    states = request.session.get("oidc_states")
    state = request.GET.get("state", "")
    if not isinstance(states, dict) or state not in states or "code" not in request.GET:
        return None
    entry = states.pop(state)
    request.session["oidc_states"] = states
    return entry["nonce"], entry.get("code_verifier")


def _refused(request: HttpRequest, reason: str, target: str = "people:login") -> HttpResponse:
    sign_ins.record_failed_sign_in(f"(single sign-on: {reason})", sign_ins.ip_of(request))
    messages.error(request, FAILED.format(reason=reason))
    return redirect(target)


class _NotThisRoundTrip(Exception):
    """The callback cannot link for the round trip it was started for; `args`: (reason, where to go)."""


def _linking(request: HttpRequest, purpose: dict[str, Any]) -> tuple[Any, str, str]:
    """(whom this round trip links — None for a sign-in —, how, and the page it ends on)."""
    if purpose.get("purpose") == "link":
        if not request.user.is_authenticated or request.user.pk != purpose.get("user"):
            raise _NotThisRoundTrip("sign in to Watchkeeper first, then link your account", "people:login")
        return request.user, "account", reverse("people:account")
    if purpose.get("purpose") == "invitation":
        page = reverse("people:invitation", args=[str(purpose.get("token", ""))])
        try:
            invite = invitations.find(str(purpose.get("token", "")), timezone.now())
        except PolicyRefusal:
            invite = None
        if invite is None or invite.pk != purpose.get("invitation"):
            raise _NotThisRoundTrip("the invitation is no longer valid", page)
        return invite.user, "invitation", page
    return None, "", reverse("people:login")


@require_http_methods(["GET"])
def sso_callback(request: HttpRequest) -> HttpResponse:
    if not sso.enabled():
        raise Http404("single sign-on is not set up")
    purpose = request.session.pop(sso.PURPOSE_KEY, None) or {}
    stored = _verified_state(request)
    try:
        link_for, through, target = _linking(request, purpose)
    except _NotThisRoundTrip as refusal:
        return _refused(request, *refusal.args)
    if stored is None or request.GET.get("error"):
        return _refused(request, "the sign-in was cancelled or has expired — try again", target)
    backend = sso.WatchkeeperOIDCBackend(link_for=link_for, now=timezone.now(), through=through)
    try:
        user = backend.authenticate(request, nonce=stored[0], code_verifier=stored[1])
    except (requests.RequestException, jwt.PyJWTError, SuspiciousOperation, KeyError):
        user = None
    if user is None or not user.is_active:
        return _refused(request, backend.refused or "the provider's answer could not be checked", target)
    if link_for is not None:
        messages.success(request, LINKED[through])
        return redirect(target)
    return _signed_in_at_provider(request, user, backend.claims, backend.config)


def _signed_in_at_provider(
    request: HttpRequest, user: Any, claims: dict[str, Any], config: sso.Provider
) -> HttpResponse:
    """Footage roles still need Watchkeeper's own second factor, unless the trust accepts the provider's."""
    if needs_second_factor(user) and not sso.amr_trusted(claims, config):
        request.session[sso.PENDING_KEY] = {"user": user.pk, "since": timezone.now().timestamp()}
        return redirect("people:sso_second_factor")
    login(request, user, backend=PASSWORD_BACKEND)
    if needs_second_factor(user):
        request.session[sso.PROVIDER_MFA_KEY] = sorted(set(claims.get("amr") or []) & config.trusted_amr)
    return redirect(request.session.pop("oidc_login_next", None) or "/")


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label="Authenticator code",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text="Six digits from your Watchkeeper authenticator app: your roles can see footage.",
    )


def _pending_user(request: HttpRequest) -> Any:
    pending = request.session.get(sso.PENDING_KEY) or {}
    if timezone.now().timestamp() - float(pending.get("since", 0)) > PENDING_SECONDS:
        return None
    return get_user_model().objects.filter(pk=int(pending.get("user", 0)), is_active=True).first()


@require_http_methods(["GET", "POST"])
def sso_second_factor(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        request.session.pop(sso.PENDING_KEY, None)
        messages.warning(request, "Sign in again: the single sign-on step has expired.")
        return redirect("people:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        credentials = {"username": user.get_username()}
        device = None
        if AxesProxyHandler.is_allowed(request, credentials):
            device = match_token(user, form.cleaned_data["otp_token"].strip())
        if device is not None:
            del request.session[sso.PENDING_KEY]
            login(request, user, backend=PASSWORD_BACKEND)
            otp_login(request, device)
            return redirect(request.session.pop("oidc_login_next", None) or "/")
        # Wrong codes count towards the lock-out as on the sign-in page.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        sign_ins.record_failed_sign_in(user.get_username(), sign_ins.ip_of(request))
        form.add_error(None, "That authenticator code is not right.")
    status = 200 if request.method == "GET" else 400
    return render(request, "people/sso_second_factor.html", {"form": form}, status=status)
